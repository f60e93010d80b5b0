"""Monthly progress reports (月度调度): the units' workflow through Frappe's API, and the two numbers
the unit scoring (附表3-2) takes from them — late or missing reports, and completed tasks.

Every expected number and sentence is computed by hand from fixtures/ganzhou-2023/tasks.yaml:
市工信局 leads tasks 5 and 23 and shares 1, 2, 3, 4, 14, 16, 18, 20, 21, 22, 28 (13 tasks);
市教育局 leads 6 and 28; 章贡区人民政府 shares 13 and 22.
"""

import json
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.urls import reverse
from django.utils import timezone

from apps.innovation_action.models import (
    AssessmentPeriod,
    Liaison,
    ProgressReport,
    ProgressReportLine,
    Task,
    TaskStatus,
    Unit,
)
from apps.innovation_action.services.monthly_reports import (
    Counted,
    late_reports,
    months_text,
    task_completion,
)
from apps.lowcode.models import UserPermission
from apps.lowcode.workflow.model import Workflow, WorkflowLog
from tests.test_workflow_api import client, ok, refused

pytestmark = pytest.mark.django_db
both_databases = pytest.mark.both_databases

DOCTYPE = "Progress Report"
BEIJING = ZoneInfo("Asia/Shanghai")
GONGXIN_TASKS = [1, 2, 3, 4, 5, 14, 16, 18, 20, 21, 22, 23, 28]


# ------------------------------------------------------------------ helpers


def create_report(username="gongxin", period="2023-M03", unit="市工信局", **fields) -> dict:
    return ok(
        client(username).post(f"/api/resource/{DOCTYPE}", {"period": period, "unit": unit, **fields}, format="json")
    )


def get_report(username, name):
    return client(username).get(f"/api/resource/{DOCTYPE}/{name}")


def act(username, name, action, comment=""):
    return client(username).post(
        "/api/method/frappe.model.workflow.apply_workflow",
        {
            "doc": json.dumps({"doctype": DOCTYPE, "name": name}, ensure_ascii=False),
            "action": action,
            "comment": comment,
        },
        format="json",
    )


def actions(username, name) -> list[str]:
    response = client(username).get(
        "/api/method/frappe.model.workflow.get_transitions",
        {"doc": json.dumps({"doctype": DOCTYPE, "name": name}, ensure_ascii=False)},
    )
    return [t["action"] for t in ok(response)]


def task_numbers(doc: dict) -> list[int]:
    return [Task.objects.get(name=line["task"]).number for line in doc["lines"]]


def liaison_of(unit: str | None, username: str) -> User:
    """A 市直单位联络员 account scoped to ``unit`` (the demo accounts have one only for 市工信局)."""
    user = User.objects.create_user(username, password="x")
    user.groups.add(Group.objects.get(name="市直单位联络员"))
    if unit:
        UserPermission.objects.create(user=user, allow="Unit", for_value=unit)
    return user


def period(name) -> AssessmentPeriod:
    return AssessmentPeriod.objects.get(name=name)


def set_deadlines(**deadlines):
    """set_deadlines(M01=date(2023, 2, 5), …): the office fills in 报送截止日期 per month."""
    for code, deadline in deadlines.items():
        assert AssessmentPeriod.objects.filter(name=f"2023-{code}").update(deadline=deadline) == 1


def beijing(*args) -> datetime:
    return datetime(*args, tzinfo=BEIJING)


def stored_report(unit: str, month: int, submitted_at=None, submitted=True, statuses: dict | None = None):
    """A report as the workflow leaves it (已报送 with its stamp, or a 草稿), written straight to the database."""
    report = ProgressReport.objects.create(
        period=period(f"2023-M{month:02d}"),
        unit=Unit.objects.get(name=unit),
        submitted_at=submitted_at,
        workflow_state="已报送" if submitted else "草稿",
        docstatus=1 if submitted else 0,
    )
    for idx, (number, status) in enumerate((statuses or {}).items(), start=1):
        ProgressReportLine.objects.create(
            report=report,
            idx=idx,
            task=Task.objects.get(plan__year=2023, number=number),
            status=status,
            name=f"{report.name}-{number:02d}",
        )
    return report


# ------------------------------------------------------------------ the fixtures


