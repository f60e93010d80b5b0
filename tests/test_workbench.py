"""The workbench's shell and 待办 as a county user, at a desktop and a phone width, in a real browser."""

import re
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.utils import timezone
from rq import SimpleWorker

from apps.innovation_action.models import AssessmentPeriod
from tests.test_workflow_api import act, create_assessment, fill_in
from tests.workbench import (  # noqa: F401
    DESKTOP,
    PHONE,
    check_page,
    english_words,
    first_page_javascript,
    log_in,
    visible_text,
    visit,
    workbench,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
REASON = "第3项佐证材料缺少统计局盖章，请补充后重新提交"


def returned_assessment(redis_queue) -> str:
    """章贡区's 2023 report, filled in, submitted, and returned by the office with a reason; the
    notification jobs run (a real RQ worker in burst mode), so the county user has the message."""
    # The year's report is due in five days.
    AssessmentPeriod.objects.filter(name="2023-Y").update(deadline=timezone.localdate() + timedelta(days=5))
    name = create_assessment()["name"]
    fill_in("zhanggong", name)
    assert act("zhanggong", name, "提交").status_code == 200
    assert act("office", name, "退回修改", comment=REASON).status_code == 200
    SimpleWorker([redis_queue], connection=redis_queue.connection).work(burst=True)
    return name


def test_an_anonymous_visitor_gets_the_login_page_and_a_wrong_password_is_told_in_chinese(workbench):
    page = workbench.page(*PHONE)
    page.goto(f"{page.base_url}/app/todo")
    page.wait_for_url(re.compile(r"/app/login\?next=(%2F|/)todo$"))
    page.get_by_label("账号").fill("zhanggong")
    page.get_by_label("密码").fill("wrong")
    page.get_by_role("button", name="登录").click()
    page.get_by_text("用户名或密码错误").wait_for()
    check_page(page, "login-refused", expected_errors=["401 (Unauthorized)"])
    page.get_by_label("密码").fill("ganzhou2023")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/app/todo")


@pytest.mark.redis
@SIZES
def test_the_county_user_sees_the_shell_and_the_returned_report_first_in_todo(workbench, redis_queue, size):
    name = returned_assessment(redis_queue)
    page = workbench.page(*size)
    log_in(page, "zhanggong")
    assert page.url.endswith("/app/todo"), page.url
    visit(page, "/todo")

    # The top bar: the site's name, the user's name (desktop) or menu, the bell with the unread count.
    header = page.locator("header")
    assert header.get_by_role("link").first.inner_text().strip()
    assert page.get_by_test_id("unread-count").inner_text().strip() == "1"
    # The navigation of a county user, in reach at both widths (the bottom bar on a phone).
    nav = page.get_by_role("navigation", name="主导航").locator("visible=true")
    assert nav.get_by_role("link").all_inner_texts() == ["待办", "自评报告", "月度调度"]
    assert page.get_by_role("link", name="审核").count() == 0

    # 待办: the returned report, with who returned it and why, and the time left.
    item = page.get_by_test_id("todo-item").first
    assert "章贡区" in item.inner_text()
    assert "已退回" in item.inner_text()
    assert REASON in item.get_by_test_id("returned-reason").inner_text()
    assert "还剩 5 天" in item.inner_text()
    assert f"报送截止：{timezone.localdate() + timedelta(days=5)}" in item.inner_text()
    assert "提交" in item.inner_text()
    assert item.get_by_role("link").get_attribute("href") == f"/app/self-assessment/{quote(name)}"

    # The bell: the office's message, read by opening it.
    page.get_by_test_id("bell").click()
    message = page.get_by_role("dialog", name="消息").get_by_role("button").filter(has_text="退回")
    message.first.wait_for()
    check_page(page, "todo-bell")
    message.first.click()
    page.wait_for_url(f"**/app/self-assessment/{quote(name)}")  # the address is percent-encoded
    page.wait_for_load_state("networkidle")
    assert page.get_by_test_id("unread-count").count() == 0
    check_page(page)

    # Logging out through the user menu leads to the login page.
    page.get_by_test_id("user-menu").click()
    page.get_by_role("menuitem", name="退出登录").click()
    page.wait_for_url("**/app/login")
    check_page(page, "logged-out")


def test_the_english_check_hears_what_a_screen_reader_says(workbench):
    """Labels a screen reader speaks count as text a user meets, on fixed elements (toasts, dialogs) too;
    elements not laid out or hidden from screen readers do not."""
    page = workbench.page(*PHONE)
    visit(page, "/login")
    page.evaluate(
        """() => document.body.insertAdjacentHTML('beforeend', `
            <div style="position: fixed; bottom: 0" aria-roledescription="Notification">
              <button aria-label="Close">×</button><span title="Dismiss">·</span>
            </div>
            <button style="display: none" aria-label="Hidden">·</button>
            <div aria-hidden="true"><span aria-label="Decoration">·</span></div>`)"""
    )
    assert english_words(visible_text(page)) == ["Close", "Dismiss", "Notification"]


def test_todo_is_empty_and_says_so_for_a_user_with_nothing_to_do(workbench):
    page = workbench.page(*PHONE)
    log_in(page, "xinfeng")
    visit(page, "/todo")
    assert "暂时没有等你办理的事项" in page.get_by_test_id("todo-empty").inner_text()


def test_the_first_page_stays_within_its_javascript_budget(workbench):
    page = workbench.page(*DESKTOP)
    log_in(page, "zhanggong")
    first_page_javascript(workbench, page, "/")


def test_an_unknown_address_shows_a_chinese_page_and_the_pages_answer_under_the_csp(workbench):
    page = workbench.page(*PHONE)
    log_in(page, "office")
    response = page.goto(f"{page.base_url}/app/no/such/page")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", name="页面不存在").is_visible()
    check_page(page, "not-found")
    assert page.get_by_role("navigation", name="主导航").locator("visible=true").get_by_role("link").all_inner_texts()[
        :2
    ] == [
        "仪表盘",
        "审核",
    ]
