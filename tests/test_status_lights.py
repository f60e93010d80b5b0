"""红黄绿灯: lights change exactly at their thresholds, explain themselves, follow the plan's settings,
and reach each user only within its scope; task reports start from last month's.

Figures from fixtures/ganzhou-2023: 2023-P12 (章贡区) plans 20000 万元 for 2023, so 序时进度 at the end of
March is 20000 × 3/12 = 5000 万元 and the yellow band (10 points) reaches down to 4500 万元; 2023-P13
(章贡区) plans 10000 万元. Task 24 has one unit, 市委人才办; 章贡区人民政府 shares tasks 13 and 22.
"""

import json
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from apps.innovation_action.models import (
    AssessmentPeriod,
    County,
    LightSetting,
    ProgressReport,
    ProgressReportLine,
    Project,
    ProjectReport,
    Task,
    Unit,
)
from apps.innovation_action.services import status_lights
from apps.innovation_action.services.status_lights import (
    GREEN,
    GREY,
    RED,
    YELLOW,
    assessee_light,
    project_light,
    task_light,
)
from tests.test_workflow_api import client, ok, refused

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

BEIJING = ZoneInfo("Asia/Shanghai")
AFTER_DEADLINE = date(2023, 4, 11)  # March's deadline (April 10) has passed
ON_DEADLINE = date(2023, 4, 10)  # the deadline day itself: nothing is late yet


def month(number) -> AssessmentPeriod:
    return AssessmentPeriod.objects.get(name=f"2023-M{number:02d}")


def set_deadlines(**deadlines):
    for code, deadline in deadlines.items():
        assert AssessmentPeriod.objects.filter(name=f"2023-{code}").update(deadline=deadline) == 1


@pytest.fixture(autouse=True)
def deadlines(db):
    set_deadlines(M01=date(2023, 2, 10), M02=date(2023, 3, 10), M03=date(2023, 4, 10), M06=date(2023, 7, 10))


def stamped(day: date, hour=10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=BEIJING)


def project_report(project: str, number: int, cumulative, submitted_on=date(2023, 4, 5), submitted=True):
    """A report as the workflow leaves it (已提交 with its stamp, or a draft never submitted)."""
    project = Project.objects.get(name=project)
    return ProjectReport.objects.create(
        period=month(number),
        project=project,
        county=project.county,
        planned_investment=project.planned_investment,
        month_investment=Decimal(0),
        year_investment=Decimal(str(cumulative)),
        submitted_at=stamped(submitted_on) if submitted else None,
        workflow_state="已提交" if submitted else "草稿",
        docstatus=1 if submitted else 0,
    )


def task_report(unit: str, number: int, statuses: dict, submitted_on: date | None = date(2023, 4, 5)):
    report = ProgressReport.objects.create(
        period=month(number),
        unit=Unit.objects.get(name=unit),
        submitted_at=stamped(submitted_on) if submitted_on else None,
        workflow_state="已报送" if submitted_on else "草稿",
        docstatus=1 if submitted_on else 0,
    )
    for idx, (task_number, status) in enumerate(statuses.items(), start=1):
        ProgressReportLine.objects.create(
            report=report,
            idx=idx,
            task=Task.objects.get(plan__year=2023, number=task_number),
            status=status,
            progress=f"任务{task_number}进展",
            name=f"{report.name}-{task_number:02d}",
        )
    return report


def p12_light(as_of=AFTER_DEADLINE, number=3):
    return project_light(Project.objects.get(name="2023-P12"), month(number), as_of)


# ------------------------------------------------------------------ projects


HEAD = "2023年3月累计完成投资 {} 万元，序时进度 5000 万元（年度计划 2 亿元 × 3/12）"


@pytest.mark.parametrize(
    ("cumulative", "color", "tail"),
    [
        ("5200", GREEN, "达到序时进度，亮绿灯"),
        ("5000", GREEN, "达到序时进度，亮绿灯"),  # just at 序时进度
        ("4999.99", YELLOW, "低于序时进度 不足 0.01%，在黄灯幅度 10 个百分点以内，亮黄灯"),
        ("4500", YELLOW, "低于序时进度 10%，在黄灯幅度 10 个百分点以内，亮黄灯"),  # just at the margin
        ("4499", RED, "低于序时进度 10.02%，超过黄灯幅度 10 个百分点，亮红灯"),  # just below it
    ],
)
def test_a_projects_light_changes_exactly_at_its_thresholds(cumulative, color, tail):
    project_report("2023-P12", 3, cumulative)
    light = p12_light()
    assert light.color == color
    assert light.explanation == f"{HEAD.format(cumulative)}，{tail}"
    assert light.reports == ["2023-M03-2023-P12"]
    assert light.figures["schedule_investment"] == 5000.0


