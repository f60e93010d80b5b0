"""The three-stage approval of a self-assessment, each role at its door: the county through the API (its
workbench's door: county users are not admin users), the office and the leading group in a real browser."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from apps.innovation_action.models import SelfAssessment
from apps.lowcode.models import WorkflowLog
from tests import test_workflow_api as api
from tests.browser import (  # noqa: F401  (browser_page is a fixture)
    browser_page,
    log_in,
    log_out_and_in,
)
from tests.test_workflow_api import ok

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NAME = "2023-Y-章贡区"


def open_assessment(page):
    pk = SelfAssessment.objects.get(name=NAME).pk
    page.goto(f"{page.base_url}/admin/innovation_action/selfassessment/{pk}/change/")


def act(page, action, comment=""):
    if comment:
        page.fill("#workflow-comment", comment)
    page.locator(f"button.workflow-action[value='{action}']").click()
    page.wait_for_load_state()


def show_lines(page):
    page.get_by_role("tab", name="自评明细").click()


def county_fills_in_and_submits(evidence_text: str, first: bool):
    """章贡区's part, through its door (issue 18: county users are not admin users; the workbench calls this API)."""
    if first:
        doc = ok(
            api.client("zhanggong").post(
                f"/api/resource/{api.DOCTYPE}", {"period": "2023-Y", "county": "章贡区"}, format="json"
            )
        )
        assert (doc["name"], doc["workflow_state"]) == (NAME, "草稿")
    doc = api.get_doc("zhanggong", NAME)
    lines = []
    for line in doc["lines"]:
        # Every line gets a score (submitting needs them all): 9 for line 11, 3 for the others.
        line = {**line, "self_score": 9 if line["idx"] == 11 else 3}
        if line["idx"] == 11:
            line["evidence"] = evidence_text
        lines.append(line)
    ok(api.put("zhanggong", NAME, {"lines": lines, "modified": doc["modified"]}))
    return doc