@both_databases
def test_twelve_monthly_periods_without_deadlines(plan):
    months = list(AssessmentPeriod.objects.filter(plan=plan, kind="月度").order_by("number"))
    assert [m.name for m in months] == [f"2023-M{n:02d}" for n in range(1, 13)]
    february = months[1]
    assert (february.start_date, february.end_date, february.title) == (
        date(2023, 2, 1),
        date(2023, 2, 28),
        "2023年2月",
    )
    assert months[11].end_date == date(2023, 12, 31)
    assert {m.deadline for m in months} == {None}
    # The quarters and the year are still there.
    assert AssessmentPeriod.objects.filter(plan=plan).exclude(kind="月度").count() == 5


@both_databases
def test_the_workflow_ships_as_data():
    workflow = Workflow.objects.get(name="月度调度报送流程")
    assert (workflow.document_type, workflow.is_active) == (DOCTYPE, True)
    assert [(s.state, s.state_type) for s in workflow.states.order_by("idx")] == [
        ("草稿", "editable"),
        ("已报送", "submitted"),
    ]
    assert [(t.state, t.action, t.next_state, t.comment_required) for t in workflow.transitions.order_by("idx")] == [
        ("草稿", "报送", "已报送", False),
        ("已报送", "退回修改", "草稿", True),
    ]


# ------------------------------------------------------------------ creating a report


@both_databases
def test_a_new_report_lists_the_tasks_the_unit_leads_or_shares():
    doc = create_report("gongxin", "2023-M03", "市工信局")
    assert (doc["name"], doc["workflow_state"], doc["docstatus"], doc["submitted_at"]) == (
        "2023-M03-市工信局",
        "草稿",
        0,
        None,
    )
    assert task_numbers(doc) == GONGXIN_TASKS
    assert {line["status"] for line in doc["lines"]} == {"推进中"}

    # A county's user reports for its 人民政府, which shares tasks 13 and 22.
    doc = create_report("zhanggong", "2023-M03", "章贡区人民政府")
    assert task_numbers(doc) == [13, 22]


@both_databases
def test_lines_sent_by_the_client_are_kept():
    doc = create_report(
        "gongxin",
        "2023-M04",
        "市工信局",
        lines=[{"task": "2023-T05", "status": "已完成", "progress": "已出台实施方案"}],
    )
    assert [(line["task"], line["status"], line["progress"]) for line in doc["lines"]] == [
        ("2023-T05", "已完成", "已出台实施方案")
    ]


@both_databases
def test_a_report_needs_a_month():
    message = refused(
        client("gongxin").post(f"/api/resource/{DOCTYPE}", {"period": "2023-Q1", "unit": "市工信局"}, format="json"),
        417,
        "ValidationError",
    )
    assert "月度" in message


# ------------------------------------------------------------------ the workflow


@both_databases
def test_report_return_and_resubmit_through_the_api():
    name = create_report()["name"]
    assert actions("gongxin", name) == ["报送"]
    assert actions("office", name) == []

    doc = ok(get_report("gongxin", name))
    doc["lines"][4].update(status="已完成", progress="任务5已完成", evidence="市政府常务会议纪要")
    ok(
        client("gongxin").put(
            f"/api/resource/{DOCTYPE}/{name}",
            {"lines": doc["lines"], "summary": "3月推进顺利", "modified": doc["modified"]},
            format="json",
        )
    )
    before = timezone.now()
    doc = ok(act("gongxin", name, "报送"))
    assert (doc["workflow_state"], doc["docstatus"]) == ("已报送", 1)
    stamp = ProgressReport.objects.get(name=name).submitted_at
    assert before <= stamp <= timezone.now()
    assert doc["submitted_at"] == timezone.localtime(stamp).strftime("%Y-%m-%d %H:%M:%S.%f")

    # Submitted: the unit can no longer change it; the office can return it, with a reason only.
    refused(
        client("gongxin").put(f"/api/resource/{DOCTYPE}/{name}", {"summary": "改"}, format="json"),
        403,
        "PermissionError",
    )
    assert actions("gongxin", name) == []
    assert actions("office", name) == ["退回修改"]
    assert refused(act("office", name, "退回修改"), 417, "ValidationError") == "“退回修改”必须填写意见（例如退回原因）"
    assert ProgressReport.objects.get(name=name).workflow_state == "已报送"
    doc = ok(act("office", name, "退回修改", "任务5缺少佐证材料"))
    assert (doc["workflow_state"], doc["docstatus"]) == ("草稿", 0)

    # Resubmitted: the first stamp stays.
    ok(act("gongxin", name, "报送"))
    assert ProgressReport.objects.get(name=name).submitted_at == stamp
    assert [
        (log.action, log.to_state, log.user.username, log.comment)
        for log in WorkflowLog.objects.filter(reference_doctype=DOCTYPE, reference_name=name).order_by("id")
    ] == [
        ("新建", "草稿", "gongxin", ""),
        ("报送", "已报送", "gongxin", ""),
        ("退回修改", "草稿", "office", "任务5缺少佐证材料"),
        ("报送", "已报送", "gongxin", ""),
    ]


