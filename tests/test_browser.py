"""The admin in a real browser: Debian's Chromium driven by Playwright."""

import pytest

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


def test_county_user_sees_chinese_admin_without_edit_buttons(browser_page):
    page = browser_page
    log_in(page, "zhanggong")
    page.goto(f"{page.base_url}/admin/innovation_action/task/")
    assert page.locator(".app-content-header h3").inner_text().strip() == "重点任务"
    assert page.get_by_text("增加 重点任务").count() == 0
    assert page.locator("#result_list tbody tr").count() == 29
