"""忘记密码: Frappe's reset_password and update_password (issue 15).

A clerk asks for a link by account name or email; the email (Django's locmem backend in tests) carries a
one-time link to /app/update-password?key=…; the key sets a new password once, and not after a day. The
answer to the request is the same whether or not the account exists, and requests are rate-limited. The
email goes out as a real RQ job on the site's Redis, run here by a worker in burst mode.
"""

import re
from datetime import datetime, timedelta
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import TestCase
from rq import SimpleWorker

from apps.innovation_action.services.demo_accounts import DEMO_PASSWORD
from apps.lowcode.auth import lockout, password_reset

pytestmark = [pytest.mark.django_db, pytest.mark.redis]
RESET = "/api/method/frappe.core.doctype.user.user.reset_password"
UPDATE = "/api/method/frappe.core.doctype.user.user.update_password"
LOGIN = "/api/method/login"
NEW_PASSWORD = "Ganzhou-new-2026"
ADDRESS = "198.51.100.20"


@pytest.fixture
def office():
    user = get_user_model().objects.get(username="office")
    user.email = "office@example.cn"
    user.save(update_fields=["email"])
    return user


@pytest.fixture(autouse=True)
def queue(redis_queue):
    return redis_queue


def home_page(user) -> str:
    """What login answers as the user's home page: the admin for desk users, else the workbench."""
    return "/admin/" if user.is_staff else "/app/"


def ask(api, user, address=ADDRESS):
    """Ask for a link, and run the jobs the request queued (when its transaction commits)."""
    import django_rq

    with TestCase.captureOnCommitCallbacks(execute=True):
        answer = api.post(RESET, {"user": user}, format="json", REMOTE_ADDR=address)
    queue = django_rq.get_queue("default")
    SimpleWorker([queue], connection=queue.connection).work(burst=True)
    return answer


def update(api, **params):
    return api.post(UPDATE, params, format="json", REMOTE_ADDR=ADDRESS)


def key_in(message) -> str:
    match = re.search(r"http://testserver/app/update-password\?key=([\w.\-]+)", message.body)
    assert match, message.body
    return match[1]


def logs_in(api_factory, password) -> bool:
    return api_factory().post(LOGIN, {"usr": "office", "pwd": password}, format="json").status_code == 200


@pytest.fixture
def fresh_api():
    from rest_framework.test import APIClient

    return APIClient


def test_a_link_by_email_sets_the_password_once(api, office, fresh_api):
    answer = ask(api, "office")
    assert answer.status_code == 200
    assert answer.json()["message"] == password_reset.SENT
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["office@example.cn"]
    assert "重置密码" in email.subject and "链接只能使用一次" in email.body and "24 小时内" in email.body
    key = key_in(email)

    done = update(api, key=key, new_password=NEW_PASSWORD)
    assert done.status_code == 200, done.content
    assert done.json()["message"] == home_page(office)
    assert logs_in(fresh_api, NEW_PASSWORD) and not logs_in(fresh_api, DEMO_PASSWORD)

    again = update(api, key=key, new_password="Another-pass-2026")
    assert again.status_code == 410
    assert again.json()["exc_type"] == "LinkExpired"
    assert "链接无效、已使用过或已过期" in again.json()["_server_messages"]
    assert logs_in(fresh_api, NEW_PASSWORD)


def test_the_account_may_be_named_by_its_email(api, office):
    assert ask(api, "OFFICE@example.cn").json()["message"] == password_reset.SENT
    assert [m.to for m in mail.outbox] == [["office@example.cn"]]


def test_no_account_enumeration(api, office, caplog):
    """Unknown, inactive and email-less accounts get the very same answer, and no email is sent."""
    caplog.set_level("INFO", logger="apps.lowcode.auth.password_reset")
    reviewer = get_user_model().objects.exclude(username="office").filter(is_active=True).first()
    reviewer.email = ""
    reviewer.save(update_fields=["email"])
    inactive = get_user_model().objects.create_user("gone", email="gone@example.cn", is_active=False)
    answers = [ask(api, name, address=f"192.0.2.{i}") for i, name in enumerate(["nobody", inactive.username])]
    answers.append(ask(api, reviewer.username, address="192.0.2.9"))
    assert {(a.status_code, a.content) for a in answers} == {(200, ask(api, "office").content)}
    assert [m.to for m in mail.outbox] == [["office@example.cn"]]
    assert f"password reset asked for {reviewer.username}, who has no email address" in caplog.text