def test_self_assessment_three_stages_in_the_browser(browser_page, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "files"
    page = browser_page

    # 章贡区 creates its annual self-assessment, fills it in and attaches the evidence of line 11 (the API).
    doc = county_fills_in_and_submits("已成立区科技创新赋能行动领导小组，配齐科技管理人员5名", first=True)
    assert SelfAssessment.objects.get(name=NAME).self_total == 13 * 3 + 9  # line 15 (bonus): no claims, 0
    line_11 = next(line["name"] for line in doc["lines"] if line["idx"] == 11)
    evidence = ok(
        api.client("zhanggong").post(
            "/api/method/upload_file",
            {
                "file": SimpleUploadedFile("人员名单.pdf", b"%PDF-1.4\n%\xe4\xba\xba\n"),
                "doctype": api.DOCTYPE,
                "docname": NAME,
                "fieldname": line_11,
            },
            format="multipart",
        )
    )
    assert ok(api.act("zhanggong", NAME, "提交"))["workflow_state"] == "待初审"
    # Nothing waits on the county now; it may only take the report back until the office acts.
    assert api.actions("zhanggong", NAME) == ["撤回"]
    api.refused(api.put("zhanggong", NAME, {"summary": "补充"}), 403, "PermissionError")  # no editing under review

    # The office finds it in 待我处理 and returns it: first without a reason (refused), then with one.
    log_in(page, "office")
    page.get_by_role("link", name="待我处理").first.click()
    row = page.locator(f"tr.inbox-item[data-name='{NAME}']")
    expect(row).to_contain_text("待初审")
    row.locator("button[value=退回修改]").click()
    expect(page.locator(".alert-danger, .alert-error").first).to_contain_text("必须填写意见")
    row = page.locator(f"tr.inbox-item[data-name='{NAME}']")
    row.locator("input[name=workflow_comment]").fill("第11项请补充人员名单")
    row.locator("button[value=退回修改]").click()
    expect(page.locator(".alert-success")).to_contain_text("待初审 → 草稿")
    expect(page.locator(f"tr.inbox-item[data-name='{NAME}']")).to_have_count(0)
    # The office sees the evidence on line 11 in the admin.
    open_assessment(page)
    expect(page.locator("#attachments tr.attachment")).to_contain_text("11. 科技管理部门能力建设")

    # The county sees why, corrects and resubmits.
    assert "第11项请补充人员名单" in json.dumps(ok(api.timeline("zhanggong", NAME)), ensure_ascii=False)
    county_fills_in_and_submits("已成立区科技创新赋能行动领导小组，配齐科技管理人员5名（名单见附件）", first=False)
    assert ok(api.act("zhanggong", NAME, "提交"))["workflow_state"] == "待初审"

    # The office gives its reviewed score and 初审意见, then passes it on.
    page.reload()
    show_lines(page)
    assert page.locator("input[name=lines-10-self_score]").count() == 0  # the county's figures are read-only now
    page.fill("input[name=lines-10-reviewed_score]", "8")
    page.fill("textarea[name=lines-10-review_comment]", "人员到位，制度尚不健全，扣1分")
    page.click("input[name=_continue]")
    act(page, "初审通过")
    expect(page.locator("#workflow-state")).to_have_text("待审定")

    # The leading group approves.
    log_out_and_in(page, "leader")
    page.get_by_role("link", name="待我处理").first.click()
    page.locator(f"tr.inbox-item[data-name='{NAME}'] button[value=审定通过]").click()
    expect(page.locator(".alert-success")).to_contain_text("待审定 → 已审定")

    # Final and read-only for the county, its evidence kept and frozen, with every step in the log.
    assert api.state_of(NAME) == ("已审定", 1)
    assert api.actions("zhanggong", NAME) == []
    api.refused(api.put("zhanggong", NAME, {"summary": "补充"}), 403, "PermissionError")
    api.refused(api.client("zhanggong").delete(f"/api/resource/File/{evidence['name']}"), 403, "PermissionError")
    steps = ["新建", "提交", "退回修改", "提交", "初审通过", "审定通过"]
    assert (
        list(WorkflowLog.objects.filter(reference_name=NAME).order_by("id").values_list("action", flat=True)) == steps
    )
    open_assessment(page)
    expect(page.locator("#workflow-state")).to_have_text("已审定")
    assert page.locator("#workflow-timeline tbody td:nth-child(3)").all_inner_texts() == steps
    expect(page.locator("#workflow-durations")).to_contain_text("已审定")
    expect(page.locator("#attachments")).to_contain_text("人员名单.pdf")
    page.screenshot(path=tmp_path / "final.png", full_page=True)

    # Another county's user cannot open it at all.
    assert api.client("xinfeng").get(f"/api/resource/{api.DOCTYPE}/{NAME}").status_code in (403, 404)


def create_submitted_assessment(county="章贡区", username="zhanggong"):
    """A county's annual self-assessment, submitted, made through the same API path as a client's."""
    from django.contrib.auth import get_user_model

    from apps.lowcode.doctype.meta import get_meta
    from apps.lowcode.document.service import save_document
    from apps.lowcode.workflow import engine

    user = get_user_model().objects.get(username=username)
    doc = save_document(user, get_meta("SelfAssessment"), {"period": "2023-Y", "county": county})
    doc.lines.update(self_score=1)  # complete: submitting needs every line scored
    engine.apply_workflow(user, SelfAssessment, doc.name, "提交")
    return doc.name


def open_workflow_editor(page):
    log_in(page, "admin")
    page.goto(f"{page.base_url}/admin/lowcode/workflow/")
    page.get_by_role("link", name="自评报告审核流程").click()


def test_administrator_adds_a_state_in_the_admin_and_new_documents_follow_it(browser_page):
    page = browser_page
    open_workflow_editor(page)

    # A new state 现场核实, edited by the office…
    page.get_by_role("tab", name="状态").click()
    page.get_by_text("添加另一个 工作流状态").click()
    page.fill("input[name=states-4-idx]", "5")
    page.fill("input[name=states-4-state]", "现场核实")
    page.locator("select[name=states-4-state_type]").select_option("submitted", force=True)
    page.check("input[name=states-4-allow_edit][value=领导小组办公室]")
    # …reached from 待初审 by 初审通过, and left by 核实通过 to 待审定.
    # The transitions' state lists offer the state just typed, before anything is saved.
    page.get_by_role("tab", name="转换").click()
    page.select_option("select[name=transitions-2-next_state]", "现场核实", force=True)  # 初审通过 (after 撤回)
    page.get_by_text("添加另一个 工作流转换").click()
    page.fill("input[name=transitions-6-idx]", "7")
    page.select_option("select[name=transitions-6-state]", "现场核实", force=True)
    page.fill("input[name=transitions-6-action]", "核实通过")
    page.select_option("select[name=transitions-6-next_state]", "待审定", force=True)
    page.check("input[name=transitions-6-allowed][value=领导小组办公室]")
    page.click("input[name=_continue]")
    expect(page.locator(".alert-success")).to_contain_text("成功")

    # No restart: the running server takes the next document through the new state.
    name = create_submitted_assessment()
    log_out_and_in(page, "office")
    page.get_by_role("link", name="待我处理").first.click()
    page.locator(f"tr.inbox-item[data-name='{name}'] button[value=初审通过]").click()
    expect(page.locator(".alert-success")).to_contain_text("待初审 → 现场核实")
    page.locator(f"tr.inbox-item[data-name='{name}'] button[value=核实通过]").click()
    expect(page.locator(".alert-success")).to_contain_text("现场核实 → 待审定")
    assert SelfAssessment.objects.get(name=name).workflow_state == "待审定"


def test_a_workflow_with_a_transition_to_a_missing_state_is_refused_and_nothing_is_lost(browser_page):
    page = browser_page
    open_workflow_editor(page)
    # Renaming a state leaves the transitions that name it pointing at a state that is no longer there.
    page.get_by_role("tab", name="状态").click()
    page.fill("input[name=states-2-state]", "待复核")
    page.get_by_role("tab", name="转换").click()
    # 初审通过, the third transition (after 提交 and 撤回).
    expect(page.locator("select[name=transitions-2-next_state] option:checked")).to_have_text("待审定（不在状态中）")
    with page.expect_navigation():  # the refusal is the next page, not anything on this one
        page.click("input[name=_save]")
    expect(page.locator(".errornote, .alert-danger").first).to_be_visible()
    assert "状态“待审定”不在本工作流的状态中" in page.content(), page.locator(".errorlist").all_inner_texts()
    assert page.locator("input[name=states-2-state]").input_value() == "待复核"  # the edit is still there
    assert page.locator("select[name=transitions-2-next_state]").input_value() == "待审定"
    from apps.lowcode.models import WorkflowTransition

    assert WorkflowTransition.objects.get(workflow__name="自评报告审核流程", action="初审通过").next_state == "待审定"


def test_office_passes_several_assessments_at_once(browser_page):
    names = [create_submitted_assessment("章贡区", "zhanggong"), create_submitted_assessment("信丰县", "xinfeng")]
    page = browser_page
    log_in(page, "office")
    page.goto(f"{page.base_url}/admin/innovation_action/selfassessment/")
    page.check("#action-toggle")
    page.locator("select[name=action]").select_option("workflow_bulk", force=True)
    page.get_by_role("button", name="执行").click()
    # Only what is valid for both is offered.
    buttons = page.locator("button[name=workflow_action]")
    assert buttons.all_inner_texts() == ["初审通过", "退回修改"]
    page.get_by_role("button", name="初审通过").click()
    expect(page.locator(".alert-success")).to_contain_text("“初审通过”已办理 2 张")
    assert set(SelfAssessment.objects.filter(name__in=names).values_list("workflow_state", flat=True)) == {"待审定"}
