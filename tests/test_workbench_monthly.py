"""月度调度 and 项目月报 in the workbench (/app/monthly): a unit liaison's months, a new report prefilled from last
month, typing saved as a draft by itself, submitting with a confirmation, and a returned report with
its reason on top; a county's project month with 序时进度 and the light as it types, a photo and the
submission — in a real browser at desktop and phone widths."""

import pytest

from apps.innovation_action.models import ProgressReport, ProgressReportLine, ProjectReport
from tests.test_progress_reports import act, create_report
from tests.test_project_reports import PNG
from tests.test_project_reports import create as create_project_report
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
    page.get_by_text("已报送，等待市领导小组办公室审核", exact=True).wait_for()
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


@SIZES
def test_a_county_user_reports_a_project_month_with_the_light_shown_as_they_type(workbench, size, tmp_path):
    # 虔东稀土产业园 (2023-P12): 2023 plan 20000 万元, so 序时进度 in March is 5000 万元; February reported 3000.
    february = create_project_report("zhanggong", period="2023-M02", project="2023-P12", month_investment=3000)
    ProjectReport.objects.filter(name=february["name"]).update(progress="桩基施工完成")

    page = workbench.page(*size)
    log_in(page, "zhanggong")
    visit(page, "/monthly?tab=projects", "monthly-projects")
    page.get_by_label("月份").select_option("2023-M03")
    row = page.locator('[data-testid="project-row"][data-project="2023-P12"]')
    assert "未填报" in row.inner_text()
    row.get_by_role("button", name="填写").click()
    page.wait_for_url("**/app/monthly/project/2023-M03-2023-P12")
    page.get_by_test_id("project-light").wait_for()

    # Last month's text and cumulative carry over; the light follows the typing.
    assert page.get_by_label("形象进度").input_value() == "桩基施工完成"
    month = page.get_by_label("本月完成投资（万元）")
    month.fill("500")
    light = page.get_by_test_id("project-light")
    assert "本年累计 3500 万元，序时进度 5000 万元" in light.inner_text()
    assert "报送后预计亮红灯" in light.inner_text()
    month.fill("2500")
    assert "达到序时进度，报送后预计亮绿灯" in light.inner_text()
    page.get_by_test_id("save-state").filter(has_text="草稿已保存").wait_for()
    saved = ProjectReport.objects.get(name="2023-M03-2023-P12")
    assert (saved.month_investment, saved.year_investment) == (2500, 5500)

    # A photo or a document is attached through upload_file.
    photo = tmp_path / "现场照片.png"
    photo.write_bytes(PNG)
    page.get_by_test_id("file-input").set_input_files(str(photo))
    page.get_by_test_id("project-files").get_by_text("现场照片（图片）").wait_for()
    # frappe-ui's toast carries an English live-region label ("Notification"): check once it has gone.
    page.get_by_text("已上传“现场照片（图片）”", exact=True).wait_for(state="hidden", timeout=15000)
    check_page(page, "project-report")

    page.get_by_role("button", name="提交").click()
    page.get_by_role("dialog").get_by_text("本年累计 5500 万元").wait_for()
    page.get_by_role("dialog").get_by_role("button", name="确认提交").click()
    page.get_by_text("已提交，等待审核", exact=True).wait_for()
    page.get_by_text("已提交，等待审核", exact=True).wait_for(state="hidden", timeout=15000)
    assert ProjectReport.objects.get(name="2023-M03-2023-P12").workflow_state == "已提交"
    check_page(page, "project-report-submitted")

    # Nobody has reviewed it yet: the county takes it back, after a confirmation; a draft again, not returned.
    page.get_by_role("button", name="撤回", exact=True).click()
    page.get_by_test_id("withdraw-text").wait_for()
    page.get_by_role("dialog").get_by_role("button", name="确认撤回").click()
    page.get_by_text("已撤回，月报回到草稿，你可以修改后重新提交", exact=True).wait_for()
    page.get_by_role("button", name="提交", exact=True).wait_for()
    assert ProjectReport.objects.get(name="2023-M03-2023-P12").workflow_state == "草稿"
    assert page.get_by_test_id("returned-reason").count() == 0
    page.get_by_text("已撤回，月报回到草稿，你可以修改后重新提交", exact=True).wait_for(state="hidden", timeout=15000)
    check_page(page, "project-report-withdrawn")
    visit(page, "/monthly?tab=projects", "monthly-projects-withdrawn")
    page.get_by_label("月份").select_option("2023-M03")
    row = page.locator('[data-testid="project-row"][data-project="2023-P12"]')
    row.get_by_text("草稿").wait_for()
    assert "已退回" not in row.inner_text()
