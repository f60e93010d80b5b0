"""The figures of a dashboard (services/dashboard.py) against an independent count over the ORM.

A month (2023-M03, in 2023-Q1) of reports is seeded for every project and every reporting unit of the
赣州 demo, in every status; 2023-Q1 and 2023-Q2 are opened (self-assessments for every assessee) and
scored; the test then counts plainly with ORM queries and compares, as the office and as 章贡区's user,
and lists the records behind several numbers through /api/resource with their filter.
"""

import json
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Q, Sum
from django.utils import timezone

from apps.innovation_action.models import (
    AssessmentPeriod,
    PlanAssessee,
    ProgressReport,
    Project,
    ProjectReport,
    Score,
    SelfAssessment,
    Task,
)
from apps.innovation_action.services import periods, ranking, status_lights
from apps.lowcode.workflow.model import WorkflowLog
from tests.test_workflow_api import client, ok, refused

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

User = get_user_model()
AS_OF = "2023-04-11"
MONTHS = ["2023-M01", "2023-M02", "2023-M03"]
PROJECT_STATES = [None, "draft", "已提交", "returned", "已审核"]  # by the project's position, cycling
UNIT_STATES = [None, "draft", "已报送", "returned"]
SA_STATES = {"章贡区": "待初审", "信丰县": "已审定", "南康区": "returned", "于都县": "draft"}


def period(name) -> AssessmentPeriod:
    return AssessmentPeriod.objects.get(name=name)


def put_in(doc, state, draft_state="草稿"):
    """Leave a seeded document as the workflow would: submitted/final, returned (a 退回 logged), a draft
    saved by its reporter, or (None) generated and never saved."""
    zhanggong = User.objects.get(username="zhanggong")
    fields = {"workflow_state": draft_state, "docstatus": 0}
    if state not in (None, "draft", "returned"):
        fields = {"workflow_state": state, "docstatus": 1}
    if state is not None:
        fields["modified_by"] = zhanggong
    if hasattr(doc, "submitted_at") and state not in (None, "draft"):
        fields["submitted_at"] = timezone.now()
    type(doc).objects.filter(pk=doc.pk).update(**fields)
    if state == "returned":
        WorkflowLog.objects.create(
            reference_doctype=type(doc).doctype,
            reference_name=doc.name,
            action="退回修改",
            from_state="已提交",
            to_state=draft_state,
            moved=True,
        )


@pytest.fixture
def seeded(db):
    office = User.objects.get(username="office")
    march = period("2023-M03")
    AssessmentPeriod.objects.filter(name="2023-M03").update(deadline=date(2023, 4, 10))
    for i, project in enumerate(Project.objects.filter(plan__year=2023).order_by("number")):
        state = PROJECT_STATES[i % len(PROJECT_STATES)]
        if state is None and i % 2:
            continue  # no document at all
        report = ProjectReport.objects.create(
            period=march,
            project=project,
            county=project.county,
            planned_investment=project.planned_investment,
            # ahead of 序时进度 (3/12 of the plan), 4% short of it, far behind: green, yellow, red once submitted
            year_investment=(project.planned_investment or Decimal(0)) * Decimal(("0.3", "0.24", "0.1")[i % 3]),
            owner=office,
            modified_by=office,
        )
        put_in(report, state)
    for i, unit in enumerate(periods.reporting_units(march.plan).order_by("order", "id")):
        state = UNIT_STATES[i % len(UNIT_STATES)]
        report = ProgressReport.objects.create(period=march, unit=unit, owner=office, modified_by=office)
        put_in(report, state)
    for quarter in ("2023-Q1", "2023-Q2"):
        periods.open_period(office, period(quarter))
    for county, state in SA_STATES.items():
        put_in(SelfAssessment.objects.get(period__name="2023-Q1", county__name=county), state)
    leader = User.objects.get(username="leader")
    for q, quarter in enumerate(("2023-Q1", "2023-Q2")):
        for i, row in enumerate(PlanAssessee.objects.filter(plan=march.plan, county__isnull=False).order_by("id")):
            assessment = SelfAssessment.objects.get(period__name=quarter, county=row.county)
            Score.objects.create(
                name=assessment.name,
                period=assessment.period,
                self_assessment=assessment,
                scheme=assessment.scheme,
                county=assessment.county,
                category=row.category.short_name,
                subtotal=Decimal(60 + (i * 7 + q * 3) % 30),
                total=Decimal(60 + (i * 7 + q * 3) % 30),
                approved_at=timezone.now(),
                approved_by=leader,
            )
        ranking.rerank_period(period(quarter))


