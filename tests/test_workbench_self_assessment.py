"""The county user's self-assessment in the workbench: scores computed as they type, autosave, a stale-edit
conflict, submitting with the total confirmed, withdrawing while nobody has acted; at a desktop and a phone
width, in a real browser."""

from urllib.parse import quote

import pytest
from playwright.sync_api import expect

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


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# A real 1×1 PNG, so that the thumbnail is a picture and not a broken image.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc0f01f0005050201a5b0e1"
    "d40000000049454e44ae426082"
)


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_bonus_claims_and_the_files_of_a_line_are_kept_shown_in_place_and_read_by_the_office(
    workbench, size, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    name = create_assessment()["name"]
    fill_in("zhanggong", name)
    page = workbench.page(*size)
    log_in(page, "zhanggong")
    visit(page, f"/self-assessment/{quote(name)}")

    # A bonus claim: the item from the catalogue, how many, what; its points as typed, then saved.
    bonus = page.get_by_test_id("bonus-claims")
    bonus.get_by_test_id("add-claim").click()
    assert "请选择加分事项并填写具体事项" in bonus.inner_text()
    claim = bonus.get_by_test_id("bonus-claim").first
    claim.get_by_role("combobox").select_option(label="辖区企业当年认定为瞪羚企业（每个 1 分）")
    claim.get_by_label("申报数量（个、次）").fill("3")
    claim.get_by_label("具体事项").fill("赣州某某科技有限公司等3家瞪羚企业")
    claim.get_by_label("佐证说明").fill("省科技厅2023年瞪羚企业认定名单")
    assert claim.get_by_test_id("claim-points").inner_text() == "申报 3 个 × 1 分 = 3 分"
    page.get_by_test_id("save-status").filter(has_text="已保存").wait_for()
    assessment = SelfAssessment.objects.get(name=name)
    [saved] = assessment.bonus_claims.all()
    assert (saved.rule.item, saved.quantity, saved.description) == (
        "辖区企业当年认定为瞪羚企业",
        3,
        "赣州某某科技有限公司等3家瞪羚企业",
    )
    assert assessment.lines.get(indicator__number=15).self_score == 3
    assert "申报加分合计 3 分（上限 15 分）" in bonus.get_by_test_id("bonus-total").inner_text()
    # The 加分项 line's score is computed from the claims, with its explanation.
    bonus_line = page.get_by_test_id("line").filter(has=bonus)
    assert bonus_line.get_by_test_id("score").inner_text() == "3"
    assert "合计 3 分" in bonus_line.get_by_test_id("score-note").inner_text()
    check_page(page, "self-assessment-bonus")

    # Files of the first line: a PDF and a photo; a file of a kind the server refuses is refused at once, in Chinese.
    first = page.get_by_test_id("line").first
    picker = first.get_by_test_id("file-input")
    picker.set_input_files({"name": "统计年报.pdf", "mimeType": "application/pdf", "buffer": PDF})
    first.get_by_test_id("attached-file").first.wait_for()
    first.get_by_test_id("camera-input").set_input_files(
        {"name": "现场照片.png", "mimeType": "image/png", "buffer": PNG}
    )
    first.get_by_test_id("attached-file").nth(1).wait_for()
    picker.set_input_files({"name": "程序.exe", "mimeType": "application/octet-stream", "buffer": b"MZ"})
    page.get_by_role("alert").get_by_text("只能上传图片、PDF、Word、Excel", exact=False).wait_for()
    page.wait_for_load_state("networkidle")
    check_page(page, "self-assessment-files")

    # After a reload: the claim and the files are there.
    visit(page, f"/self-assessment/{quote(name)}")
    first = page.get_by_test_id("line").first
    texts = first.get_by_test_id("attached-file").all_inner_texts()
    assert len(texts) == 2 and "统计年报（PDF）" in texts[0] and "现场照片（图片）" in texts[1]
    claim = page.get_by_test_id("bonus-claim").first
    assert claim.get_by_label("具体事项").input_value() == "赣州某某科技有限公司等3家瞪羚企业"

    # Shown in place: the photo, and the PDF (in the page on a desktop, in the phone's own viewer on a phone).
    first.get_by_role("button", name="现场照片（图片）", exact=True).click()
    image = first.get_by_test_id("file-viewer").locator("img")
    image.wait_for()
    page.wait_for_function("(img) => img.complete && img.naturalWidth === 1", arg=image.element_handle())
    if size == DESKTOP:
        first.get_by_role("button", name="统计年报（PDF）", exact=True).click()
        frame = first.get_by_test_id("file-viewer").locator("iframe")
        shown = page.request.get(workbench.base_url + frame.get_attribute("src"))
    else:
        link = first.get_by_role("link", name="统计年报（PDF）", exact=True)
        assert link.get_attribute("target") == "_blank"
        shown = page.request.get(workbench.base_url + link.get_attribute("href"))
    assert shown.status == 200 and shown.body() == PDF and shown.headers["content-disposition"].startswith("inline")
    check_page(page, "self-assessment-file-shown")

    # The report's PDF (自评报告表): previewed in the page on a desktop, a link on a phone.
    if size == DESKTOP:
        page.get_by_test_id("pdf-preview-toggle").click()
        source = page.get_by_test_id("pdf-preview").locator("iframe").get_attribute("src")
    else:
        source = page.get_by_role("link", name="预览 PDF").get_attribute("href")
    printed = page.request.get(workbench.base_url + source)
    assert printed.status == 200 and printed.body().startswith(b"%PDF")
    assert printed.headers["x-frame-options"] == "SAMEORIGIN"
    check_page(page, "self-assessment-pdf-preview")

    # A photo removed while the report is a draft.
    first.get_by_role("button", name="删除附件现场照片（图片）").click()
    page.get_by_role("status").get_by_text("已删除“现场照片（图片）”").wait_for()
    assert first.get_by_test_id("attached-file").count() == 1

    # Submitted: read-only for the county, and the office sees the claim and the line's files on its review page.
    page.get_by_role("button", name="提交", exact=True).click()
    page.get_by_role("button", name="确定提交").click()
    page.get_by_text("待初审").first.wait_for()
    # (Not "networkidle": a PDF open in the page's viewer may keep the network busy.)
    expect(page.get_by_test_id("line").first.get_by_role("button", name="上传附件")).to_have_count(0)
    assert "办理记录" in page.inner_text("body") and "保存草稿" in page.get_by_test_id("timeline").inner_text()
    check_page(page, "self-assessment-files-submitted")

    office = workbench.page(*size)
    log_in(office, "office")
    visit(office, f"/review/{quote(name)}")
    office.get_by_test_id("review-line").first.wait_for()
    assert "统计年报（PDF）" in office.get_by_test_id("review-line").first.get_by_test_id("line-files").inner_text()
    assert "赣州某某科技有限公司等3家瞪羚企业" in office.get_by_test_id("review-claim").first.inner_text()
    check_page(office, "review-doc-files")
    if size == DESKTOP:
        # The office decides the claim (核定数量, with its reason) and saves it with its review.
        decided = office.get_by_test_id("review-claim").first
        decided.get_by_label("核定数量（0 为不予认定）").fill("2")
        decided.get_by_label("核定意见").fill("其中1家认定文件不在本年度")
        office.get_by_test_id("save-review").click()
        office.get_by_text("已保存，初审总分").wait_for()
        assessment = SelfAssessment.objects.get(name=name)
        claim = assessment.bonus_claims.get()
        assert (claim.accepted_quantity, claim.review_comment) == (2, "其中1家认定文件不在本年度")
        assert assessment.lines.get(indicator__number=15).reviewed_score == 2
        check_page(office, "review-doc-claim-decided")
