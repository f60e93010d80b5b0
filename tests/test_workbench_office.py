"""The office's workbench pages in a real browser: the dashboard with its click-through records and 催办,
and the review (queue, 自评 beside 初审, return with a reason, pass, bulk pass), at a desktop and a phone width."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.innovation_action.models import AssessmentPeriod, SelfAssessment
from apps.lowcode.reminder.model import ReminderLog
from tests.test_workflow_api import act, create_assessment, fill_in
from tests.workbench import DESKTOP, PHONE, check_page, log_in, visit, workbench  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])


def submitted() -> str:
    name = create_assessment()["name"]
    fill_in("zhanggong", name)
    assert act("zhanggong", name, "提交").status_code == 200
    return name


@SIZES
def test_the_office_reviews_a_report_line_by_line_and_passes_or_returns_it(workbench, size):
    name = submitted()
    page = workbench.page(*size)
    log_in(page, "office")
    visit(page, "/review")
    page.get_by_test_id("review-item").first.get_by_role("link").click()
    page.get_by_test_id("review-line").first.wait_for()
    check_page(page, "review-doc")
    assert "科技强省战略及创新能力建设" in page.get_by_test_id("review-line").first.inner_text()
    if size == DESKTOP:
        # The office changes line 1's score, with its reason, and saves: kept, and the total follows.
        page.get_by_test_id("score-1").fill("1.5")
        page.get_by_test_id("comment-1").fill("佐证材料只覆盖半年，酌减")
        page.get_by_test_id("save-review").click()
        page.get_by_text("已保存，初审总分").wait_for()
        line = SelfAssessment.objects.get(name=name).lines.get(idx=1)
        assert (line.reviewed_score, line.review_comment) == (Decimal("1.5"), "佐证材料只覆盖半年，酌减")
        page.get_by_test_id("pass").click()
        check_page(page, "review-pass-confirm")
        page.get_by_test_id("confirm-ok").click()
        page.get_by_test_id("review-outcome").filter(has_text="已初审通过").wait_for()
        assert "初审总分 27.5 分，已报领导小组审定" in page.get_by_test_id("review-outcome").inner_text()
        assert SelfAssessment.objects.get(name=name).workflow_state == "待审定"
    else:
        page.get_by_test_id("return").click()
        page.get_by_test_id("reason-chip").first.click()
        check_page(page, "review-return-dialog")
        page.get_by_test_id("confirm-ok").click()
        page.get_by_test_id("review-outcome").wait_for()
        assert "佐证材料不全" in page.get_by_test_id("review-outcome").inner_text()
        assert SelfAssessment.objects.get(name=name).workflow_state == "草稿"
    check_page(page, "review-done")


def test_the_office_passes_checked_reports_in_bulk(workbench):
    name = submitted()
    page = workbench.page(*DESKTOP)
    log_in(page, "office")
    visit(page, "/review")
    page.get_by_test_id("review-item").first.get_by_role("checkbox").check()
    page.get_by_test_id("bulk-pass").click()
    page.get_by_test_id("confirm-ok").click()
    page.get_by_test_id("bulk-result").wait_for()
    assert "已初审通过 1 份" in page.get_by_test_id("bulk-result").inner_text()
    page.get_by_test_id("review-empty").wait_for()
    check_page(page, "review-bulk-done")
    assert SelfAssessment.objects.get(name=name).workflow_state == "待审定"


@SIZES
def test_the_dashboard_clicks_through_to_records_and_reminds_a_late_unit(workbench, size):
    AssessmentPeriod.objects.filter(name="2023-Y").update(deadline=timezone.localdate() - timedelta(days=2))
    draft = create_assessment()["name"]
    fill_in("zhanggong", draft)
    page = workbench.page(*size)
    log_in(page, "office")
    visit(page, "/dashboard?period=2023-Y")
    page.get_by_test_id("submission-row").first.wait_for()
    check_page(page, "dashboard")

    # 章贡区's row: its report (a draft, or returned if it has been back before) is counted and listed,
    # and can be reminded.
    row = page.get_by_test_id("submission-row").filter(has_text="章贡区").first
    row.get_by_test_id("count-link").filter(has_text=re.compile("草稿|退回")).first.click()
    page.get_by_test_id("record").first.wait_for()
    assert draft in page.get_by_test_id("records-group").first.inner_text()
    check_page(page, "records")
    page.go_back()
    row = page.get_by_test_id("submission-row").filter(has_text="章贡区").first
    row.get_by_test_id("remind-one").click()
    page.get_by_test_id("confirm-ok").click()
    page.get_by_test_id("remind-result").wait_for()
    assert "已催办章贡区" in page.get_by_test_id("remind-result").inner_text()
    assert ReminderLog.objects.filter(document_name=draft).exists()
    check_page(page, "dashboard-reminded")
