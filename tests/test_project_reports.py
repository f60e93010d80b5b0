"""Monthly project reports (项目月报) through Frappe's API, as a county user and the office use them.

From fixtures/ganzhou-2023/projects.yaml: 章贡区 has 2023-P12 (虔东稀土产业园, total 100000 万元, 2023 plan
20000 万元) and 2023-P13 (模式动物研究中心, plan 10000 万元); 信丰县 has 2023-P21 and 2023-P22.
"""

import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from apps.innovation_action.models import ActionPlan, AssessmentPeriod, ProjectReport
from apps.lowcode.models import File
from apps.lowcode.workflow.model import Workflow, WorkflowLog
from tests.test_workflow_api import client, ok, refused

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

DOCTYPE = "Project Report"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"


def post(username, period="2023-M01", project="2023-P12", **fields):
    return client(username).post(
        f"/api/resource/{DOCTYPE}", {"period": period, "project": project, **fields}, format="json"
    )


def create(username="zhanggong", period="2023-M01", project="2023-P12", **fields) -> dict:
    return ok(post(username, period, project, **fields))


def put(username, name, **fields):
    doc = ok(client(username).get(f"/api/resource/{DOCTYPE}/{name}"))
    return client(username).put(f"/api/resource/{DOCTYPE}/{name}", {**doc, **fields}, format="json")


def act(username, name, action, comment=""):
    return client(username).post(
        "/api/method/frappe.model.workflow.apply_workflow",
        {"doc": json.dumps({"doctype": DOCTYPE, "name": name}), "action": action, "comment": comment},
        format="json",
    )


def actions(username, name) -> list[str]:
    response = client(username).get(
        "/api/method/frappe.model.workflow.get_transitions", {"doc": json.dumps({"doctype": DOCTYPE, "name": name})}
    )
    return [t["action"] for t in ok(response)]


def upload(username, name, filename="现场照片.png"):
    return client(username).post(
        "/api/method/upload_file",
        {"file": SimpleUploadedFile(filename, PNG), "doctype": DOCTYPE, "docname": name, "is_private": "1"},
        format="multipart",
    )


# ------------------------------------------------------------------ the doctype and its workflow


def test_the_workflow_ships_as_data():
    workflow = Workflow.objects.get(name="项目月报审核流程")
    assert (workflow.document_type, workflow.is_active) == (DOCTYPE, True)
    assert [(s.state, s.state_type) for s in workflow.states.order_by("idx")] == [
        ("草稿", "editable"),
        ("已提交", "submitted"),
        ("已审核", "final"),
    ]
    assert [(t.state, t.action, t.next_state, t.comment_required) for t in workflow.transitions.order_by("idx")] == [
        ("草稿", "提交", "已提交", False),
        ("已提交", "撤回", "草稿", False),
        ("已提交", "审核通过", "已审核", False),
        ("已提交", "退回修改", "草稿", True),
    ]


def test_a_county_reports_its_project_and_the_cumulative_follows_the_months():
    doc = create(period="2023-M01", month_investment=1200, progress="完成厂房主体结构", problems="用地指标待落实")
    assert (doc["name"], doc["county"], doc["workflow_state"], doc["docstatus"]) == (
        "2023-M01-2023-P12",
        "章贡区",
        "草稿",
        0,
    )
    assert (doc["stage"], doc["planned_investment"], doc["year_investment"]) == ("在建", 20000, 1200)

    # February: the cumulative is January's plus February's when left empty.
    doc = create(period="2023-M02", month_investment=1500.5)
    assert doc["year_investment"] == 2700.5

    # Entered, it must agree with the month before.
    message = refused(post("zhanggong", "2023-M03", month_investment=500, year_investment=3000), 417, "ValidationError")
    assert message == (
        "本年累计完成投资（万元）：本年累计完成投资（3000万元）应等于2023年2月累计（2700.5万元）加本月完成（500万元），"
        "即 3200.5 万元；留空可自动计算"
    )
    message = refused(post("zhanggong", "2023-M03", month_investment=0, year_investment=2000), 417, "ValidationError")
    assert "本年累计完成投资（2000万元）不能少于2023年2月累计（2700.5万元）" in message
    doc = create(period="2023-M03", month_investment=500, year_investment=3200.5, stage="在建")
    assert doc["year_investment"] == 3200.5

    # Changing a month's figure alone (the client sends the old cumulative back) derives it again.
    doc = ok(put("zhanggong", "2023-M03-2023-P12", month_investment=800))
    assert doc["year_investment"] == 3500.5
    # January cannot now exceed February's reported cumulative.
    message = refused(put("zhanggong", "2023-M01-2023-P12", month_investment=3000), 417, "ValidationError")
    assert "不能多于2023年2月已报累计（2700.5万元）" in message

    # A gap (no April report): May's cumulative is entered, at least March's plus May's.
    message = refused(post("zhanggong", "2023-M05", month_investment=100, year_investment=3550), 417, "ValidationError")
    assert "不能少于2023年3月累计（3500.5万元）加本月完成（100万元）" in message
    assert create(period="2023-M05", month_investment=100, year_investment=4200)["year_investment"] == 4200