def method(username, name, **params):
    return ok(client(username).get(f"/api/method/innovation_action.api.{name}", params))


def listed(username, behind) -> list[str]:
    """The names the resource API lists for a filter, as that user."""
    response = client(username).get(
        f"/api/resource/{behind['doctype']}",
        {"filters": json.dumps(behind["filters"]), "fields": '["name"]', "limit_page_length": 0},
    )
    return sorted(row["name"] for row in ok(response))


# ------------------------------------------------------------------ the independent count


def expected_statuses(county=None, unit=None) -> dict:
    """Per status, counted plainly: documents by their state and log, and the slots without one."""
    q1, months = period("2023-Q1"), AssessmentPeriod.objects.filter(name__in=MONTHS)
    assessees = PlanAssessee.objects.filter(plan=q1.plan)
    projects = Project.objects.filter(plan=q1.plan)
    units = periods.reporting_units(q1.plan)
    sas = SelfAssessment.objects.filter(period=q1)
    progress = ProgressReport.objects.filter(period__in=months)
    project_reports = ProjectReport.objects.filter(period__in=months)
    if county:
        assessees = assessees.filter(Q(county__name=county) | Q(unit__county__name=county))
        projects = projects.filter(county__name=county)
        units = units.filter(county__name=county)
        sas = sas.filter(Q(county__name=county) | Q(unit__county__name=county))
        progress = progress.filter(unit__county__name=county)
        project_reports = project_reports.filter(county__name=county)
    if unit:  # a unit's liaison: its unit's self-assessment and 月度调度, no projects
        assessees, sas = assessees.filter(unit__name=unit), sas.filter(unit__name=unit)
        units, progress = units.filter(name=unit), progress.filter(unit__name=unit)
        projects, project_reports = projects.none(), project_reports.none()
    slots = assessees.count() + 3 * units.count() + 3 * projects.count()
    logged = set(WorkflowLog.objects.values_list("reference_name", flat=True))
    counts = {"submitted": 0, "approved": 0, "returned": 0, "draft": 0}
    for docs, submitted, final in (
        (sas, ("待初审", "待审定"), ("已审定",)),
        (progress, ("已报送",), ()),
        (project_reports, ("已提交",), ("已审核",)),
    ):
        counts["submitted"] += docs.filter(workflow_state__in=submitted).count()
        counts["approved"] += docs.filter(workflow_state__in=final).count()
        drafts = docs.filter(workflow_state="草稿")
        counts["returned"] += drafts.filter(name__in=logged).count()
        counts["draft"] += drafts.exclude(name__in=logged).filter(modified_by__username="zhanggong").count()
    counts["not_started"] = slots - sum(counts.values())
    return counts


def test_submission_status_equals_a_plain_count_as_the_office_and_as_a_county(seeded):
    for username, county, unit in (
        ("office", None, None),
        ("zhanggong", "章贡区", None),
        ("gongxin", None, "市工信局"),
    ):
        result = method(username, "get_submission_status", period="2023-Q1")
        expected = expected_statuses(county, unit)
        assert {s: v["count"] for s, v in result["counts"].items()} == expected, username
        assert result["total"] == sum(expected.values())
        # Every status's documents are listed by its filters, as the same user; the rest are missing.
        for status, figure in result["counts"].items():
            names = [n for behind in figure["filters"] for n in listed(username, behind)]
            assert len(names) + len(figure["missing"]) == figure["count"], (username, status)
        # Each status adds up over the kinds of document.
        for status, count in expected.items():
            assert sum(k["counts"][status]["count"] for k in result["by_kind"]) == count, (username, status)
        assert sum(k["total"] for k in result["by_kind"]) == result["total"]
    mine = method("zhanggong", "get_submission_status", period="2023-Q1")
    assert {g["group"] for g in mine["by_county"]} == {"章贡区"}
    liaison = method("gongxin", "get_submission_status", period="2023-Q1")
    assert ([g["group"] for g in liaison["by_unit"]], liaison["by_county"]) == (["市工信局"], [])
    submitted = mine["by_county"][0]["counts"]["submitted"]
    assert submitted["count"] == expected_statuses("章贡区")["submitted"]