@both_databases
def test_a_late_first_submission_stays_late_after_correction():
    set_deadlines(M03=date(2023, 4, 5))
    name = create_report()["name"]
    ok(act("gongxin", name, "报送"))
    # As if the unit had pressed 报送 on 8 April, three days late.
    ProgressReport.objects.filter(name=name).update(submitted_at=beijing(2023, 4, 8, 9, 30))
    ok(act("office", name, "退回修改", "补充佐证"))
    ok(act("gongxin", name, "报送"))
    assert ProgressReport.objects.get(name=name).submitted_at == beijing(2023, 4, 8, 9, 30)
    assert late_reports(Unit.objects.get(name="市工信局"), period("2023-M03"), as_of=date(2023, 12, 31)) == Counted(
        Decimal(1), "2023年3月迟报（4月8日报送，截止4月5日）；共 1 次"
    )


@both_databases
def test_only_the_units_own_people_see_and_submit_its_report():
    name = create_report()["name"]
    liaison_of("市科技局", "keji")
    refused(get_report("keji", name), 404, "DoesNotExistError")
    refused(act("keji", name, "报送"), 404, "DoesNotExistError")
    refused(get_report("zhanggong", name), 404, "DoesNotExistError")
    assert ok(client("keji").get(f"/api/resource/{DOCTYPE}")) == []
    # Nor can a liaison file a report for another unit: that unit is out of reach.
    message = refused(
        client("keji").post(f"/api/resource/{DOCTYPE}", {"period": "2023-M04", "unit": "市工信局"}, format="json"),
        417,
        "LinkValidationError",
    )
    assert message == "字段“报送单位”：找不到单位“市工信局”"
    assert ProgressReport.objects.get(name=name).workflow_state == "草稿"

    # A county's user submits its 人民政府's report: the approvers include the county's users.
    county = create_report("zhanggong", "2023-M03", "章贡区人民政府")["name"]
    refused(get_report("gongxin", county), 404, "DoesNotExistError")
    assert ok(act("zhanggong", county, "报送"))["workflow_state"] == "已报送"


@both_databases
def test_the_units_liaison_account_may_submit():
    """Approvers also come from Liaison.user (unit.liaisons.user), not only from User Permissions.

    Two 市直单位联络员 accounts without any User Permission reach every report;
    only the one linked to a liaison of 市工信局 may 报送 its report.
    """
    name = create_report()["name"]
    linked = liaison_of(None, "gongxin_deputy")
    liaison_of(None, "stranger")
    Liaison.objects.filter(name="市工信局-顾宏诚").update(user=linked)
    assert actions("stranger", name) == []
    assert refused(act("stranger", name, "报送"), 403, "WorkflowPermissionError") == "你不是本单据“报送”的审批人"
    assert actions("gongxin_deputy", name) == ["报送"]
    assert ok(act("gongxin_deputy", name, "报送"))["workflow_state"] == "已报送"


# ------------------------------------------------------------------ 按时报送: late and missing reports


@pytest.fixture
def first_half_year():
    """Deadlines on the 5th of the next month for January to June; none set yet for July to December.

    市工信局: January on time; February stamped 07:00 on 6 March in Beijing (still
    5 March in UTC: late); no March report; April only a draft; May at 23:30 on
    its deadline day (on time); June's deadline is 5 July.
    """
    set_deadlines(
        M01=date(2023, 2, 5),
        M02=date(2023, 3, 5),
        M03=date(2023, 4, 5),
        M04=date(2023, 5, 5),
        M05=date(2023, 6, 5),
        M06=date(2023, 7, 5),
    )
    stored_report("市工信局", 1, beijing(2023, 2, 3, 10, 0))
    stored_report("市工信局", 2, beijing(2023, 3, 6, 7, 0))
    stored_report("市工信局", 4, None, submitted=False)
    stored_report("市工信局", 5, beijing(2023, 6, 5, 23, 30))
    return Unit.objects.get(name="市工信局")