def test_an_expired_key_is_refused(api, office, fresh_api):
    ask(api, "office")
    key = key_in(mail.outbox[0])
    later = datetime.now() + timedelta(days=1, minutes=1)  # the token generator's clock: naive local time
    with mock.patch.object(password_reset.default_token_generator, "_now", return_value=later):
        refused = update(api, key=key, new_password=NEW_PASSWORD)
    assert refused.status_code == 410
    assert logs_in(fresh_api, DEMO_PASSWORD)


@pytest.mark.parametrize("key", ["", "x", "abc.def", "Mw.zzz-zzz", "..", "ZmFrZQ.1-2"])
def test_malformed_keys_are_a_clear_4xx(api, office, key):
    answer = update(api, key=key, new_password=NEW_PASSWORD)
    assert 400 <= answer.status_code < 500
    assert re.search(r"[\u4e00-\u9fff]", answer.json()["_server_messages"])


def test_a_weak_password_is_refused_in_chinese_and_keeps_the_key(api, office, fresh_api):
    ask(api, "office")
    key = key_in(mail.outbox[0])
    weak = update(api, key=key, new_password="123")
    assert weak.status_code == 417
    messages = weak.json()["_server_messages"]
    assert "密码太短，至少要有 8 个字符" in messages and "密码只包含数字" in messages
    assert update(api, key=key, new_password=NEW_PASSWORD).status_code == 200


def test_a_password_change_makes_an_earlier_link_useless(api, office):
    ask(api, "office")
    key = key_in(mail.outbox[0])
    office.set_password("Changed-elsewhere-1")
    office.save()
    assert update(api, key=key, new_password=NEW_PASSWORD).status_code == 410


def test_requests_are_limited_per_account_and_per_address(api, office):
    for _ in range(password_reset.MAX_PER_ACCOUNT):
        assert ask(api, "office").status_code == 200
    refused = ask(api, "office", address="203.0.113.77")  # another address: still the same account
    assert refused.status_code == 429
    assert "过于频繁" in refused.json()["_server_messages"]
    assert len(mail.outbox) == password_reset.MAX_PER_ACCOUNT
    # One address probing many names is stopped too, known or not.
    statuses = [ask(api, f"name{i}", address="203.0.113.99").status_code for i in range(12)]
    assert statuses == [200] * password_reset.MAX_PER_ADDRESS + [429, 429]


def test_bad_input_is_a_clear_4xx(api):
    for body in ({}, {"user": ""}, {"user": ["office"]}):
        answer = api.post(RESET, body, format="json")
        assert answer.status_code == 417, answer.content
    assert update(api, new_password=NEW_PASSWORD).status_code == 401  # no key, not logged in
    assert update(api, key="abc").status_code == 417  # no new password


def test_a_logged_in_user_changes_the_password_and_other_sessions_end(api, office, fresh_api):
    other = fresh_api()
    other.post(LOGIN, {"usr": "office", "pwd": DEMO_PASSWORD}, format="json")
    assert other.get("/api/method/frappe.auth.get_logged_user").status_code == 200
    api.as_user("office")
    key_pair = api.post("/api/method/frappe.core.doctype.user.user.generate_keys", format="json").json()["message"]

    wrong = update(api, old_password="not-it", new_password=NEW_PASSWORD)
    assert wrong.status_code == 417 and "原密码不正确" in wrong.json()["_server_messages"]
    assert update(api, new_password=NEW_PASSWORD).status_code == 417  # the old password is required
    done = update(api, old_password=DEMO_PASSWORD, new_password=NEW_PASSWORD)
    assert done.status_code == 200 and done.json()["message"] == home_page(office)

    assert api.get("/api/method/frappe.auth.get_logged_user").json()["message"] == "office"  # this one stays
    assert other.get("/api/method/frappe.auth.get_logged_user").status_code in (401, 403)  # the other ended
    token = fresh_api()
    token.credentials(HTTP_AUTHORIZATION=f"token {key_pair['api_key']}:{key_pair['api_secret']}")
    assert token.get("/api/method/frappe.auth.get_logged_user").json()["message"] == "office"  # keys stay
    assert logs_in(fresh_api, NEW_PASSWORD)


def test_wrong_old_passwords_meet_the_login_lockout(api, office):
    api.as_user("office")
    statuses = [
        update(api, old_password="wrong", new_password=NEW_PASSWORD).status_code for _ in range(lockout.MAX_FAILURES)
    ]
    assert statuses == [417] * lockout.MAX_FAILURES
    locked = update(api, old_password=DEMO_PASSWORD, new_password=NEW_PASSWORD)
    assert locked.status_code == 429
