"""The faster read paths answer exactly as before, and the bench's bare views query what the API does.

- serialisation by per-meta plans: a document read right after a custom field or a
  property setter is added shows it (the plan belongs to a metadata version);
- role permissions read in one query still follow a change of roles at the next request;
- bench/bare_views.py (what bench/api_http.py compares the API with) lists the same records as
  the API for a scoped user and reads the same child rows, so the comparison is fair.
"""

import json

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.utils import timezone

from apps.innovation_action.models import AssessmentPeriod, Project, SelfAssessment
from apps.lowcode.auth.api_key import generate_keys
from apps.lowcode.doctype.customization import CustomField, PropertySetter
from apps.lowcode.doctype.meta import get_meta
from apps.lowcode.document.service import save_document

pytestmark = pytest.mark.django_db

LIST_FIELDS = ["name", "project_name", "county", "section", "total_investment", "planned_investment"]


def token_client(username) -> Client:
    key, secret = generate_keys(User.objects.get(username=username))
    return Client(HTTP_AUTHORIZATION=f"token {key}:{secret}")


def data(response):
    assert response.status_code == 200, response.content.decode()
    return response.json()["data"]


@pytest.fixture
def assessment(db):
    AssessmentPeriod.objects.filter(name="2023-Q1").update(opened_at=timezone.now())
    doc = save_document(
        User.objects.get(username="office"), get_meta("SelfAssessment"), {"period": "2023-Q1", "county": "章贡区"}
    )
    doc.lines.update(self_score=1)
    return doc


def test_a_document_read_shows_a_custom_field_and_a_property_setter_at_once(assessment):
    client = token_client("zhanggong")
    before = data(client.get(f"/api/resource/SelfAssessment/{assessment.name}"))
    assert "custom_reviewer_note" not in before
    assert before["lines"] and before["lines"][0]["parentfield"] == "lines"
    assert isinstance(before["lines"][0]["self_score"], float) and before["lines"][0]["indicator"]

    field = CustomField(dt="SelfAssessment", fieldname="custom_reviewer_note", label="审核备注", fieldtype="Data")
    field.full_clean()
    field.save()
    SelfAssessment.objects.filter(pk=assessment.pk).update(custom_values={"custom_reviewer_note": "已核"})
    setter = PropertySetter(doc_type="SelfAssessment", field_name="summary", label="自评概述")
    setter.full_clean()
    setter.save()

    after = data(client.get(f"/api/resource/SelfAssessment/{assessment.name}"))
    assert after["custom_reviewer_note"] == "已核"
    assert get_meta("SelfAssessment").fields["summary"].label == "自评概述"
    assert [row["name"] for row in after["lines"]] == [row["name"] for row in before["lines"]]


def test_a_change_of_roles_applies_at_the_next_request():
    client = token_client("zhanggong")
    assert client.get("/api/resource/Project").status_code == 200
    user = User.objects.get(username="zhanggong")
    groups = list(user.groups.all())
    user.groups.clear()
    assert client.get("/api/resource/Project").status_code == 403
    user.groups.add(*groups)
    assert client.get("/api/resource/Project").status_code == 200
    user.groups.add(Group.objects.get(name="领导小组办公室"))  # a second role: permissions from both
    assert client.get("/api/resource/Project").status_code == 200


def test_the_bare_views_query_what_the_api_does(settings, assessment):
    settings.ROOT_URLCONF = "bench.urls"
    from bench.seed import seed_projects

    seed_projects()
    client = token_client("zhanggong")
    params = {"fields": json.dumps(LIST_FIELDS), "limit_page_length": 100, "order_by": "number asc"}
    api_rows = data(client.get("/api/resource/Project", params))
    bare_rows = data(client.get("/bench/projects"))
    assert len(api_rows) == 100 and api_rows == bare_rows  # same records, same scope, same values
    assert {row["county"] for row in api_rows} == {"章贡区"}
    assert Project.objects.exclude(county__name="章贡区").exists()  # the scope did filter

    api_doc = data(client.get(f"/api/resource/SelfAssessment/{assessment.name}"))
    bare_doc = data(client.get(f"/bench/assessment/{assessment.name}"))
    assert [row["name"] for row in api_doc["lines"]] == [row["name"] for row in bare_doc["lines"]]
    assert token_client("xinfeng").get(f"/bench/assessment/{assessment.name}").status_code == 404

    moved = client.post(f"/bench/workflow/{assessment.name}", {"action": "提交"})
    assert moved.json()["message"]["workflow_state"] == "待初审"


