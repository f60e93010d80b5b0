"""The set-based import path (apps/lowcode/data_import/bulk.py) against the per-row one.

The same workbook is imported both ways into the same database, rolled back in
between: the report (every row's status, name and Chinese message), the saved
records, their change history and their workflow log must be the same, only
the stamps (ids, times) differ. The set-based path must also be what makes a
big sheet cheap: a few queries a batch, not a score a row.
"""

from datetime import date

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from apps.innovation_action import roles
from apps.innovation_action.models import Project
from apps.lowcode.data_import import bulk, import_workbook, template
from apps.lowcode.data_import.importer import RecordImporter, read_upload
from apps.lowcode.doctype.customization import CustomField
from apps.lowcode.doctype.meta import get_meta
from apps.lowcode.workflow.model import Workflow, WorkflowLog
from tests.test_data_import import fill, office, project, upload, user, zhanggong_office  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

STAMPS = {"id", "creation", "modified", "history_id", "history_date"}


def snapshot(report) -> dict:
    """What an import did: its report and everything it wrote, without ids and times."""
    names = [r.name for r in report.rows if r.status == "新建"]
    projects = list(Project.objects.filter(name__in=names).order_by("name").values())
    history = list(Project.history.filter(name__in=names).order_by("name", "history_id").values())
    logs = list(
        WorkflowLog.objects.filter(reference_doctype="Project", reference_name__in=names)
        .order_by("reference_name")
        .values("reference_name", "action", "from_state", "to_state", "user_id", "comment", "moved")
    )
    return {
        "report": [r.as_dict() for r in report.rows],
        "summary": report.summary,
        "saved": report.saved,
        "projects": [{k: v for k, v in p.items() if k not in STAMPS} for p in projects],
        "history": [{k: v for k, v in h.items() if k not in STAMPS} for h in history],
        "logs": logs,
    }


def both_ways(settings, importer, data: bytes, **options) -> tuple[dict, dict]:
    """The import of ``data`` row by row, then in batches, each rolled back after it is recorded."""
    taken = []
    for in_batches in (False, True):
        settings.LOWCODE_IMPORT_IN_BATCHES = in_batches
        with transaction.atomic():
            report = import_workbook(importer, "Project", upload(data), **options)
            taken.append(snapshot(report))
            transaction.set_rollback(True)
    return taken[0], taken[1]


def mixed_rows() -> list[dict]:
    """New projects, good and bad in every way a row can be bad without naming a stored record."""
    return [
        project(40),
        project(41, **{"总投资（万元）": "很多"}),  # not a number
        project(42, 项目名称=None),  # a required field left empty
        project(43, 隶属="不存在县"),  # an unknown link
        project(40, 项目名称="重复的项目"),  # the same plan and number as the first row
        project(44, 项目类型="扩建"),  # not one of the select's options
        project(45, 隶属="南康区"),  # another county: refused to a county user, fine for the office
        project(46, **{"总投资（万元）": 12345678901234567}),  # too many digits for the column
        project(47, **{"开工年月": "明年"}),  # not a date
        project(48, 工作方案="2099"),  # an unknown plan
        *[project(n, 隶属="章贡区" if n % 2 else "南康区") for n in range(50, 80)],
    ]


@pytest.mark.parametrize("username", ["office", "zg_office"])
def test_the_batched_import_gives_the_per_row_result(settings, username, zhanggong_office):
    importer = user(username)
    data = fill(template(importer, "Project"), mixed_rows())
    for dry_run in (True, False):
        per_row, batched = both_ways(settings, importer, data, dry_run=dry_run)
        assert batched == per_row
        statuses = [r["status"] for r in per_row["report"]]
        assert statuses.count("错误") >= 8 and statuses.count("新建") >= 15
        assert bool(per_row["projects"]) == (not dry_run)
        assert len(per_row["history"]) == len(per_row["projects"])
    # A county user's rows of another county are refused with the same words both ways.
    if username == "zg_office":
        refused = next(r for r in per_row["report"] if r["row"] == 8)
        assert refused["status"] == "错误" and "南康区" in refused["message"]