def test_a_project_explained_in_yi_yuan():
    project_report("2023-P12", 6, 8000, submitted_on=date(2023, 7, 3))
    light = p12_light(date(2023, 7, 11), 6)
    assert (light.color, light.label) == (RED, "红灯")
    assert light.explanation == (
        "2023年6月累计完成投资 8000 万元，序时进度 1 亿元（年度计划 2 亿元 × 6/12），"
        "低于序时进度 20%，超过黄灯幅度 10 个百分点，亮红灯"
    )


def test_a_missing_report_is_red_once_the_deadline_has_passed():
    light = p12_light(ON_DEADLINE)
    assert (light.color, light.explanation) == (GREY, "2023年3月项目月报尚未报送（截止4月10日），暂不亮灯")
    light = p12_light(AFTER_DEADLINE)
    assert (light.color, light.explanation) == (RED, "2023年3月项目月报逾期未报（截止4月10日），亮红灯")
    # A draft never submitted is missing too, and says so.
    project_report("2023-P12", 3, 6000, submitted=False)
    light = p12_light(AFTER_DEADLINE)
    assert (light.color, light.explanation) == (RED, "2023年3月项目月报逾期未报（草稿未提交）（截止4月10日），亮红灯")
    # A month without a deadline makes nothing red.
    set_deadlines(M03=None)
    assert p12_light(date(2023, 12, 31)).color == GREY


def test_the_office_sets_the_yellow_margin():
    project_report("2023-P12", 3, 4000)  # 20% short
    assert p12_light().color == RED
    LightSetting.objects.create(plan=Project.objects.get(name="2023-P12").plan, yellow_margin=Decimal(20))
    light = p12_light()
    assert light.color == YELLOW
    assert light.explanation.endswith("低于序时进度 20%，在黄灯幅度 20 个百分点以内，亮黄灯")


# ------------------------------------------------------------------ tasks


def task24_light(as_of=AFTER_DEADLINE):
    return task_light(Task.objects.get(plan__year=2023, number=24), month(3), as_of)


def test_a_tasks_light_from_its_units_reports_and_their_lateness():
    assert task24_light(ON_DEADLINE).color == GREY
    light = task24_light()
    assert (light.color, light.explanation) == (
        RED,
        "2023年3月：市委人才办2023年3月月度调度逾期未报（截止4月10日），亮红灯",
    )

    report = task_report("市委人才办", 3, {24: "推进中"})
    light = task24_light()
    assert (light.color, light.explanation) == (GREEN, "2023年3月：按时报送，推进中，亮绿灯")

    ProgressReportLine.objects.filter(report=report).update(status="已完成")
    assert task24_light().explanation == "2023年3月：全部责任单位报告已完成，亮绿灯"

    ProgressReportLine.objects.filter(report=report).update(status="未启动")
    light = task24_light()
    assert (light.color, light.explanation) == (YELLOW, "2023年3月：市委人才办报告未启动，亮黄灯")

    # Submitted after the deadline: late, yellow — unless the plan's settings do not count lateness.
    ProgressReportLine.objects.filter(report=report).update(status="推进中")
    ProgressReport.objects.filter(pk=report.pk).update(submitted_at=stamped(date(2023, 4, 12)))
    light = task24_light(date(2023, 4, 20))
    assert (light.color, light.explanation) == (YELLOW, "2023年3月：市委人才办迟报，亮黄灯")
    LightSetting.objects.create(plan=report.period.plan, late_is_yellow=False)
    assert task24_light(date(2023, 4, 20)).color == GREEN


# ------------------------------------------------------------------ assessees


