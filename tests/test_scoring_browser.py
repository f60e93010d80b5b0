"""Scoring as its users meet it: the office opens a period in the browser, a county claims a bonus and reads
how each score was reached through the API (its workbench's door), the office decides the claim in the browser."""

import pytest
from playwright.sync_api import expect
from rq import SimpleWorker

from apps.innovation_action.models import SelfAssessment
from tests import test_workflow_api as api
from tests.browser import (  # noqa: F401  (browser_page is a fixture)
    browser_page,
    log_in,
    log_out_and_in,
)
from tests.test_workflow_api import ok

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BONUS_TAB = "加分申报（第15项，合计不超过 15 分）"


@pytest.mark.redis
def test_open_a_period_claim_a_bonus_and_review_it(browser_page, redis_queue):
    page = browser_page

    # The office opens the first quarter from the list of periods.
    log_in(page, "office")
    page.goto(f"{page.base_url}/admin/innovation_action/assessmentperiod/")
    page.locator("tr", has_text="2023年第一季度").locator("input[name=_selected_action]").check()
    page.locator("select[name=action]").select_option("open_periods", force=True)
    page.locator("button[name=index]").click()
    # Opening runs as a background job: its progress page follows it until the worker has done it.
    page.wait_for_url("**/admin/jobs/**")
    SimpleWorker([redis_queue], connection=redis_queue.connection).work(burst=True)
    expect(page.locator("#job-result")).to_contain_text("已生成 30 份")
    expect(page.locator("#job-bar")).to_have_attribute("aria-valuenow", "100")
    assessment = SelfAssessment.objects.get(name="2023-Q1-章贡区")

    # 章贡区 reports a value, scores by hand and claims three gazelle companies: through the API, its workbench's
    # door (issue 18: county users are not admin users).
    from apps.innovation_action.doctype.indicator.model import BonusRule

    doc = api.get_doc("zhanggong", assessment.name)
    lines = []
    for line in doc["lines"]:
        if line["idx"] == 2:
            line = {**line, "value": "2.4"}
        elif line["idx"] <= 14:
            line = {**line, "self_score": 4}
        lines.append(line)
    gazelle = BonusRule.objects.get(item="辖区企业当年认定为瞪羚企业", indicator__group__scheme="县级")
    claim = {"rule": gazelle.name, "quantity": 3, "description": "赣州甲科技、乙新材料、丙电子"}
    ok(api.put("zhanggong", assessment.name, {"lines": lines, "bonus_claims": [claim], "modified": doc["modified"]}))
    # 13 lines × 4 + line 2 (2.4 is the only value in the category: the best, 6 points) + bonus 3 = 61.
    assert SelfAssessment.objects.get(pk=assessment.pk).self_total == 61
    notes = {line["idx"]: line["self_note"] for line in api.get_doc("zhanggong", assessment.name)["lines"]}
    assert "填报值 2.4；比最优法：得分 = 6 × 2.4 ÷ 同类最优 2.4 = 6.00" in notes[2]
    assert "合计 3 分" in notes[15]
    assert ok(api.act("zhanggong", assessment.name, "提交"))["workflow_state"] == "待初审"
    # The office (still logged in) reads the same explanation in the admin.
    page.goto(f"{page.base_url}/admin/innovation_action/selfassessment/{assessment.pk}/change/")
    page.get_by_role("tab", name="自评明细").click()
    expect(page.locator("td.field-indicator_and_notes").nth(1)).to_contain_text(
        "自评：填报值 2.4；比最优法：得分 = 6 × 2.4 ÷ 同类最优 2.4 = 6.00"
    )
    expect(page.locator("td.field-indicator_and_notes").nth(14)).to_contain_text("合计 3 分")
    expect(page.locator("#workflow-state")).to_have_text("待初审")

    # The office accepts two of the three companies.
    log_out_and_in(page, "office")
    page.goto(f"{page.base_url}/admin/innovation_action/selfassessment/{assessment.pk}/change/")
    page.get_by_role("tab", name=BONUS_TAB).click()
    expect(page.get_by_text("添加另一个 加分申报")).to_be_hidden()  # the office decides claims, it adds none
    page.fill("input[name=bonus_claims-0-accepted_quantity]", "2")
    page.fill("textarea[name=bonus_claims-0-review_comment]", "丙电子认定时间为2022年")
    page.click("input[name=_continue]")
    expect(page.locator(".alert-success")).to_be_visible()
    assert SelfAssessment.objects.get(pk=assessment.pk).reviewed_total == 60
    page.get_by_role("tab", name="自评明细").click()
    expect(page.locator("td.field-indicator_and_notes").nth(14)).to_contain_text("初审：")
    page.screenshot(path="/tmp/scoring_review.png", full_page=True)
