"""忘记密码 in the workbench, in a real browser: the link on the login page, the email's link, a new password
set twice, the login with it; and 修改密码 in the user menu (issue 15). At a phone and a desktop width."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from rq import SimpleWorker

from tests.workbench import DESKTOP, PHONE, app_url, check_page, log_in, workbench  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.redis, pytest.mark.django_db(transaction=True)]
SIZES = pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
NEW_PASSWORD = "Zhanggong-new-2026"


@SIZES
def test_a_forgotten_password_is_reset_through_the_emailed_link(workbench, redis_queue, size):
    get_user_model().objects.filter(username="zhanggong").update(email="zhanggong@example.cn")
    page = workbench.page(*size)
    page.goto(app_url(page, "/login"))
    page.get_by_label("账号").fill("zhanggong")
    page.get_by_role("link", name="忘记密码？").click()
    page.wait_for_url("**/app/forgot-password?user=zhanggong")
    assert page.get_by_label("账号或邮箱").input_value() == "zhanggong"  # carried over from the login page
    page.get_by_role("button", name="发送重置链接").click()
    page.get_by_test_id("reset-sent").get_by_text(
        "如果该账号存在并登记了邮箱，重置密码的链接已发送到其邮箱。"
    ).wait_for()
    check_page(page, "forgot-password-sent")
    SimpleWorker([redis_queue], connection=redis_queue.connection).work(burst=True)  # the email's job
    assert [m.to for m in mail.outbox] == [["zhanggong@example.cn"]]
    link = re.search(r"http://\S+/app/update-password\?key=\S+", mail.outbox[0].body)[0]

    page.goto(link)
    page.get_by_role("heading", name="设置新密码").wait_for()
    check_page(page, "update-password")
    page.get_by_label("新密码", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("再次输入新密码").fill("something-else-1")
    page.get_by_role("button", name="保存新密码").click()
    page.get_by_text("两次输入的新密码不一致").wait_for()
    page.get_by_label("新密码", exact=True).fill("12345678")
    page.get_by_label("再次输入新密码").fill("12345678")
    page.get_by_role("button", name="保存新密码").click()
    page.get_by_text("密码只包含数字").wait_for()  # Django's rules, in Chinese, from the server
    check_page(page, "update-password-weak", expected_errors=["417 (Expectation Failed)"])
    page.get_by_label("新密码", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("再次输入新密码").fill(NEW_PASSWORD)
    page.get_by_role("button", name="保存新密码").click()
    page.wait_for_url("**/app/login?reset=1")
    page.get_by_text("密码已重置，请用新密码登录。").wait_for()
    check_page(page, "login-after-reset")

    # The link was used: opening it again says so and offers a new one.
    again = workbench.page(*size)
    again.goto(link)
    again.get_by_label("新密码", exact=True).fill("Another-pass-2026")
    again.get_by_label("再次输入新密码").fill("Another-pass-2026")
    again.get_by_role("button", name="保存新密码").click()
    again.get_by_text("重置密码的链接无效、已使用过或已过期，请重新申请。").wait_for()
    again.get_by_role("link", name="重新申请重置链接").wait_for()
    check_page(again, "update-password-used", expected_errors=["410 (Gone)"])

    log_in(page, "zhanggong", NEW_PASSWORD)


@SIZES
def test_a_logged_in_user_changes_the_password_from_the_user_menu(workbench, size):
    page = workbench.page(*size)
    log_in(page, "zhanggong")
    page.get_by_test_id("user-menu").click()
    page.get_by_role("menuitem", name="修改密码").click()
    dialog = page.get_by_role("dialog", name="修改密码")
    dialog.get_by_label("原密码").fill("wrong-password")
    dialog.get_by_label("新密码", exact=True).fill(NEW_PASSWORD)
    dialog.get_by_label("再次输入新密码").fill(NEW_PASSWORD)
    dialog.get_by_role("button", name="保存新密码").click()
    dialog.get_by_text("原密码不正确").wait_for()
    check_page(page, "change-password-wrong", expected_errors=["417 (Expectation Failed)"])
    dialog.get_by_label("原密码").fill("ganzhou2023")
    dialog.get_by_role("button", name="保存新密码").click()
    page.get_by_text("密码已修改").wait_for()
    dialog.wait_for(state="hidden")
    check_page(page, "change-password-done")
    page.reload()  # this session stays logged in
    page.wait_for_load_state("networkidle")
    assert "/app/login" not in page.url
    fresh = workbench.page(*size)
    log_in(fresh, "zhanggong", NEW_PASSWORD)
