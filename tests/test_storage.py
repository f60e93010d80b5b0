"""Chinese text, rare characters, naming and field history on both databases."""

import pytest
from django.db import IntegrityError, connection, transaction

from apps.innovation_action.models import County, Liaison, Task, Unit
from apps.lowcode.doctype import doctype_registry, get_doctype_model

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

# 镕赟堃 are rare but in the BMP; 𬭚 (U+2CB5A) and 𠀾 (U+2003E) need 4 bytes in UTF-8,
# which MariaDB's old "utf8" cannot hold.
RARE = "镕赟堃𬭚𠀾"


def test_rare_characters_round_trip():
    unit = Unit.objects.create(name=f"测试单位{RARE}")
    liaison = Liaison.objects.create(unit=unit, organization=unit.name, person_name=f"王{RARE}", department="科室")
    liaison.refresh_from_db()
    assert liaison.person_name == f"王{RARE}"
    assert liaison.name == f"测试单位{RARE}-王{RARE}"
    assert Liaison.objects.get(person_name__contains="𬭚") == liaison


def test_distinct_rare_characters_are_distinct_keys():
    # A collation that weighs all supplementary characters alike would call these duplicates.
    County.objects.create(name="𬭚县")
    County.objects.create(name="𠀾县")
    with pytest.raises(IntegrityError), transaction.atomic():
        County.objects.create(name="𬭚县")


def test_mariadb_tables_are_utf8mb4():
    if connection.vendor != "mysql":
        assert connection.vendor == "sqlite"  # SQLite stores UTF-8 natively
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, table_collation FROM information_schema.tables WHERE table_schema = DATABASE()"
        )
        collations = dict(cursor.fetchall())
    assert collations and all(c.startswith("utf8mb4") for c in collations.values()), collations


def test_doctype_registry_uses_frappe_names():
    assert get_doctype_model("Task") is Task
    assert {
        "Action Plan",
        "County",
        "Unit",
        "Liaison",
        "Task",
        "Task Unit",
        "Project",
        "Indicator",
        "Indicator Group",
        "Bonus Rule",
        "Plan Target",
        "User Permission",
    } <= set(doctype_registry)


def test_records_carry_frappe_fields(plan):
    task = plan.tasks.get(number=1)
    assert task.name == "2023-T01"
    assert task.docstatus == 0
    assert task.creation and task.modified


def test_field_history_and_revert(plan):
    task = plan.tasks.get(number=3)
    original = task.title
    task.title = "支持企业融通创新（改）"
    task.save()
    newest, previous = task.history.all()[:2]
    assert newest.diff_against(previous).changed_fields == ["title"]
    previous.instance.save()  # what the admin's "恢复" does
    task.refresh_from_db()
    assert task.title == original
    assert task.history.count() == 3
