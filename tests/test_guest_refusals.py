"""What a request that is not logged in hears, as Frappe v15 answers it.

Frappe runs a request with no session, or with a session cookie that no longer logs anyone in, as Guest:
what needs a login is then refused with PermissionError, a 403 (frappe/__init__.py ``is_whitelisted``; a
document's ``check_permission``), and a stale session adds ``"session_expired": 1`` and deletes the login
cookies (frappe/sessions.py ``get_session_record``). A 401 AuthenticationError is for credentials that were
sent and are wrong: a ``token key:secret`` or Basic pair, a Bearer token (frappe/auth.py ``validate_auth``),
a password. A logged-in user without the right gets the same 403 PermissionError, without
``session_expired``: the workbench tells the two apart by the session (apps/innovation_action/frontend/src/api.js).
"""

import base64
import json

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from rest_framework.test import APIClient

pytestmark = [pytest.mark.django_db]

GUEST_DOORS = [
    ("get", "/api/method/frappe.auth.get_logged_user", None),
    ("post", "/api/method/frappe.client.get_list", {"doctype": "Project"}),
    ("get", "/api/resource/Project", None),
    ("get", "/api/resource/Project/2023-P12", None),
    ("post", "/api/resource/Task", {"title": "x"}),
    ("post", "/", {"cmd": "frappe.auth.get_logged_user"}),  # the legacy door
    ("get", "/printview?doctype=Project&name=2023-P12", None),
]


def send(client, verb, path, data):
    if verb == "get":
        return client.get(path)
    return client.post(path, data, format="json") if path != "/" else client.post(path, data)


def refusal(response, status, exc_type) -> dict:
    assert response.status_code == status, response.content.decode()
    body = response.json()
    if "errors" in body:  # REST API v2
        assert body["errors"][0]["type"] == exc_type, body
    else:
        assert body["exc_type"] == exc_type, body
    return body


@pytest.mark.parametrize("verb, path, data", GUEST_DOORS)
def test_no_session_is_a_guest_refused_with_403(verb, path, data):
    body = refusal(send(APIClient(), verb, path, data), 403, "PermissionError")
    assert body["message"] == "请先登录" and "session_expired" not in body


def test_no_session_at_rest_api_v2():
    body = refusal(APIClient().get("/api/v2/document/Project"), 403, "PermissionError")
    assert body["errors"][0]["message"] == "请先登录"
    refusal(APIClient().post("/api/v2/method/frappe.auth.get_logged_user"), 403, "PermissionError")


@pytest.mark.parametrize("how", ["expired", "unknown"])
@pytest.mark.parametrize("verb, path, data", GUEST_DOORS[:4])
def test_a_stale_session_is_a_guest_with_session_expired(api, how, verb, path, data):
    client = api.as_user("zhanggong")
    if how == "expired":
        Session.objects.all().delete()  # as the session's end, or a logout on another device
    else:
        client.cookies[settings.SESSION_COOKIE_NAME] = "x" * 32  # a made-up session key
    response = send(client, verb, path, data)
    body = refusal(response, 403, "PermissionError")
    assert body["session_expired"] == 1 and body["message"] == "请先登录"
    # Frappe's clear_cookies: the dead session cookie and the readable login cookies go.
    for name in (settings.SESSION_COOKIE_NAME, "user_id", "full_name", "system_user"):
        assert response.cookies[name].value == "" and response.cookies[name]["max-age"] == 0, name


def test_a_stale_session_at_rest_api_v2_says_so_too(api):
    client = api.as_user("zhanggong")
    Session.objects.all().delete()
    body = refusal(client.get("/api/v2/document/Project"), 403, "PermissionError")
    assert body["session_expired"] == 1


def test_a_stale_session_may_still_call_what_guests_may(api):
    client = api.as_user("zhanggong")
    Session.objects.all().delete()
    assert client.get("/api/method/frappe.client.get_time_zone").status_code == 200


def test_a_logged_in_user_without_the_right_is_not_told_the_session_expired(api):
    client = api.as_user("zhanggong")
    response = client.post("/api/resource/County", {"name": "新县"}, format="json")
    body = refusal(response, 403, "PermissionError")
    assert "session_expired" not in body and body["message"] != "请先登录"
    assert "user_id" not in response.cookies  # still logged in: nothing is cleared


def token_client(header: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    return client


def keys(api) -> tuple[str, str]:
    pair = api.as_user("zhanggong").post("/api/method/frappe.core.doctype.user.user.generate_keys").json()["message"]
    return pair["api_key"], pair["api_secret"]


def test_wrong_token_credentials_are_401(api):
    key, secret = keys(api)
    wrong = [
        f"token {key}:wrong",
        f"token nobody:{secret}",
        "token " + key,  # no secret at all
        "Basic " + base64.b64encode(f"{key}:wrong".encode()).decode(),
        "Basic not-base64!",
    ]
    for header in wrong:
        for path in ("/api/method/frappe.auth.get_logged_user", "/api/resource/Project", "/api/v2/document/Project"):
            body = refusal(token_client(header).get(path), 401, "AuthenticationError")
            assert "session_expired" not in json.dumps(body), (header, path)
    assert token_client(f"token {key}:{secret}").get("/api/resource/Project").status_code == 200


def test_a_bad_bearer_token_is_401():
    for path in ("/api/method/frappe.auth.get_logged_user", "/api/resource/Project", "/"):
        client = token_client("Bearer made-up-token")
        response = client.post(path, {"cmd": "frappe.auth.get_logged_user"}) if path == "/" else client.get(path)
        body = refusal(response, 401, "AuthenticationError")
        assert "访问令牌" in body["message"]


def test_wrong_credentials_with_a_live_session_are_still_401(api):
    """Frappe checks a sent Authorization header whatever the session: wrong credentials are refused."""
    client = api.as_user("zhanggong")
    client.credentials(HTTP_AUTHORIZATION="token nobody:nothing")
    refusal(client.get("/api/resource/Project"), 401, "AuthenticationError")