def test_the_scoring_bare_view_scores_as_the_api_submission_does(settings, assessment):
    """/bench/workflow-scored runs on 提交 what the SelfAssessment hooks do: the same 初审得分, the same notes."""
    settings.ROOT_URLCONF = "bench.urls"
    client = token_client("zhanggong")

    def reviewed():
        return list(assessment.lines.order_by("idx").values_list("reviewed_score", "reviewed_note"))

    moved = client.post(f"/bench/workflow-scored/{assessment.name}", {"action": "提交"})
    assert moved.json()["message"]["workflow_state"] == "待初审"
    by_bare_view = reviewed()
    assert by_bare_view and all(score is not None and note for score, note in by_bare_view)

    assessment.lines.update(reviewed_score=None, reviewed_note="")
    SelfAssessment.objects.filter(pk=assessment.pk).update(workflow_state="草稿", docstatus=0)
    body = {"doc": {"doctype": "SelfAssessment", "name": assessment.name}, "action": "提交"}
    api = client.post("/api/method/frappe.model.workflow.apply_workflow", json.dumps(body), "application/json")
    assert api.status_code == 200, api.content.decode()
    assert reviewed() == by_bare_view


def test_the_load_benchmarks_bare_views_see_what_the_api_sees(settings, assessment):
    """bench/locustfile.py's baseline: each bare view answers for the same records as its API call."""
    settings.ROOT_URLCONF = "bench.urls"
    county, office = token_client("zhanggong"), token_client("office")
    fields = json.dumps(["name", "county", "period", "workflow_state", "self_total", "modified"])
    params = {"fields": fields, "limit_page_length": 20, "order_by": "modified desc"}
    api_list = data(county.get("/api/resource/SelfAssessment", params))
    bare_list = data(county.get("/bench/assessments"))
    assert [row["name"] for row in api_list] == [row["name"] for row in bare_list] == [assessment.name]
    assert data(token_client("xinfeng").get("/bench/assessments")) == []  # another county's scope

    saved = county.post(f"/bench/save/{assessment.name}", json.dumps({"summary": "基准"}), "application/json")
    assert data(saved)["summary"] == "基准" and SelfAssessment.objects.get(pk=assessment.pk).summary == "基准"

    county.post(f"/bench/workflow/{assessment.name}", {"action": "提交"})  # 待初审: the office's to review
    api_inbox = office.get("/api/method/lowcode.workflow.get_pending_documents").json()["message"]
    bare_inbox = office.get("/bench/inbox").json()["message"]
    assert assessment.name in {row["name"] for row in bare_inbox}
    assert {row["name"] for row in api_inbox if row["doctype"] == "SelfAssessment"} == {r["name"] for r in bare_inbox}

    figures = office.get("/bench/dashboard", {"period": "2023-Q1"}).json()["message"]
    assert {"county__name": "章贡区", "workflow_state": "待初审", "count": 1} in figures["submissions"][
        "SelfAssessment"
    ]
    assert office.get("/bench/ranking", {"period": "2023-Q1"}).status_code == 200
    pdf = county.get(f"/bench/pdf/{assessment.name}")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


@pytest.mark.mariadb
def test_locking_a_document_for_a_county_user_leaves_the_county_row_free():
    """Two writes in one county do not wait for each other: the lock is the document's row alone
    (a county user's scope joins County, and a locking read locks every row it joins)."""
    import MySQLdb
    from django.db import connection, transaction

    from apps.lowcode.permissions import locked_in_scope

    assert connection.vendor == "mysql", "row locks are MariaDB's: the SQLite run deselects this test"

    project = Project.objects.filter(county__name="章贡区").first()  # committed with the plan: no FK locks held
    config = connection.settings_dict
    with transaction.atomic():
        assert locked_in_scope(User.objects.get(username="zhanggong"), Project, name=project.name) == project
        other = MySQLdb.connect(
            host=config["HOST"],
            port=int(config["PORT"]),
            user=config["USER"],
            passwd=config["PASSWORD"],
            db=config["NAME"],
            charset="utf8mb4",
        )
        try:
            cursor = other.cursor()
            cursor.execute("BEGIN")
            cursor.execute("SELECT id FROM innovation_action_county WHERE name = %s FOR UPDATE NOWAIT", ["章贡区"])
            assert cursor.fetchall()
            with pytest.raises(MySQLdb.OperationalError):  # the document itself is locked
                cursor.execute("SELECT id FROM innovation_action_project WHERE id = %s FOR UPDATE NOWAIT", [project.pk])
        finally:
            other.rollback()
            other.close()
