"""The login lockout counts per user name and client address (issue 14).

Counting by name alone let anyone lock the office out: five wrong passwords
for ``office`` from anywhere, and the real office could not log in for 15
minutes. Now the wrong passwords lock ``office`` at the address they came
from; the office at its own address logs in. Both doors — /api/method/login
and the admin's login page — meet the same lock (the authentication backend)
and say in Chinese when to try again.
"""

import re
from datetime import timedelta

import pytest
from django.test import RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone

from apps.innovation_action.services.demo_accounts import DEMO_PASSWORD
from apps.lowcode.auth import lockout
from apps.lowcode.auth.client_address import client_address

pytestmark = pytest.mark.django_db
LOGIN = "/api/method/login"
ATTACKER, OFFICE = "203.0.113.5", "198.51.100.7"
LOCKED = re.compile(
    r"^登录失败次数过多，该账号在你当前的网络上已被暂时锁定；请在 (\d+) 分钟后（(\d\d:\d\d) 以后）再试$"
)


def api_login(api, password, address, **headers):
    return api.post(LOGIN, {"usr": "office", "pwd": password}, format="json", REMOTE_ADDR=address, **headers)


def admin_login(client, password, address, **headers):
    return client.post(
        reverse("admin:login"),
        {"username": "office", "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
        **headers,
    )


def fail_five_times(api, address=ATTACKER, **headers):
    statuses = [api_login(api, "wrong-password", address, **headers).status_code for _ in range(lockout.MAX_FAILURES)]
    assert statuses == [401] * lockout.MAX_FAILURES  # as Frappe answers: the next attempt is told it is locked


def assert_says_when(message: str) -> None:
    match = LOCKED.match(message)
    assert match, message
    assert match[1] == str(lockout.LOCKOUT_SECONDS // 60)
    end = timezone.localtime() + timedelta(seconds=lockout.LOCKOUT_SECONDS)
    assert match[2] in {f"{end:%H:%M}", f"{end - timedelta(minutes=1):%H:%M}"}


def test_wrong_passwords_from_one_address_do_not_lock_out_the_office_elsewhere(api):
    fail_five_times(api)
    refused = api_login(api, DEMO_PASSWORD, ATTACKER)
    assert refused.status_code == 429 and refused.json()["exc_type"] == "TooManyRequestsError"
    assert_says_when(refused.json()["message"])

    response = api_login(api, DEMO_PASSWORD, OFFICE)
    assert response.status_code == 200 and response.json()["message"] == "Logged In"


def test_the_admin_login_meets_the_same_lock_and_says_when(api, client):
    fail_five_times(api)  # through the API
    page = admin_login(client, DEMO_PASSWORD, ATTACKER)
    assert page.status_code == 200 and "_auth_user_id" not in client.session
    errors = page.context["form"].non_field_errors()
    assert len(errors) == 1
    assert_says_when(errors[0])
    assert admin_login(client, DEMO_PASSWORD, OFFICE).status_code == 302  # logged in, at the office's address


def test_the_admin_login_counts_its_own_failures(client):
    pages = [admin_login(client, "wrong-password", ATTACKER) for _ in range(lockout.MAX_FAILURES)]
    assert all("请输入" in page.context["form"].non_field_errors()[0] for page in pages)  # Django's "wrong password"
    page = admin_login(client, DEMO_PASSWORD, ATTACKER)
    assert page.status_code == 200 and "_auth_user_id" not in client.session
    assert_says_when(page.context["form"].non_field_errors()[0])
    assert admin_login(client, DEMO_PASSWORD, OFFICE).status_code == 302


def test_a_successful_login_forgets_the_failures(api):
    for _ in range(lockout.MAX_FAILURES - 1):
        assert api_login(api, "wrong-password", OFFICE).status_code == 401
    assert api_login(api, DEMO_PASSWORD, OFFICE).status_code == 200
    for _ in range(lockout.MAX_FAILURES - 1):
        assert api_login(api, "wrong-password", OFFICE).status_code == 401
    assert api_login(api, DEMO_PASSWORD, OFFICE).status_code == 200


def test_a_forwarded_for_header_is_ignored_without_trusted_proxies(api):
    # A client cannot escape the count by inventing addresses…
    for n in range(lockout.MAX_FAILURES):
        api_login(api, "wrong-password", ATTACKER, HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")
    assert api_login(api, DEMO_PASSWORD, ATTACKER, HTTP_X_FORWARDED_FOR="10.0.0.99").status_code == 429
    # …nor frame the office by naming its address.
    for _ in range(lockout.MAX_FAILURES):
        api_login(api, "wrong-password", ATTACKER, HTTP_X_FORWARDED_FOR=OFFICE)
    assert api_login(api, DEMO_PASSWORD, OFFICE).status_code == 200


@override_settings(TRUSTED_PROXIES=["127.0.0.1", "10.0.0.0/8"])
def test_behind_a_trusted_proxy_the_client_is_the_forwarded_address(api):
    proxy = {"HTTP_X_FORWARDED_FOR": f"{ATTACKER}, 10.1.2.3"}  # the client, then an inner proxy
    fail_five_times(api, "127.0.0.1", **proxy)
    assert api_login(api, DEMO_PASSWORD, "127.0.0.1", **proxy).status_code == 429
    # The office comes through the same proxies, from its own address.
    office = {"HTTP_X_FORWARDED_FOR": OFFICE}
    assert api_login(api, DEMO_PASSWORD, "127.0.0.1", **office).status_code == 200
    # An address the client wrote itself, left of the real one, changes nothing.
    spoofed = {"HTTP_X_FORWARDED_FOR": f"192.0.2.1, {ATTACKER}"}
    assert api_login(api, DEMO_PASSWORD, "127.0.0.1", **spoofed).status_code == 429


def test_client_address():
    factory = RequestFactory()
    assert client_address(None) == ""
    assert client_address(factory.get("/", REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR=OFFICE)) == ATTACKER
    with override_settings(TRUSTED_PROXIES=["127.0.0.1"]):
        forwarded = factory.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=f"{OFFICE}, {ATTACKER}")
        assert client_address(forwarded) == ATTACKER  # the rightmost hop the trusted proxy saw
        assert (
            client_address(factory.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=f"{OFFICE}, junk"))
            == "127.0.0.1"
        )
        assert client_address(factory.get("/", REMOTE_ADDR=OFFICE, HTTP_X_FORWARDED_FOR=ATTACKER)) == OFFICE
        assert client_address(factory.get("/", REMOTE_ADDR="127.0.0.1")) == "127.0.0.1"