def test_an_assessees_light_from_its_submissions():
    unit = Unit.objects.get(name="市委人才办")
    quarter = AssessmentPeriod.objects.get(name="2023-Q1")
    light = assessee_light(unit, quarter, date(2023, 2, 10))
    assert (light.color, light.explanation) == (GREY, "2023年第一季度暂无已过截止日期的报送，暂不亮灯")

    task_report("市委人才办", 1, {24: "推进中"}, submitted_on=date(2023, 2, 8))
    light = assessee_light(unit, quarter, date(2023, 3, 1))
    assert (light.color, light.explanation) == (GREEN, "2023年第一季度应报 1 份，按时 1 份，亮绿灯")

    task_report("市委人才办", 2, {24: "推进中"}, submitted_on=date(2023, 3, 15))
    light = assessee_light(unit, quarter, date(2023, 4, 1))
    assert light.color == YELLOW
    assert light.explanation == "2023年第一季度应报 2 份，按时 1 份，迟报 1 份（2023年2月市委人才办月度调度），亮黄灯"

    light = assessee_light(unit, quarter, AFTER_DEADLINE)
    assert light.color == RED
    assert light.explanation == (
        "2023年第一季度应报 3 份，按时 1 份，迟报 1 份（2023年2月市委人才办月度调度），"
        "漏报 1 份（2023年3月市委人才办月度调度），亮红灯"
    )
    assert light.figures == {"due": 3, "on_time": 1, "late": 1, "missing": 1}


def test_a_countys_light_counts_its_project_reports_and_its_governments_task_report():
    county = County.objects.get(name="章贡区")
    project_report("2023-P12", 3, 5000)
    task_report("章贡区人民政府", 3, {13: "推进中", 22: "推进中"})
    light = assessee_light(county, month(3), AFTER_DEADLINE)
    assert light.color == RED
    assert light.explanation == (
        "2023年3月应报 3 份，按时 2 份，漏报 1 份（2023年3月“江西省模式动物研究中心项目”项目月报），亮红灯"
    )
    project_report("2023-P13", 3, 2500)
    assert assessee_light(county, month(3), AFTER_DEADLINE).color == GREEN


# ------------------------------------------------------------------ the API, within each user's scope


def lights(username, **params):
    response = client(username).get("/api/method/innovation_action.api.get_status_lights", params)
    return ok(response)


def test_project_lights_by_county_with_the_filter_behind_each_number():
    project_report("2023-P12", 3, 4000)  # red
    project_report("2023-P13", 3, 2400)  # 4% short: yellow
    project_report("2023-P21", 3, 2500)  # 信丰县, 10000 planned: green
    result = lights("office", period="2023-M03", kind="project", group_by="county", date="2023-04-11")
    assert (result["month"], result["month_title"], result["settings"]["yellow_margin"]) == (
        "2023-M03",
        "2023年3月",
        10,
    )
    assert len(result["lights"]) == Project.objects.filter(plan__year=2023).count() == 29
    groups = {g["group"]: g for g in result["groups"]}
    assert groups["章贡区"]["counts"] == {GREEN: 0, YELLOW: 1, RED: 1, GREY: 0}
    # Every other project of the plan has no March report after the deadline: red.
    reds = sum(g["counts"][RED] for g in groups.values())
    assert reds == 29 - 3 + 1

    # The filter behind a number lists exactly those records through the resource API.
    behind = groups["章贡区"]["filters"][RED]
    assert behind["doctype"] == "Project"
    response = client("office").get(
        "/api/resource/Project", {"filters": json.dumps(behind["filters"]), "fields": '["name"]'}
    )
    assert [row["name"] for row in ok(response)] == ["2023-P12"]

    by_section = lights("office", period="2023-Q1", kind="project", group_by="section", date="2023-04-11")
    assert by_section["month"] == "2023-M03"  # a quarter is judged on its last month due
    assert {g["group"] for g in by_section["groups"]} == {"新开工", "续建"}