@both_databases
def test_late_and_missing_reports_in_each_quarter(first_half_year):
    unit, as_of = first_half_year, date(2023, 7, 5)
    assert late_reports(unit, period("2023-Q1"), as_of) == Counted(
        Decimal(2), "2023年2月迟报（3月6日报送，截止3月5日）；2023年3月漏报（截止4月5日）；共 2 次"
    )
    assert late_reports(unit, period("2023-Q2"), as_of) == Counted(
        Decimal(1), "2023年4月漏报（截止5月5日）；共 1 次；6月报送截止日期未到，暂不计"
    )
    assert late_reports(unit, period("2023-Q3"), as_of) == Counted(Decimal(0), "7-9月未设报送截止日期，不计")
    assert late_reports(unit, period("2023-M01"), as_of) == Counted(Decimal(0), "按时报送 1 次，无迟报、漏报")


@both_databases
def test_late_and_missing_reports_over_the_year(first_half_year):
    unit = first_half_year
    assert late_reports(unit, period("2023-Y"), date(2023, 7, 5)) == Counted(
        Decimal(3),
        "2023年2月迟报（3月6日报送，截止3月5日）；2023年3月漏报（截止4月5日）；2023年4月漏报（截止5月5日）；"
        "共 3 次；7-12月未设报送截止日期，不计；6月报送截止日期未到，暂不计",
    )
    # A day later June's report is missing too; today (the default) as well.
    expected = Counted(
        Decimal(4),
        "2023年2月迟报（3月6日报送，截止3月5日）；2023年3月漏报（截止4月5日）；2023年4月漏报（截止5月5日）；"
        "2023年6月漏报（截止7月5日）；共 4 次；7-12月未设报送截止日期，不计",
    )
    assert late_reports(unit, period("2023-Y"), date(2023, 7, 6)) == expected
    assert late_reports(unit, period("2023-Y")) == expected
    # December's deadline falls in the next year, and says so.
    set_deadlines(M12=date(2024, 1, 5))
    assert late_reports(unit, period("2023-M12"), date(2024, 1, 6)) == Counted(
        Decimal(1), "2023年12月漏报（截止2024年1月5日）；共 1 次"
    )


@both_databases
def test_a_report_counts_only_once_it_is_made(first_half_year):
    """As of 5 March, February's report (stamped 6 March) is not yet made, and its deadline not yet past."""
    assert late_reports(first_half_year, period("2023-Q1"), date(2023, 3, 5)) == Counted(
        Decimal(0), "按时报送 1 次，无迟报、漏报；2-3月报送截止日期未到，暂不计"
    )


@both_databases
def test_no_deadline_no_count(plan):
    unit = Unit.objects.get(name="市科技局")
    assert late_reports(unit, period("2023-Y"), date(2024, 6, 1)) == Counted(Decimal(0), "1-12月未设报送截止日期，不计")


def test_month_ranges_read_naturally():
    assert months_text([8, 1, 2, 3, 5, 7]) == "1-3、5、7-8月"
    assert months_text([12]) == "12月"


# ------------------------------------------------------------------ 重点任务推进: completed tasks


@both_databases
def test_task_completion_from_the_latest_submitted_report(plan):
    unit = Unit.objects.get(name="市工信局")
    progress, done, idle = TaskStatus.IN_PROGRESS, TaskStatus.DONE, TaskStatus.NOT_STARTED
    stored_report("市工信局", 4, beijing(2023, 5, 4, 9), statuses={5: done, 23: done, 1: progress})
    # June: tasks 1, 2 and 5 done, 4 not started, the line of task 23 left out, the rest in progress.
    june = {n: progress for n in GONGXIN_TASKS if n != 23} | {1: done, 2: done, 5: done, 4: idle}
    stored_report("市工信局", 6, beijing(2023, 7, 3, 9), statuses=june)
    # July's draft says everything is done: not submitted, not counted.
    stored_report("市工信局", 7, None, submitted=False, statuses={n: done for n in GONGXIN_TASKS})

    unfinished = (
        "第3项（推进中）、第4项（未启动）、第14项（推进中）、第16项（推进中）、第18项（推进中）、第20项（推进中）、"
        "第21项（推进中）、第22项（推进中）、第23项（未报送）、第28项（推进中）"
    )
    assert task_completion(unit, period("2023-Y")) == Counted(
        Decimal("23.08"), f"牵头或配合任务 13 项，已完成 3 项（23.08%）；未完成：{unfinished}；依据2023年6月调度"
    )
    assert task_completion(unit, period("2023-Q2")).value == Decimal("23.08")

    # The office returns June's report: April's stands until it is submitted again.
    ProgressReport.objects.filter(name="2023-M06-市工信局").update(workflow_state="草稿", docstatus=0)
    result = task_completion(unit, period("2023-Q2"))
    assert result.value == Decimal("15.38")  # 2 of 13
    assert result.explanation.startswith(
        "牵头或配合任务 13 项，已完成 2 项（15.38%）；未完成：第1项（推进中）、第2项（未报送）"
    )
    assert result.explanation.endswith("；依据2023年4月调度")


