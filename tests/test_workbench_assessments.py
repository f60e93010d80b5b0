"""自评报告 in the workbench (/app/self-assessment): each opened period with the user's report or an offer to
start one, through the API and in a real browser at desktop and phone widths."""

import pytest

from apps.innovation_action.models import AssessmentPeriod, SelfAssessment
from tests.test_workflow_api import client, ok
from tests.workbench import DESKTOP, PHONE, check_page, log_in, visit, workbench  # noqa: F401

METHOD = "/api/method/innovation_action.api.get_self_assessments"


def rows_of(username) -> list[dict]:
    return ok(client(username).get(METHOD))


@pytest.mark.django_db
def test_each_user_sees_the_opened_periods_for_what_they_report_for():
    opened = set(
        AssessmentPeriod.objects.filter(opened_at__isnull=False).exclude(kind="M").values_list("name", flat=True)
    )
    assert opened  # the demo opens 2023年度
    county = rows_of("zhanggong")
    assert {row["period"] for row in county} == opened
    assert {(row["assessee_field"], row["assessee"]) for row in county} == {("county", "章贡区")}
    assert all(row["report"] is None and row["workflow_state"] == "未填写" for row in county)
    assert {(row["assessee_field"], row["assessee"]) for row in rows_of("gongxin")} == {("unit", "市工信局")}
    assert {row["assessee"] for row in rows_of("xinfeng")} == {"信丰县"}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_county_user_starts_the_years_report_from_the_list(workbench, size):
    page = workbench.page(*size)
    log_in(page, "zhanggong")
    visit(page, "/self-assessment")
    row = page.locator('[data-testid="assessment-row"][data-period="2023-Y"]')
    assert "未填写" in row.inner_text() and "章贡区" in row.inner_text()
    row.get_by_role("button", name="开始填写").click()
    page.wait_for_url("**/app/self-assessment/2023-Y-*")
    page.get_by_test_id("line").first.wait_for()
    report = SelfAssessment.objects.get(period__name="2023-Y", county__name="章贡区")
    assert report.lines.count() > 0  # made through the resource route: the server filled in its lines

    visit(page, "/self-assessment")
    row = page.locator('[data-testid="assessment-row"][data-period="2023-Y"]')
    assert report.workflow_state in row.inner_text()
    assert row.get_by_role("button", name="开始填写").count() == 0
    row.get_by_role("link").click()
    page.wait_for_url("**/app/self-assessment/2023-Y-*")
    page.get_by_test_id("line").first.wait_for()
    check_page(page, "self-assessment-from-list")