def test_custom_fields_defaults_and_all_or_nothing_are_the_same(settings, office):
    for field in (
        dict(fieldname="custom_level", label="项目级别", fieldtype="Select", options="省级\n市级", default="市级"),
        dict(fieldname="custom_key", label="重点督办", fieldtype="Check"),
        dict(fieldname="custom_unit", label="主管单位", fieldtype="Link", options="Unit"),
        dict(fieldname="custom_due", label="验收日期", fieldtype="Date", reqd=1),
    ):
        custom = CustomField(dt="Project", **field)
        custom.full_clean()
        custom.save()
    rows = [
        project(60, 项目级别="省级", 重点督办="是", 主管单位="市科技局", 验收日期=date(2025, 6, 1)),
        project(61, 验收日期="2025年7月1日"),  # the select takes its default
        project(62, 主管单位="不存在的单位", 验收日期=date(2025, 6, 1)),
        project(63),  # the required custom field is missing
        project(64, 项目级别="国家级", 验收日期=date(2025, 6, 1)),
    ]
    data = fill(template(office, "Project"), rows)
    for options in ({"dry_run": False}, {"dry_run": False, "all_or_nothing": True}):
        per_row, batched = both_ways(settings, office, data, **options)
        assert batched == per_row
        assert [r["status"] for r in per_row["report"]] == ["新建", "新建", "错误", "错误", "错误"]
    assert per_row["saved"] is False and not per_row["projects"]


def test_a_workflow_logs_each_new_record_the_same_way(settings, office):
    workflow = Workflow.objects.create(name="项目审核", document_type="Project")
    workflow.states.create(state="草稿", idx=1, allow_edit=roles.OFFICE)
    workflow.states.create(state="已确认", idx=2, state_type="submitted", allow_edit=roles.OFFICE)
    data = fill(template(office, "Project"), [project(n) for n in range(40, 60)])
    per_row, batched = both_ways(settings, office, data, dry_run=False)
    assert batched == per_row
    assert len(per_row["logs"]) == 20 and {p["workflow_state"] for p in per_row["projects"]} == {"草稿"}


def test_rows_naming_stored_records_go_row_by_row_with_the_same_result(settings, office):
    """An update in the batch (2023-P01 by its key) sends the batch through save_document row by row."""
    rows = [project(40), project(1, 项目名称="改名的项目"), project(41)]
    data = fill(template(office, "Project"), rows)
    per_row, batched = both_ways(settings, office, data, dry_run=False)
    assert batched == per_row
    assert [r["status"] for r in per_row["report"]] == ["新建", "更新", "新建"]


def test_a_big_sheet_of_new_records_costs_a_few_queries_a_batch(settings, office):
    settings.LOWCODE_IMPORT_IN_BATCHES = True
    data = fill(template(office, "Project"), [project(n) for n in range(100, 400)])
    with CaptureQueriesContext(connection) as queries:
        report = import_workbook(office, "Project", upload(data), dry_run=False)
    assert report.count("新建") == 300 and Project.objects.filter(number__gte=100).count() == 300
    assert Project.history.filter(number__gte=100, history_type="+", history_user=office).count() == 300
    assert len(queries) < 60, [q["sql"][:120] for q in queries.captured_queries]


def test_which_doctypes_go_row_by_row(office):
    def reason(doctype, rows):
        meta = get_meta(doctype)
        sheet = read_upload(meta, upload(fill(template(office, doctype), rows)))
        return bulk.reason_for_rows(RecordImporter(office, meta, sheet.columns))

    assert reason("Project", [project(40)]) == ""
    assert reason("Task", []) == "the sheet has child table columns"
    assert reason("SelfAssessment", []) != ""
    assert reason("Integrity Case", []) == "the controller validates (clean)"