def test_bad_figures_are_refused_in_chinese():
    message = refused(post("zhanggong", month_investment=-1), 417, "ValidationError")
    assert message == "本月完成投资（万元）：本月完成投资（万元）不能为负数"
    message = refused(post("zhanggong", month_investment=0, year_investment=-5), 417, "ValidationError")
    assert "不能为负数" in message
    message = refused(post("zhanggong", month_investment=100001), 417, "ValidationError")
    assert "不能超过项目总投资（100000万元）" in message
    assert "月度" in refused(post("zhanggong", period="2023-Q1"), 417, "ValidationError")
    message = refused(post("zhanggong", month_investment="很多"), 417, "ValidationError")
    assert "本月完成投资" in message
    message = refused(post("zhanggong", stage="规划中"), 417, "LinkValidationError")
    assert "项目阶段" in message
    assert ProjectReport.objects.count() == 0


def test_a_month_outside_the_projects_plan_is_refused():
    other = ActionPlan.objects.create(
        title="2024年行动方案", start_date=date(2024, 1, 1), end_date=date(2024, 12, 31), issuer="领导小组"
    )
    month = AssessmentPeriod.objects.create(
        plan=other, kind="月度", number=1, start_date=date(2024, 1, 1), end_date=date(2024, 1, 31)
    )
    message = refused(post("office", period=month.name), 417, "ValidationError")
    assert message == "报告月份：2024年1月不在项目“赣江虔东稀土新材料产业园建设项目”所属的工作方案内"


def test_one_report_per_project_and_month():
    create(period="2023-M01", month_investment=10)
    message = refused(post("zhanggong", period="2023-M01", month_investment=20), 409, "DuplicateEntryError")
    assert message == "该项目本月的月报已存在，每个项目每月只报一次"
    # The other project of the county, and the same project's next month, are fine.
    create(period="2023-M01", project="2023-P13")
    create(period="2023-M02", project="2023-P12")
    assert ProjectReport.objects.count() == 3


# ------------------------------------------------------------------ scope


def test_a_county_neither_sees_nor_reports_another_countys_projects():
    name = create(period="2023-M01", month_investment=10)["name"]
    # 信丰县 cannot report 章贡区's project: the link is outside its scope.
    message = refused(post("xinfeng", period="2023-M02", project="2023-P12"), 417, "LinkValidationError")
    assert "2023-P12" in message
    refused(client("xinfeng").get(f"/api/resource/{DOCTYPE}/{name}"), 404, "DoesNotExistError")
    refused(
        client("xinfeng").put(f"/api/resource/{DOCTYPE}/{name}", {"progress": "改"}, format="json"),
        404,
        "DoesNotExistError",
    )
    refused(act("xinfeng", name, "提交"), 404, "DoesNotExistError")
    xinfeng_doc = create("xinfeng", period="2023-M01", project="2023-P21", month_investment=50)
    assert xinfeng_doc["county"] == "信丰县"

    def listed(username):
        response = client(username).get(f"/api/resource/{DOCTYPE}", {"fields": '["name","county"]'})
        return sorted((row["name"], row["county"]) for row in ok(response))

    assert listed("zhanggong") == [(name, "章贡区")]
    assert listed("xinfeng") == [("2023-M01-2023-P21", "信丰县")]
    assert listed("office") == sorted([(name, "章贡区"), ("2023-M01-2023-P21", "信丰县")])
    count = client("xinfeng").get("/api/method/frappe.client.get_count", {"doctype": DOCTYPE})
    assert ok(count) == 1


# ------------------------------------------------------------------ the workflow and attachments


def test_submit_return_and_approve_through_the_api():
    name = create(period="2023-M03", month_investment=2600, stage="在建", problems="设备进场延迟")["name"]
    assert actions("zhanggong", name) == ["提交"]
    assert actions("office", name) == []

    # Photos and documents while it is a draft.
    ok(upload("zhanggong", name))
    assert File.objects.filter(attached_to_doctype=DOCTYPE, attached_to_name=name).count() == 1

    before = timezone.now()
    doc = ok(act("zhanggong", name, "提交"))
    assert (doc["workflow_state"], doc["docstatus"]) == ("已提交", 1)
    stamp = ProjectReport.objects.get(name=name).submitted_at
    assert before <= stamp <= timezone.now()

    # Submitted: the county can no longer change it nor add attachments.
    refused(put("zhanggong", name, problems="改"), 403, "PermissionError")
    assert upload("zhanggong", name).status_code == 403
    assert actions("zhanggong", name) == ["撤回"]  # until the office acts (no one's task: not in their 待办)
    assert actions("office", name) == ["审核通过", "退回修改"]

    # The office returns it, with a reason only.
    assert refused(act("office", name, "退回修改"), 417, "ValidationError") == "“退回修改”必须填写意见（例如退回原因）"
    doc = ok(act("office", name, "退回修改", "请补充现场照片说明"))
    assert (doc["workflow_state"], doc["docstatus"]) == ("草稿", 0)
    doc = ok(put("zhanggong", name, progress="主体完工，见现场照片"))
    assert doc["progress"] == "主体完工，见现场照片"
    ok(act("zhanggong", name, "提交"))
    assert ProjectReport.objects.get(name=name).submitted_at == stamp  # the first stamp stays

    doc = ok(act("office", name, "审核通过"))
    assert (doc["workflow_state"], doc["docstatus"]) == ("已审核", 1)
    assert actions("office", name) == []
    refused(put("office", name, problems="改"), 403, "PermissionError")
    assert [
        (log.action, log.to_state, log.user.username)
        for log in WorkflowLog.objects.filter(reference_doctype=DOCTYPE, reference_name=name).order_by("id")
    ] == [
        ("新建", "草稿", "zhanggong"),
        ("提交", "已提交", "zhanggong"),
        ("退回修改", "草稿", "office"),
        ("提交", "已提交", "zhanggong"),
        ("审核通过", "已审核", "office"),
    ]


