"""Logging in for an OAuth app, and being logged out, in a real browser at a desktop and a phone width.

An app sends its user to Frappe's authorize address; a guest goes through Frappe's /login to the workbench's
sign-in page, logs in there and comes back to the consent page (允许/拒绝), then to the app with its code.
The sign-in page only ever returns to a page of this site. And when the session ends under an open
workbench (it expires, or the cookies go), the next request sends the user to log in again: the server
answers Frappe's 403 for a guest, and the workbench reads it as logged out (src/api.js).
"""

import re
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.contrib.sessions.models import Session

from tests.test_oauth import REDIRECT, authorize_path, pkce, register
from tests.workbench import DESKTOP, PHONE, app_url, check_page, log_in, workbench  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SIZES = pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])


def sign_in(page, username="zhanggong"):
    page.get_by_label("账号").fill(username)
    page.get_by_label("密码").fill("ganzhou2023")
    page.get_by_role("button", name="登录").click()


@SIZES
def test_a_guest_logs_in_for_an_app_and_comes_back_to_consent(workbench, size):
    client = register()
    _verifier, challenge = pkce()
    authorize = authorize_path(client, challenge)
    page = workbench.page(*size)

    page.goto(workbench.base_url + authorize)
    page.wait_for_url(re.compile(r"/app/login\?redirect-to="))
    assert parse_qs(urlsplit(page.url).query) == {"redirect-to": [authorize]}
    page.get_by_role("heading", name="登录工作台").wait_for()
    assert "请登录，以便授权应用使用你的账号" not in page.content()
    check_page(page, "login-for-oauth")

    sign_in(page)
    page.wait_for_url(re.compile(r"/api/method/frappe\.integrations\.oauth2\.authorize\?"))
    page.get_by_role("heading", name="确认授权").wait_for()
    assert "移动端应用" in page.content()
    check_page(page, "oauth-consent")

    # The app's address (nothing listens there): the browser is sent to it, the page's CSP allowing it.
    with page.expect_request(lambda request: request.url.startswith(REDIRECT)) as back:
        page.get_by_role("button", name="允许").click()
    params = parse_qs(urlsplit(back.value.url).query)
    assert params["state"] == ["xyz"] and params["code"][0]

    # Logged in, the sign-in page with a way back goes straight there (a new tab: this one is failing to reach
    # the app, which nothing serves).
    again = page.context.new_page()
    again.goto(app_url(page, "/login?" + urlencode({"redirect-to": authorize})))
    again.wait_for_url(re.compile(r"/api/method/frappe\.integrations\.oauth2\.authorize\?"))
    again.get_by_role("heading", name="确认授权").wait_for()


# Each is refused by the page itself (src/links.js sameSitePath), as /login refuses them on the server.
ELSEWHERE = ["https://evil.example/", "//evil.example/x", "/\\evil.example", "/.//evil.example", "javascript:alert(1)"]


def test_the_sign_in_page_never_sends_anyone_off_the_site(workbench):
    for target in ELSEWHERE:
        page = workbench.page(*DESKTOP)
        away = []

        def refuse(route, *, away=away):  # keyword-only: Playwright passes a second positional (the request)
            away.append(route.request.url)
            route.abort()

        # Matched by host: the sign-in page's own address names evil.example in its query.
        page.route(lambda url: urlsplit(url).hostname == "evil.example", refuse)
        page.goto(app_url(page, "/login?" + urlencode({"redirect-to": target})))
        sign_in(page)
        page.wait_for_url(re.compile(r"/app/(?!login)"))
        page.wait_for_load_state("networkidle")
        assert urlsplit(page.url).netloc == urlsplit(workbench.base_url).netloc and away == [], target
        page.context.close()


@pytest.mark.parametrize("size, how", [(DESKTOP, "expired"), (PHONE, "cookies-gone")], ids=["expired", "cookies-gone"])
def test_an_ended_session_sends_the_workbench_to_log_in(workbench, size, how):
    page = workbench.page(*size)
    log_in(page, "zhanggong")
    if how == "expired":
        Session.objects.all().delete()  # Frappe's 403 then carries session_expired
    else:
        page.context.clear_cookies()  # logged out elsewhere in this browser: a plain guest's 403
    with page.expect_response(lambda response: response.status == 403):  # Frappe's PermissionError, for a guest
        page.get_by_role("link", name="月度调度", exact=True).filter(visible=True).first.click()
    page.wait_for_url(re.compile(r"/app/login\?next="))
    assert parse_qs(urlsplit(page.url).query) == {"next": ["/monthly"]}
    page.get_by_role("heading", name="登录工作台").wait_for()
    sign_in(page)
    page.wait_for_url(re.compile(r"/app/monthly$"))
