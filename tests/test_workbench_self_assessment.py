"""The county user's self-assessment in the workbench: scores computed as they type, autosave, a stale-edit
conflict, submitting with the total confirmed, withdrawing while nobody has acted; at a desktop and a phone
width, in a real browser."""

from urllib.parse import quote

import pytest

from apps.innovation_action.models import SelfAssessment
from tests.test_workflow_api import create_assessment, edit_lines, fill_in, get_doc
from tests.workbench import DESKTOP, PHONE, check_page, log_in, visit, workbench  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_score_is_computed_as_the_user_types_saved_and_the_report_submitted_with_its_total(workbench, size):
    name = create_assessment()["name"]
    fill_in("zhanggong", name)  # every line scored and evidenced, as before 提交
    page = workbench.page(*size)
    log_in(page, "zhanggong")
    visit(page, f"/self-assessment/{quote(name)}")

    first = page.get_by_test_id("line").first
    assert "分值 6 分" in first.inner_text()
    first.get_by_label("指标值/完成情况").fill("2.5")
    page.get_by_test_id("save-status").filter(has_text="已保存").wait_for()
    assert first.get_by_test_id("score").inner_text() == "6"
    assert "比最优法" in first.get_by_test_id("score-note").inner_text()
    first.get_by_label("事实依据").fill("统计局年报：研发投入 2.5 亿元")
    page.get_by_test_id("save-status").filter(has_text="已保存").wait_for()
    page.wait_for_load_state("networkidle")
    line = SelfAssessment.objects.get(name=name).lines.order_by("idx").first()
    assert (line.value, line.evidence) == ("2.5", "统计局年报：研发投入 2.5 亿元")
    check_page(page, "self-assessment")

    page.get_by_role("button", name="提交", exact=True).click()
    confirm = page.get_by_test_id("confirm-text")
    confirm.wait_for()
    total = SelfAssessment.objects.get(name=name).self_total
    assert f"自评总分 {float(total):g} 分" in confirm.inner_text()
    check_page(page, "self-assessment-confirm")
    page.get_by_role("button", name="确定提交").click()
    page.get_by_text("待初审").first.wait_for()
    assert SelfAssessment.objects.get(name=name).workflow_state == "待初审"
    page.wait_for_load_state("networkidle")
    assert "提交" in page.get_by_test_id("timeline").inner_text()
    # The toast says what happened, in a live region that screen readers announce as it is: no English
    # word before it, a Chinese label on its close button (check_page reads the aria labels too).
    toast = page.get_by_role("status").get_by_test_id("toast")
    assert toast.inner_text() == "已提交，等待领导小组办公室初审"
    assert toast.get_by_role("button").get_attribute("aria-label") == "关闭提示"
    check_page(page, "self-assessment-submitted")

    # Nobody has acted yet: the county takes it back, after a confirmation, and may edit it again.
    page.get_by_role("button", name="撤回", exact=True).click()
    page.get_by_test_id("withdraw-text").wait_for()
    page.get_by_role("button", name="确定撤回").click()
    page.get_by_role("button", name="提交", exact=True).wait_for()
    assert SelfAssessment.objects.get(name=name).workflow_state == "草稿"
    assert page.get_by_test_id("line").first.get_by_label("事实依据").is_enabled()
    page.get_by_role("status").get_by_text("已撤回，报告回到草稿，你可以修改后重新提交", exact=True).wait_for()
    check_page(page, "self-assessment-withdrawn")
    # It goes by itself.
    toast.first.wait_for(state="detached", timeout=15000)


def test_an_edit_made_elsewhere_meanwhile_is_shown_as_a_conflict_and_nothing_is_overwritten(workbench):
    name = create_assessment()["name"]
    page = workbench.page(*PHONE)
    log_in(page, "zhanggong")
    visit(page, f"/self-assessment/{quote(name)}")
    # Someone else saves the report after this page read it.
    assert edit_lines("zhanggong", name, evidence="另一处的修改").status_code == 200
    page.get_by_test_id("line").first.get_by_label("分析意见").fill("我的分析")
    page.get_by_test_id("conflict").wait_for()
    assert "已在别处被修改" in page.get_by_test_id("conflict").inner_text()
    assert get_doc("zhanggong", name)["lines"][0]["evidence"] == "另一处的修改"
    assert page.get_by_test_id("line").first.get_by_label("分析意见").input_value() == "我的分析"
    check_page(page, "self-assessment-conflict", expected_errors=["417"])