def test_per_assessee_counts(seeded):
    result = method("office", "get_submission_status", period="2023-M03")
    by_unit = {g["group"]: g for g in result["by_unit"]}
    units = periods.reporting_units(period("2023-M03").plan).order_by("order", "id")
    assert set(by_unit) == set(units.values_list("name", flat=True))  # every unit, none left out
    # Each unit's one status, from the state it was seeded in (UNIT_STATES by its position).
    status_of = {None: "not_started", "draft": "draft", "已报送": "submitted", "returned": "returned"}
    for i, unit in enumerate(units):
        report = ProgressReport.objects.get(period__name="2023-M03", unit=unit)
        group = by_unit[unit.name]
        assert group["total"] == 1
        counted = [s for s, v in group["counts"].items() if v["count"]]
        assert counted == [status_of[UNIT_STATES[i % len(UNIT_STATES)]]], unit.name
        if counted != ["not_started"]:
            assert [n for b in group["counts"][counted[0]]["filters"] for n in listed("office", b)] == [report.name]
    by_county = {g["group"]: g for g in result["by_county"]}
    expected_counties = set(Project.objects.filter(plan__year=2023).values_list("county__name", flat=True)) | set(
        periods.reporting_units(period("2023-M03").plan).exclude(county=None).values_list("county__name", flat=True)
    )
    assert set(by_county) == expected_counties  # all of them, none left out
    for name, group in by_county.items():
        projects = Project.objects.filter(plan__year=2023, county__name=name).count()
        units = periods.reporting_units(period("2023-M03").plan).filter(county__name=name).count()
        assert group["total"] == projects + units, name


def expected_project_colours(county=None) -> dict:
    """Projects' lights for March as of April 11 (its deadline passed), counted plainly: no submitted
    report → red; else against 序时进度 (plan × 3/12) with the default 10-point yellow margin."""
    colours = {}
    projects = Project.objects.filter(plan__year=2023)
    if county:
        projects = projects.filter(county__name=county)
    for project in projects:
        report = ProjectReport.objects.filter(
            period__name="2023-M03", project=project, submitted_at__isnull=False
        ).first()
        schedule = (project.planned_investment or Decimal(0)) * 3 / 12
        if report is None:
            colour = "red"
        elif schedule <= 0 or report.year_investment >= schedule:
            colour = "green"
        elif (schedule - report.year_investment) * 100 / schedule <= 10:
            colour = "yellow"
        else:
            colour = "red"
        colours.setdefault(project.county.name, {"green": 0, "yellow": 0, "red": 0, "grey": 0})[colour] += 1
    return colours


def test_lights_are_status_lights_summaries(seeded):
    result = method("office", "get_dashboard_lights", period="2023-M03", date=AS_OF)
    expected = expected_project_colours()
    assert all(sum(c[colour] for c in expected.values()) for colour in ("green", "yellow", "red"))
    assert {g["group"]: g["counts"] for g in result["project"]["by_county"]} == expected
    total = result["project"]["total"][0]
    assert total["total"] == Project.objects.filter(plan__year=2023).count()
    assert len(listed("office", total["filters"]["red"])) == total["counts"]["red"]
    for group in result["task"]["by_unit"]:
        tasks = Task.objects.filter(plan__year=2023, units__unit__name=group["group"]).distinct().count()
        assert group["total"] == tasks, group["group"]
    sections = {g["group"]: g["total"] for g in result["project"]["by_section"]}
    assert (
        sections == {s: Project.objects.filter(plan__year=2023, section=s).count() for s in sections}
        and sum(sections.values()) == total["total"]
    )
    mine = method("zhanggong", "get_dashboard_lights", period="2023-M03", date=AS_OF)
    assert {g["group"]: g["counts"] for g in mine["project"]["by_county"]} == expected_project_colours("章贡区")
    assert len(listed("zhanggong", mine["project"]["total"][0]["all"])) == mine["project"]["total"][0]["total"]
    assert {g["group"] for g in mine["assessee"]["by_county"]} == {"章贡区"}


