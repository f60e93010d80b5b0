"""A self-assessment is reported only in a period the office has opened (issue 14, item 2).

The rule lives in the document's validation (SelfAssessment.clean), so the API, the admin form and the
xlsx import refuse alike; opening the period (开启考评) creates every assessee's report and lets the
assessees create theirs from then on.
"""

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from apps.innovation_action.models import AssessmentPeriod, County, SelfAssessment
from apps.innovation_action.services import periods
from apps.lowcode.data_import import import_workbook, template
from tests.test_data_import import fill, upload
from tests.test_workflow_api import client, ok, refused

pytestmark = pytest.mark.django_db

CLOSED = "2023-Q2"
REFUSAL = "“2023年第二季度”尚未开启，暂不能填报自评报告；请等待领导小组办公室开启考评"


def open_for_reporting(name: str) -> None:
    """The office has opened the period (开启考评 stamps ``opened_at``), without generating every report:
    a test creates the self-assessments it needs, as the assessee would."""
    AssessmentPeriod.objects.filter(name=name, opened_at=None).update(opened_at=timezone.now())


def test_the_demo_year_is_open_and_the_quarters_are_not():
    """`make run` (setup_roles --demo) leaves 2023-Y open, so the README's demo starts a report at once."""
    assert period("2023-Y").is_open and not period("2023-Q1").is_open


def period(name=CLOSED) -> AssessmentPeriod:
    return AssessmentPeriod.objects.get(name=name)


@pytest.mark.both_databases
def test_the_api_refuses_a_period_not_opened():
    assert not period().is_open
    response = client("zhanggong").post(
        "/api/resource/SelfAssessment", {"period": CLOSED, "county": "章贡区"}, format="json"
    )
    assert refused(response, 417, "ValidationError") == f"考评周期：{REFUSAL}"
    assert not SelfAssessment.objects.filter(period=period()).exists()
    # The office's own hand is held to the same rule: it opens the period instead.
    response = client("office").post(
        "/api/resource/SelfAssessment", {"period": CLOSED, "county": "信丰县"}, format="json"
    )
    assert REFUSAL in refused(response, 417, "ValidationError")


@pytest.mark.both_databases
def test_once_opened_the_county_reports_in_it():
    opened = periods.open_period(User.objects.get(username="office"), period())
    assert period().is_open and "2023-Q2-章贡区" in opened.created
    SelfAssessment.objects.filter(name="2023-Q2-章贡区").delete()  # say it was removed: the county starts it again
    doc = ok(
        client("zhanggong").post("/api/resource/SelfAssessment", {"period": CLOSED, "county": "章贡区"}, format="json")
    )
    assert (doc["name"], doc["workflow_state"], len(doc["lines"])) == ("2023-Q2-章贡区", "草稿", 15)


def test_the_admin_form_refuses_it_and_keeps_the_form(login):
    # The office's admin form (county users are not admin users, issue 18: the API above is theirs).
    office = login("office")
    response = office.post(
        "/admin/innovation_action/selfassessment/add/",
        {
            "period": period().pk,
            "county": County.objects.get(name="章贡区").pk,
            "scheme": "",
            "summary": "本季度总体情况",
        },
    )
    assert response.status_code == 200
    assert REFUSAL in response.content.decode() and "本季度总体情况" in response.content.decode()
    assert not SelfAssessment.objects.filter(period=period()).exists()


def test_an_xlsx_import_refuses_it_row_by_row():
    office = User.objects.get(username="office")
    data = fill(
        template(office, "SelfAssessment"),
        [
            {"考评周期": CLOSED, "县（市、区）": "章贡区"},
            {"考评周期": "2023-Y", "县（市、区）": "信丰县"},  # open (the demo year): accepted
        ],
    )
    report = import_workbook(office, "SelfAssessment", upload(data), dry_run=False)
    assert [r.status for r in report.rows] == ["错误", "新建"]
    assert REFUSAL in report.rows[0].message
    assert not SelfAssessment.objects.filter(period=period()).exists()
    assert SelfAssessment.objects.filter(period__name="2023-Y", county__name="信丰县").exists()


@pytest.mark.both_databases
def test_existing_reports_stay_editable_whatever_the_period():
    """The rule is about starting a report; one created before (or by the opening) is edited as usual."""
    periods.open_period(User.objects.get(username="office"), period())
    AssessmentPeriod.objects.filter(pk=period().pk).update(opened_at=None)  # e.g. data from before the rule
    doc = ok(client("zhanggong").get("/api/resource/SelfAssessment/2023-Q2-章贡区"))
    saved = ok(
        client("zhanggong").put(
            "/api/resource/SelfAssessment/2023-Q2-章贡区",
            {"summary": "补充说明", "modified": doc["modified"]},
            format="json",
        )
    )
    assert saved["summary"] == "补充说明"
