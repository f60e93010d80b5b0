"""Printing as the office meets it in the browser: from the plan's form to 打印, 印发, the PDF job's
progress and the download; then the administrator's pages of the print formats and the notices."""

import re
import time

import pytest
from playwright.sync_api import expect
from rq import SimpleWorker

from apps.lowcode.print_format.model import Notice, PrintFormat
from tests.browser import (  # noqa: F401  (browser_page is a fixture)
    browser_page,
    log_in,
    log_out_and_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

PLAN_TITLE = "2023年赣州市科技创新赋能行动工作方案"


def wait_for_job(queue, seconds=10):
    """The 印发 request puts the job on the queue as its transaction commits."""
    deadline = time.monotonic() + seconds
    while queue.count == 0:
        assert time.monotonic() < deadline, "no job was queued"
        time.sleep(0.1)


def test_the_office_issues_the_plan_and_downloads_the_pdf(browser_page, redis_queue):
    page = browser_page
    log_in(page, "office")

    # The plan's form has a 打印 button; it leads to the plan's print page.
    page.goto(f"{page.base_url}/admin/innovation_action/actionplan/")
    page.get_by_role("link", name=PLAN_TITLE).first.click()
    page.locator("#print-button").click()
    expect(page).to_have_url(re.compile(r"/admin/print/Action%20Plan/2023/$"))
    card = page.locator(".format-card", has_text="工作方案印发通知")
    expect(card).to_contain_text("公文")

    # 预览 PDF opens the saved format inline, in a new tab.
    preview = card.locator("a.preview-pdf")
    expect(preview).to_have_attribute("target", "_blank")
    answer = page.request.get(page.base_url + preview.get_attribute("href"))
    assert answer.ok and answer.body().startswith(b"%PDF")
    assert answer.headers["content-disposition"].startswith("inline")

    # 印发 on the plan's own date (the one it prints, not editable here): a confirmation, then the notice
    # waits for its PDF with a progress bar.
    date_input = card.locator("input[name=issue_date]")
    expect(date_input).to_have_value("2023-02-21")
    expect(date_input).not_to_be_editable()
    page.once("dialog", lambda dialog: dialog.accept())
    card.locator("button.issue-button").click()
    expect(page.locator(".alert-success")).to_contain_text("已印发：赣市科赋字〔2023〕1号")
    row = page.locator("#notices tr.notice")
    expect(row).to_contain_text("关于印发《2023年赣州市科技创新赋能行动工作方案》的通知")
    expect(row.locator(".progress-bar")).to_be_visible()
    expect(page.locator(".format-card")).to_contain_text("已印发：赣市科赋字〔2023〕1号")
    page.screenshot(path="/tmp/print_page_queued.png", full_page=True)

    # The worker makes the PDF; the page, polling each second, shows it done with its download link.
    wait_for_job(redis_queue)
    SimpleWorker([redis_queue], connection=redis_queue.connection).work(burst=True)
    expect(row.locator(".notice-status")).to_have_text("已生成", timeout=15000)
    notice = Notice.objects.get(reference_doctype="Action Plan", reference_name="2023")
    assert (notice.number, notice.status, notice.progress) == ("赣市科赋字〔2023〕1号", "已生成", 100), notice.error
    expect(row).to_contain_text(f"共 {notice.pages} 页")
    download = row.locator("a.notice-download")
    expect(download).to_be_visible()
    answer = page.request.get(page.base_url + download.get_attribute("href"))
    assert answer.ok and answer.body().startswith(b"%PDF")
    page.screenshot(path="/tmp/print_page.png", full_page=True)

    # The register lists it, ready, with the same link.
    page.goto(f"{page.base_url}/admin/lowcode/notice/")
    expect(page.locator("#result_list")).to_contain_text("赣市科赋字〔2023〕1号")
    expect(page.locator("#result_list .badge")).to_have_text("已生成")
    page.screenshot(path="/tmp/notice_list.png", full_page=True)

    # The administrator edits the format: its blocks are cards, its preview picks a plan.
    log_out_and_in(page, "admin")
    print_format = PrintFormat.objects.get(name="工作方案印发通知")
    page.goto(f"{page.base_url}/admin/lowcode/printformat/{print_format.pk}/change/")
    expect(page.locator("#print-preview-panel select")).to_contain_text(PLAN_TITLE)
    page.screenshot(path="/tmp/print_format_admin.png", full_page=True)
    page.get_by_role("tab", name="内容块").click()
    first_block = page.locator(".inline-related").first
    expect(first_block).to_contain_text("内容块 1")
    expect(first_block).to_be_visible()
    page.wait_for_timeout(400)  # the tab fades in: the screenshot wants it opaque
    page.screenshot(path="/tmp/print_format_blocks.png", full_page=True)


def test_the_ranking_page_leads_to_the_periods_notice(browser_page):
    page = browser_page
    log_in(page, "office")
    page.goto(f"{page.base_url}/admin/rankings/?period=2023-Q1")
    page.locator("#print-notice").click()
    expect(page).to_have_url(re.compile(r"/admin/print/Assessment%20Period/2023-Q1/$"))
    expect(page.locator(".format-card")).to_have_count(1)
    expect(page.locator(".format-card")).to_contain_text("季度排名通报")
    page.screenshot(path="/tmp/period_print_page.png", full_page=True)