@both_databases
def test_task_completion_without_reports_or_tasks(plan):
    unit = Unit.objects.get(name="市教育局")
    assert task_completion(unit, period("2023-Q1")) == Counted(
        Decimal("0.00"),
        "牵头或配合任务 2 项，已完成 0 项（0%）；未完成：第6项（未报送）、第28项（未报送）；"
        "2023年第一季度内无已报送的月度调度",
    )
    stored_report("市教育局", 3, beijing(2023, 4, 1, 9), statuses={6: TaskStatus.DONE, 28: TaskStatus.DONE})
    assert task_completion(unit, period("2023-Q1")) == Counted(
        Decimal("100.00"), "牵头或配合任务 2 项，已完成 2 项（100%）；依据2023年3月调度"
    )

    statistics = Unit.objects.create(name="市统计局")
    assert task_completion(statistics, period("2023-Y")) == Counted(
        Decimal("100.00"), "市统计局在2023年工作方案中无牵头或配合任务，按全部完成计 100%"
    )


# ------------------------------------------------------------------ the admin


def test_admin_lists_reports_with_their_lateness(login):
    set_deadlines(M02=date(2023, 3, 5), M03=date(2023, 4, 5))
    stored_report("市工信局", 2, beijing(2023, 3, 6, 7, 0))
    stored_report("市工信局", 3, None, submitted=False)
    stored_report("市教育局", 1, beijing(2023, 2, 1, 9, 0))
    url = reverse("admin:innovation_action_progressreport_changelist")
    office = login("office")
    response = office.get(url)
    rows = {(r.name, r.workflow_state) for r in response.context["cl"].result_list}
    assert rows == {("2023-M02-市工信局", "已报送"), ("2023-M03-市工信局", "草稿"), ("2023-M01-市教育局", "已报送")}
    page = response.content.decode()
    assert "是否逾期" in page and "是（迟报）" in page and "是（逾期未报）" in page
    column = admin.site._registry[ProgressReport].overdue
    assert [
        column(ProgressReport.objects.get(name=n))
        for n in ("2023-M02-市工信局", "2023-M03-市工信局", "2023-M01-市教育局")
    ] == ["是（迟报）", "是（逾期未报）", "—"]
    late = office.get(url, {"overdue": "late"}).context["cl"].result_list
    assert [r.name for r in late] == ["2023-M02-市工信局"]
    missing = office.get(url, {"overdue": "missing"}).context["cl"].result_list
    assert [r.name for r in missing] == ["2023-M03-市工信局"]
    assert [r.name for r in office.get(url, {"overdue": "no"}).context["cl"].result_list] == ["2023-M01-市教育局"]

    # The liaison of 市工信局 sees its own reports only, with their lines, at its door (the API: liaisons are not
    # admin users, issue 18; the admin sends them to the workbench).
    assert login("gongxin").get(url)["Location"] == "/app/"
    from rest_framework.test import APIClient

    liaison = APIClient()
    liaison.force_login(User.objects.get(username="gongxin"))
    listed = liaison.get("/api/resource/Progress Report", {"limit_page_length": 0})
    assert {r["name"] for r in listed.json()["data"]} == {"2023-M02-市工信局", "2023-M03-市工信局"}
    draft = liaison.get("/api/resource/Progress Report/2023-M03-市工信局").json()["data"]
    assert draft["unit"] == "市工信局" and "lines" in draft
    assert liaison.get("/api/resource/Progress Report/2023-M01-市教育局").status_code == 404
    assert Unit.objects.filter(name="市工信局").exists()


@both_databases
def test_saving_a_draft_stamps_nothing():
    name = create_report()["name"]
    doc = ok(get_report("gongxin", name))
    ok(
        client("gongxin").put(
            f"/api/resource/{DOCTYPE}/{name}", {"summary": "草稿", "modified": doc["modified"]}, format="json"
        )
    )
    assert ProgressReport.objects.get(name=name).submitted_at is None
    # Month and unit are fixed once the report exists.
    doc = ok(get_report("gongxin", name))
    message = refused(
        client("gongxin").put(
            f"/api/resource/{DOCTYPE}/{name}", {"period": "2023-M04", "modified": doc["modified"]}, format="json"
        ),
        417,
        "ValidationError",
    )
    assert "调度月份" in message
