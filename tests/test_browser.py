"""The admin in a real browser: Debian's Chromium driven by Playwright."""

import pytest

from apps.innovation_action.services.demo_accounts import DEMO_PASSWORD
from tests.browser import (  # noqa: F401  (browser_page is a fixture)
    browser_page,
    log_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_office_browses_projects_by_county_with_totals(browser_page, tmp_path):
    page = browser_page
    log_in(page, "office")
    page.get_by_role("link", name="重点项目").first.click()
    totals = page.locator("#section-totals")
    assert "164,600（16.46亿元）" in totals.inner_text()
    assert "2,737,260（273.73亿元）" in totals.inner_text()
    # Filter to one county through the filter drop-down (a select2 widget), as a user would.
    page.locator("select[data-name=county] + .select2-container").click()
    page.locator(".select2-results__option", has_text="赣州蓉江新区").click()
    page.get_by_role("button", name="搜索").click()  # jazzmin applies filters with the search
    page.wait_for_url("**county__id__exact=*")
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 4
    assert "天莳数字科技" in page.locator("#result_list").inner_text()
    assert "新开工" in totals.inner_text() and "续建" in totals.inner_text()
    page.screenshot(path=tmp_path / "projects.png", full_page=True)


def test_county_user_is_sent_from_the_admin_login_to_the_workbench(browser_page, tmp_path):
    """Issue 18: a county user who tries the admin is told in Chinese to use the workbench, follows the link,
    logs in there and lands on their 待办; from then on any admin address brings them back to the workbench."""
    page = browser_page
    page.goto(f"{page.base_url}/admin/login/")
    page.fill("input[name=username]", "zhanggong")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    refusal = page.locator(".callout-danger").inner_text()
    assert "请到工作台登录" in refusal and "/app/login" in refusal
    page.screenshot(path=tmp_path / "admin-login-refused.png", full_page=True)
    page.get_by_role("link", name="工作台登录").click()
    page.wait_for_url(f"{page.base_url}/app/login**")
    page.get_by_label("账号").fill("zhanggong")
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{page.base_url}/app/todo")
    page.goto(f"{page.base_url}/admin/innovation_action/task/")
    page.wait_for_url(f"{page.base_url}/app/todo")