def test_investment_by_county(seeded):
    for username in ("office", "zhanggong"):
        result = method(username, "get_investment_progress", period="2023-Q1", date=AS_OF)
        assert result["month"] == "2023-M03"
        # Every county with a project of the plan has its row (the county user: only its own), none other.
        counties = Project.objects.filter(plan__year=2023)
        if username == "zhanggong":
            counties = counties.filter(county__name="章贡区")
        assert sorted(row["county"] for row in result["counties"]) == sorted(
            set(counties.values_list("county__name", flat=True))
        )
        for row in result["counties"]:
            projects = Project.objects.filter(plan__year=2023, county__name=row["county"])
            planned = projects.aggregate(s=Sum("planned_investment"))["s"] or Decimal(0)
            done = ProjectReport.objects.filter(
                period__name="2023-M03", county__name=row["county"], submitted_at__isnull=False
            ).aggregate(s=Sum("year_investment"))["s"] or Decimal(0)
            assert row["planned_investment"] == float(planned)
            assert row["completed_investment"] == float(done)
            assert row["schedule_investment"] == float((planned * 3 / 12).quantize(Decimal("0.01")))
            assert len(listed(username, row["reports"])) == row["reports"]["count"]
            assert listed(username, row["projects"]) == sorted(projects.values_list("name", flat=True))
    mine = method("zhanggong", "get_investment_progress", period="2023-Q1", date=AS_OF)
    assert [row["county"] for row in mine["counties"]] == ["章贡区"]


def test_rankings_over_the_quarters(seeded):
    result = method("office", "get_category_rankings", period="2023-Q1")
    assert result
    for category in result:
        for quarter in category["quarters"]:
            expected = Score.objects.filter(period__name=quarter["period"], category=category["category"])
            assert quarter["count"] == expected.count()
            assert len(listed("office", quarter)) == quarter["count"]
        for row in category["assessees"]:
            for name, figure in row["quarters"].items():
                score = Score.objects.get(period__name=name, county__name=row["assessee"])
                assert (figure["rank"], figure["total"]) == (score.rank, float(score.total))
    assert [q["period"] for q in result[0]["quarters"]] == ["2023-Q1", "2023-Q2", "2023-Q3", "2023-Q4"]
    mine = method("zhanggong", "get_category_rankings", period="2023-Q1")
    assert [row["assessee"] for c in mine for row in c["assessees"]] == ["章贡区"]


def test_waiting_on_the_user(seeded):
    office = method("office", "get_waiting_counts", period="2023-M03")
    counts = {row["doctype"]: row for row in office["doctypes"]}
    # The office acts on submitted project and progress reports and on self-assessments awaiting 初审.
    assert counts["Project Report"]["count"] == ProjectReport.objects.filter(workflow_state="已提交").count()
    assert counts["Progress Report"]["count"] == ProgressReport.objects.filter(workflow_state="已报送").count()
    assert counts["SelfAssessment"]["count"] == SelfAssessment.objects.filter(workflow_state="待初审").count()
    assert counts["SelfAssessment"]["of_period"]["count"] == 0  # a quarter's, not March's
    for row in counts.values():
        assert len(listed("office", row)) == row["count"]
    assert office["total"] == sum(row["count"] for row in counts.values())
    # 章贡区's user: its county's drafts wait on it to 提交/报送 (returned ones too).
    mine = {row["doctype"]: row["count"] for row in method("zhanggong", "get_waiting_counts")["doctypes"]}
    assert mine == {
        doctype: count
        for doctype, count in (
            ("SelfAssessment", SelfAssessment.objects.filter(workflow_state="草稿", county__name="章贡区").count()),
            (
                "Progress Report",
                ProgressReport.objects.filter(workflow_state="草稿", unit__county__name="章贡区").count(),
            ),
            ("Project Report", ProjectReport.objects.filter(workflow_state="草稿", county__name="章贡区").count()),
        )
        if count
    }


def test_the_whole_dashboard_and_bad_parameters(seeded):
    whole = method("zhanggong", "get_dashboard", period="2023-Q1", date=AS_OF)
    assert set(whole) >= {"submissions", "lights", "investment", "rankings", "waiting"}
    refused(
        client("office").get("/api/method/innovation_action.api.get_dashboard", {"period": "2099-Q1"}),
        404,
        "DoesNotExistError",
    )
    bad = client("office").get("/api/method/innovation_action.api.get_dashboard", {"period": "2023-Q1", "date": "昨天"})
    assert refused(bad, 417, "ValidationError") == "日期“昨天”格式不正确，应为 YYYY-MM-DD"
    missing = client("office").get("/api/method/innovation_action.api.get_submission_status")
    assert refused(missing, 417, "ValidationError") == "缺少参数 period"
    # A county user cannot reach a period of a plan it has no part in: as if it did not exist.
    refused(
        client("zhanggong").get("/api/method/innovation_action.api.get_investment_progress", {"period": "2099-M01"}),
        404,
        "DoesNotExistError",
    )
    assert status_lights.months_of(period("2023-Q1"))