def test_a_county_user_sees_only_its_own_lights():
    project_report("2023-P12", 3, 4000)
    mine = lights("zhanggong", period="2023-M03", kind="project", group_by="county", date="2023-04-11")
    assert sorted(light["name"] for light in mine["lights"]) == ["2023-P12", "2023-P13"]
    assert [g["group"] for g in mine["groups"]] == ["章贡区"]
    assert mine["lights"][0]["explanation"].startswith("2023年3月累计完成投资 4000 万元")

    assessees = lights("zhanggong", period="2023-M03", kind="assessee", date="2023-04-11")
    assert [(light["doctype"], light["name"]) for light in assessees["lights"]] == [("County", "章贡区")]

    # Tasks: those its government takes part in, judged on its government's report alone.
    tasks = lights("zhanggong", period="2023-M03", kind="task", group_by="unit", date="2023-04-11")
    assert [light["name"] for light in tasks["lights"]] == ["2023-T13", "2023-T22"]
    assert {g["group"] for g in tasks["groups"]} == {"章贡区人民政府"}
    assert (
        tasks["lights"][0]["explanation"] == "2023年3月：章贡区人民政府2023年3月月度调度逾期未报（截止4月10日），亮红灯"
    )

    # One record's light: its own, not another county's.
    one = client("zhanggong").get(
        "/api/method/innovation_action.api.get_status_light",
        {"doctype": "Project", "name": "2023-P12", "period": "2023-M03", "date": "2023-04-11"},
    )
    assert (ok(one)["color"], ok(one)["label"]) == (RED, "红灯")
    other = client("xinfeng").get(
        "/api/method/innovation_action.api.get_status_light",
        {"doctype": "Project", "name": "2023-P12", "period": "2023-M03", "date": "2023-04-11"},
    )
    refused(other, 404, "DoesNotExistError")
    theirs = lights("xinfeng", period="2023-M03", kind="project", date="2023-04-11")
    assert "2023-P12" not in {light["name"] for light in theirs["lights"]}


def test_bad_parameters_are_refused_in_chinese():
    bad = client("office").get(
        "/api/method/innovation_action.api.get_status_lights", {"period": "2023-M03", "kind": "灯"}
    )
    assert "kind 只能取" in refused(bad, 417, "ValidationError")
    bad = client("office").get(
        "/api/method/innovation_action.api.get_status_lights", {"period": "2023-M03", "date": "4月11日"}
    )
    assert refused(bad, 417, "ValidationError") == "日期“4月11日”格式不正确，应为 YYYY-MM-DD"
    bad = client("office").get(
        "/api/method/innovation_action.api.get_status_lights",
        {"period": "2023-M03", "kind": "task", "group_by": "county"},
    )
    assert "group_by 只能取" in refused(bad, 417, "ValidationError")
    refused(
        client("office").get("/api/method/innovation_action.api.get_status_lights", {"period": "2099-M01"}),
        404,
        "DoesNotExistError",
    )


# ------------------------------------------------------------------ task reports start from last month's


def test_a_task_report_shows_the_requirements_and_starts_from_last_months():
    task_report("市工信局", 3, {5: "已完成", 23: "未启动"})
    doc = ok(
        client("gongxin").post(
            "/api/resource/Progress Report", {"period": "2023-M04", "unit": "市工信局"}, format="json"
        )
    )
    lines = {Task.objects.get(name=line["task"]).number: line for line in doc["lines"]}
    assert (lines[5]["status"], lines[5]["progress"]) == ("已完成", "任务5进展")
    assert (lines[23]["status"], lines[23]["progress"]) == ("未启动", "任务23进展")
    assert (lines[1]["status"], lines[1]["progress"]) == ("推进中", "")  # not in March's report
    task5 = Task.objects.get(plan__year=2023, number=5)
    assert lines[5]["requirements"] == task5.content
    assert all(line["requirements"] for line in doc["lines"])
    # The requirements are the server's: a client cannot rewrite them.
    doc["lines"][0]["requirements"] = "改过的要求"
    ok(client("gongxin").put(f"/api/resource/Progress Report/{doc['name']}", {"lines": doc["lines"]}, format="json"))
    assert ProgressReportLine.objects.get(name=doc["lines"][0]["name"]).requirements != "改过的要求"


def test_light_month_of_a_period():
    year = AssessmentPeriod.objects.get(name="2023-Y")
    assert status_lights.light_month(year, date(2023, 7, 11)).name == "2023-M06"  # the latest month due
    assert status_lights.light_month(year, date(2023, 5, 15)).name == "2023-M03"
    set_deadlines(M01=None, M02=None, M03=None, M06=None)
    assert status_lights.light_month(year, date(2023, 5, 15)).name == "2023-M04"  # the latest month ended
    assert status_lights.light_month(year, date(2023, 1, 15)).name == "2023-M01"
