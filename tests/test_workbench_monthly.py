"""月度调度 in the workbench (/app/monthly): a unit liaison's months, a new report prefilled from last
month, typing saved as a draft by itself, submitting with a confirmation, and a returned report with
its reason on top — in a real browser at desktop and phone widths."""

import pytest

from apps.innovation_action.models import ProgressReport, ProgressReportLine
from tests.test_progress_reports import act, create_report
from tests.workbench import DESKTOP, PHONE, check_page, log_in, visit, workbench  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
LAST_MONTH = "已完成产业链图谱编制，正在征求意见"
TYPED = "本月召开推进会一次，形成初稿"
REASON = "第1项缺少会议纪要，请补充后重新报送"


@SIZES
def test_a_liaison_fills_in_the_month_from_last_month_saves_submits_and_sees_the_return(workbench, size):
    # February was reported; its first line carries over into March.
    february = create_report("gongxin", "2023-M02")["name"]
    ProgressReportLine.objects.filter(report__name=february, idx=1).update(progress=LAST_MONTH)

    page = workbench.page(*size)
    log_in(page, "gongxin")
    visit(page, "/monthly")
    row = page.locator('[data-testid="monthly-row"][data-period="2023-M03"]')
    assert "未填报" in row.inner_text()
    row.get_by_role("button", name="填写").click()
    page.wait_for_url("**/app/monthly/2023-M03-*")
    page.get_by_test_id("monthly-line").first.wait_for()
    name = ProgressReport.objects.get(period__name="2023-M03", unit__name="市工信局").name

    first = page.get_by_test_id("monthly-line").first
    progress = first.get_by_label("进展情况")
    assert progress.input_value() == LAST_MONTH
    assert page.get_by_test_id("monthly-line").count() == 13
    check_page(page, "monthly-report")

    # Typing is saved as a draft by itself, and is there after a reload.
    progress.fill(TYPED)
    page.get_by_test_id("save-state").filter(has_text="草稿已保存").wait_for()
    assert ProgressReportLine.objects.get(report__name=name, idx=1).progress == TYPED
    page.reload()
    assert page.get_by_test_id("monthly-line").first.get_by_label("进展情况").input_value() == TYPED

    # Submitting asks first; typing right before it is not lost.
    page.get_by_test_id("monthly-line").nth(1).get_by_label("佐证说明").fill("会议纪要")
    page.get_by_role("button", name="报送").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_text("共 13 项任务").wait_for()
    check_page(page, "monthly-confirm")
    dialog.get_by_role("button", name="确认报送").click()
    page.get_by_text("已报送，等待").wait_for()
    report = ProgressReport.objects.get(name=name)
    assert report.workflow_state == "已报送" and report.submitted_at is not None
    assert ProgressReportLine.objects.get(report__name=name, idx=2).evidence == "会议纪要"

    # The office returns it: the reason is on top of the report and the month shows 已退回.
    assert act("office", name, "退回修改", REASON).status_code == 200
    page.reload()
    page.get_by_test_id("returned-reason").filter(has_text=REASON).wait_for()
    check_page(page, "monthly-returned")
    visit(page, "/monthly")
    assert "已退回" in page.locator('[data-testid="monthly-row"][data-period="2023-M03"]').inner_text()