def test_the_office_reads_figures_as_entered():
    create(period="2023-M01", month_investment=Decimal("12.34"))
    report = ProjectReport.objects.get(name="2023-M01-2023-P12")
    assert (report.month_investment, report.year_investment, report.county.name) == (
        Decimal("12.34"),
        Decimal("12.34"),
        "章贡区",
    )


# ------------------------------------------------------------------ 项目阶段 as data


def test_the_office_adds_a_stage_without_code_and_counties_report_it():
    from apps.innovation_action.models import ProjectStage

    assert list(ProjectStage.objects.values_list("name", flat=True)) == ["前期", "在建", "竣工", "投产", "停缓建"]
    assert (
        refused(post("zhanggong", stage="试生产"), 417, "LinkValidationError")
        == "字段“项目阶段”：找不到项目阶段“试生产”"
    )
    # A county may not extend the list; the office may, like any plan data.
    refused(
        client("zhanggong").post("/api/resource/Project Stage", {"name": "试生产"}, format="json"),
        403,
        "PermissionError",
    )
    ok(client("office").post("/api/resource/Project Stage", {"name": "试生产", "order": 4}, format="json"))
    doc = create(period="2023-M01", month_investment=100, stage="试生产")
    assert doc["stage"] == "试生产"
    # Left empty, a report starts in the default stage; the office may make another one the default.
    ProjectStage.objects.filter(name="在建").update(is_default=False)
    ProjectStage.objects.filter(name="前期").update(is_default=True)
    assert create(period="2023-M02", month_investment=0)["stage"] == "前期"
    # A stage in use cannot be deleted: the reports would lose it.
    refused(client("office").delete("/api/resource/Project Stage/试生产"), 417, "LinkExistsError")


@pytest.mark.mariadb
@pytest.mark.django_db(transaction=True)
def test_the_migration_links_each_reports_stage_text_to_a_stage_record():
    """Existing reports keep their stage: 在建 links the default record, a value outside the list becomes one."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from apps.innovation_action.services.demo_accounts import create_demo_accounts
    from apps.innovation_action.services.plan_loader import load_plan
    from tests.conftest import PLAN_FOLDER

    load_plan(PLAN_FOLDER)
    create_demo_accounts()
    first = create(period="2023-M01", month_investment=100)["name"]
    second = create(period="2023-M02", month_investment=100)["name"]
    before, after = (
        ("innovation_action", "0014_remind_deadline_rules"),
        ("innovation_action", "0015_project_stages"),
    )
    executor = MigrationExecutor(connection)
    executor.migrate([before])
    old = executor.loader.project_state([before]).apps.get_model("innovation_action", "ProjectReport")
    assert old.objects.get(name=first).stage == "在建"  # back to text, as the reports had it
    old.objects.filter(name=second).update(stage="规划中")  # a value an old site may have stored

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([after])
    reports = {r.name: r.stage.name for r in ProjectReport.objects.select_related("stage")}
    assert reports == {first: "在建", second: "规划中"}
    from apps.innovation_action.models import ProjectStage

    assert set(ProjectStage.objects.values_list("name", flat=True)) == {
        "前期",
        "在建",
        "竣工",
        "投产",
        "停缓建",
        "规划中",
    }
    assert ProjectStage.default().name == "在建"
    assert {h.stage.name for h in ProjectReport.history.filter(name=first)} == {"在建"}
    # Forward to the latest migrations again, so that the tests after this one find every table as the code has it.
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_the_workbench_search_finds_a_project_report_by_its_project():
    """查找 matches a doctype's search_fields besides the name: 稀土 finds 章贡区's report on 2023-P12
    (赣江虔东稀土新材料产业园), for its county and not for another."""
    name = create()["name"]
    found = ok(client("zhanggong").get("/api/method/innovation_action.api.search_documents", {"text": "稀土 2023"}))
    assert [(d["doctype"], d["name"]) for d in found] == [(DOCTYPE, name)]
    assert ok(client("xinfeng").get("/api/method/innovation_action.api.search_documents", {"text": "稀土"})) == []
