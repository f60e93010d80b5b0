"""Frappe's OAuth 2 provider (frappe.integrations.oauth2.*) and bearer tokens at every door of the API.

A live server and a real HTTP client (requests): an administrator registers a client, zhanggong logs in
and approves it (authorization code with PKCE), the app's access token then reads through the API exactly
what zhanggong may read, is refreshed, and revoked. frappe-js-sdk lists documents with the token.
"""

import base64
import hashlib
import json
import re
import secrets
from html import unescape
from urllib.parse import parse_qs, quote, urlencode, urlsplit

import pytest
import requests
from django.contrib.auth.models import User

from apps.innovation_action.services.demo_accounts import DEMO_PASSWORD, create_demo_accounts
from apps.innovation_action.services.plan_loader import load_plan
from apps.lowcode.models import OAuthClient
from tests.conftest import PLAN_FOLDER
from tests.node_client import run_script
from tests.test_workflow_api import create_assessment

OAUTH = "/api/method/frappe.integrations.oauth2."
REDIRECT = "http://127.0.0.1:9/callback"
SECRET = "s3cret-of-the-server-side-app-0123456789"


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
    return verifier, challenge


def register(name="移动端应用", client_type=OAuthClient.CLIENT_PUBLIC, grant=OAuthClient.GRANT_AUTHORIZATION_CODE):
    return OAuthClient.objects.create(
        name=name,
        client_id=f"client-{secrets.token_hex(6)}",
        client_secret=SECRET,
        client_type=client_type,
        authorization_grant_type=grant,
        redirect_uris=REDIRECT,
        user=User.objects.get(username="admin"),
    )


def logged_in(base: str, username: str, next_path: str) -> tuple[requests.Session, requests.Response]:
    """A guest sent to log in by ``next_path``, as a browser goes: Frappe's /login, on to the workbench's sign-in
    page with the way back in ``redirect-to``; the page logs in through Frappe's login method and returns there
    (the page's part is run in Chromium by test_oauth_browser.py)."""
    session = requests.Session()
    first = session.get(base + next_path, allow_redirects=False)
    assert first.status_code == 302, first.text
    login_url = first.headers["Location"]
    assert login_url.startswith("/login?redirect-to=")  # Frappe's login page and parameter
    page = session.get(base + login_url, allow_redirects=False)
    assert page.status_code == 302, page.text
    sign_in = urlsplit(page.headers["Location"])
    assert sign_in.path == "/app/login" and parse_qs(sign_in.query) == {"redirect-to": [next_path]}
    assert session.get(base + page.headers["Location"]).status_code == 200  # the workbench's page
    answer = session.post(base + "/api/method/login", json={"usr": username, "pwd": DEMO_PASSWORD})
    assert answer.json()["message"] == "Logged In", answer.text
    # Logged in, /login itself sends straight back.
    again = session.get(base + login_url, allow_redirects=False)
    assert again.status_code == 302 and again.headers["Location"] == next_path, again.text
    return session, session.get(base + next_path, allow_redirects=False)


def authorize_path(client, challenge, state="xyz", redirect_uri=REDIRECT, scope="all openid") -> str:
    params = {
        "client_id": client.client_id,
        "response_type": "code",
        "redirect_uri": redirect_uri,
        "scope": scope,
        "state": state,
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    return OAUTH + "authorize?" + urlencode(params, quote_via=quote)


def consent(session, base, page, allow: str) -> dict:
    """Press 允许 (allow="1") or 拒绝 on the consent page; the parameters the client is sent back with."""
    action = unescape(re.search(r'<form method="post" action="([^"]+)"', page.text).group(1))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    answer = session.post(base + action, {"csrfmiddlewaretoken": token, "allow": allow}, allow_redirects=False)
    assert answer.status_code == 302, answer.text
    location = urlsplit(answer.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT
    return {k: v[0] for k, v in parse_qs(location.query).items()}


def token_request(base, **form) -> requests.Response:
    return requests.post(base + OAUTH + "get_token", data=form)


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def site(live_server):
    load_plan(PLAN_FOLDER)  # a transactional test starts from an empty database
    create_demo_accounts()
    mine = create_assessment("zhanggong", "章贡区")
    theirs = create_assessment("xinfeng", "信丰县")
    return live_server.url, mine["name"], theirs["name"]


@pytest.mark.django_db(transaction=True)
def test_authorization_code_with_pkce_refresh_and_revoke(site):
    base, mine, theirs = site
    client = register()
    verifier, challenge = pkce()

    # A guest is sent to log in and comes back to the consent page, in Chinese.
    session, page = logged_in(base, "zhanggong", authorize_path(client, challenge))
    assert page.status_code == 200, page.text
    assert "移动端应用" in page.text and "允许" in page.text and "拒绝" in page.text
    # Browsers hold the form's redirect to the page's form-action: the app's address is allowed, here only.
    assert "form-action 'self' http://127.0.0.1:9;" in page.headers["Content-Security-Policy"] + ";"

    params = consent(session, base, page, allow="1")
    assert params["state"] == "xyz" and params["code"]

    # The code alone is not enough: PKCE's verifier must match the challenge.
    wrong = token_request(
        base,
        grant_type="authorization_code",
        code=params["code"],
        redirect_uri=REDIRECT,
        client_id=client.client_id,
        code_verifier="x" * 50,
    )
    assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_grant", wrong.text
    assert "授权码" in wrong.json()["error_description"]
    # A failed exchange burns the code (oauthlib): ask again, as the client would.
    params = consent(session, base, session.get(base + authorize_path(client, challenge)), allow="1")

    answer = token_request(
        base,
        grant_type="authorization_code",
        code=params["code"],
        redirect_uri=REDIRECT,
        client_id=client.client_id,
        code_verifier=verifier,
    )
    assert answer.status_code == 200, answer.text
    token = answer.json()
    assert token["token_type"] == "Bearer" and token["expires_in"] == 3600
    assert set(token["scope"].split()) == {"all", "openid"} and token["refresh_token"]
    access = token["access_token"]

    # The token is zhanggong's: 章贡区's records and nothing of another county's, at every door.
    listed = requests.get(
        base + "/api/resource/SelfAssessment", {"fields": json.dumps(["name", "county"])}, headers=bearer(access)
    )
    assert listed.status_code == 200, listed.text
    rows = listed.json()["data"]
    assert mine in [r["name"] for r in rows] and theirs not in [r["name"] for r in rows]
    assert {r["county"] for r in rows} == {"章贡区"}
    other = requests.get(f"{base}/api/resource/SelfAssessment/{theirs}", headers=bearer(access))
    assert other.status_code in (403, 404) and other.json()["exc_type"] in ("PermissionError", "DoesNotExistError")
    v2 = requests.get(base + "/api/v2/document/SelfAssessment", headers=bearer(access))
    assert v2.status_code == 200 and {r["name"] for r in v2.json()["data"]} == {r["name"] for r in rows}, v2.text
    method = requests.get(base + "/api/method/frappe.auth.get_logged_user", headers=bearer(access))
    assert method.json() == {"message": "zhanggong"}
    legacy = requests.post(base + "/", data={"cmd": "frappe.auth.get_logged_user"}, headers=bearer(access))
    assert legacy.json() == {"message": "zhanggong"}, legacy.text

    profile = requests.get(base + OAUTH + "openid_profile", headers=bearer(access)).json()
    assert profile["sub"] == "zhanggong" and profile["iss"] == base and isinstance(profile["roles"], list)
    introspected = requests.post(base + OAUTH + "introspect_token", data={"token": access}).json()
    assert introspected["active"] is True and introspected["client_id"] == client.client_id
    assert requests.post(base + OAUTH + "introspect_token", data={"token": "nope"}).json() == {"active": False}

    # Refresh: a new access token that works; the old refresh token is used up.
    refreshed = token_request(
        base, grant_type="refresh_token", refresh_token=token["refresh_token"], client_id=client.client_id
    )
    assert refreshed.status_code == 200, refreshed.text
    new_access = refreshed.json()["access_token"]
    assert new_access != access
    assert requests.get(base + "/api/method/frappe.auth.get_logged_user", headers=bearer(new_access)).ok
    again = token_request(
        base, grant_type="refresh_token", refresh_token=token["refresh_token"], client_id=client.client_id
    )
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant", again.text

    # Revoked: Frappe's 200 {}, and the token opens nothing any more (401, Frappe's shape, Chinese).
    revoked = requests.post(base + OAUTH + "revoke_token", data={"token": new_access, "client_id": client.client_id})
    assert (revoked.status_code, revoked.json()) == (200, {})
    refused = requests.get(base + "/api/resource/SelfAssessment", headers=bearer(new_access))
    assert refused.status_code == 401, refused.text
    body = refused.json()
    assert body["exc_type"] == "AuthenticationError" and "访问令牌" in body["message"]
    unknown = requests.get(base + "/api/method/frappe.auth.get_logged_user", headers=bearer("made-up"))
    assert unknown.status_code == 401 and unknown.json()["exc_type"] == "AuthenticationError"


@pytest.mark.django_db(transaction=True)
def test_refusals_answer_in_json(site):
    base = site[0]
    public = register()
    confidential = register("服务器端应用", OAuthClient.CLIENT_CONFIDENTIAL)
    verifier, challenge = pkce()
    session, page = logged_in(base, "zhanggong", authorize_path(confidential, challenge))

    # 拒绝: the client hears access_denied, with its state.
    assert consent(session, base, page, allow="0") == {"error": "access_denied", "state": "xyz"}

    # A redirect address that was not registered: 400 JSON, never a redirect there.
    stray = session.get(
        base + authorize_path(public, challenge, redirect_uri="http://evil.example/cb"), allow_redirects=False
    )
    assert stray.status_code == 400, stray.text
    assert stray.json()["error"] == "invalid_request" and "重定向地址" in stray.json()["description"]
    unknown = session.get(base + OAUTH + "authorize?" + urlencode({"client_id": "nobody", "response_type": "code"}))
    assert unknown.status_code in (400, 401) and "client_id" in unknown.json()["description"], unknown.text

    # The confidential client's code with a wrong secret: 401 invalid_client, described in Chinese.
    params = consent(session, base, session.get(base + authorize_path(confidential, challenge)), allow="1")
    wrong = requests.post(
        base + OAUTH + "get_token",
        data={"grant_type": "authorization_code", "code": params["code"], "redirect_uri": REDIRECT},
        auth=(confidential.client_id, "wrong-secret"),
    )
    assert wrong.status_code == 401 and wrong.json()["error"] == "invalid_client", wrong.text
    assert "client_secret" in wrong.json()["error_description"]
    # The right secret (HTTP Basic, as Frappe's docs show) but another redirect address than the code's.
    moved = requests.post(
        base + OAUTH + "get_token",
        data={
            "grant_type": "authorization_code",
            "code": params["code"],
            "redirect_uri": "http://127.0.0.1:9/other",
            "code_verifier": verifier,
        },
        auth=(confidential.client_id, SECRET),
    )
    assert 400 <= moved.status_code < 500 and "error" in moved.json(), moved.text
    assert token_request(base, grant_type="magic", client_id=public.client_id).json()["error"] in (
        "unsupported_grant_type",
        "invalid_client",
    )


@pytest.mark.django_db(transaction=True)
def test_password_grant_for_a_client_registered_for_it(site):
    base, mine, theirs = site
    client = register("内部脚本", OAuthClient.CLIENT_CONFIDENTIAL, OAuthClient.GRANT_PASSWORD)
    form = {"grant_type": "password", "username": "zhanggong", "password": DEMO_PASSWORD}
    answer = requests.post(base + OAUTH + "get_token", data=form, auth=(client.client_id, SECRET))
    assert answer.status_code == 200, answer.text
    rows = requests.get(base + "/api/resource/SelfAssessment", headers=bearer(answer.json()["access_token"])).json()[
        "data"
    ]
    assert mine in [r["name"] for r in rows] and theirs not in [r["name"] for r in rows]
    wrong = requests.post(
        base + OAUTH + "get_token", data={**form, "password": "wrong"}, auth=(client.client_id, SECRET)
    )
    assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_grant", wrong.text
    # An authorization-code client may not take passwords.
    other = register("移动端应用", OAuthClient.CLIENT_CONFIDENTIAL)
    refused = requests.post(base + OAUTH + "get_token", data=form, auth=(other.client_id, SECRET))
    assert refused.status_code in (400, 401) and refused.json()["error"] == "unauthorized_client", refused.text


@pytest.mark.django_db(transaction=True)
def test_frappe_js_sdk_with_a_bearer_token(site):
    base, mine, theirs = site
    client = register("移动端应用", OAuthClient.CLIENT_CONFIDENTIAL, OAuthClient.GRANT_PASSWORD)
    answer = requests.post(
        base + OAUTH + "get_token",
        data={"grant_type": "password", "username": "zhanggong", "password": DEMO_PASSWORD},
        auth=(client.client_id, SECRET),
    )
    results = run_script("bearer.mjs", base, answer.json()["access_token"], "SelfAssessment")
    assert "error" not in results, results
    names = [r["name"] for r in results["list"]]
    assert mine in names and theirs not in names and {r["county"] for r in results["list"]} == {"章贡区"}
    assert results["count"] == len(names) and results["user"] == "zhanggong"
    assert results["wrongToken"]["httpStatus"] == 401
    assert results["wrongToken"]["exc_type"] == "AuthenticationError"


# The database, too: any request may look at the customisation stamp (CustomizationMiddleware), when the
# cache has none (emptied by the test before).
@pytest.mark.django_db
def test_openid_configuration_names_frappes_endpoints(client):
    config = client.get("/.well-known/openid-configuration").json()
    assert config["token_endpoint"].endswith("/api/method/frappe.integrations.oauth2.get_token")
    assert config["authorization_endpoint"].endswith("/api/method/frappe.integrations.oauth2.authorize")
    assert config["code_challenge_methods_supported"][0] == "S256"


@pytest.mark.django_db
def test_administrators_register_clients_in_chinese(client):
    client.force_login(User.objects.get(username="admin"))
    index = client.get("/admin/").content.decode()
    assert "OAuth 客户端" in index and "Django OAuth Toolkit" not in index and "Applications" not in index
    assert client.get("/admin/oauth2_provider/application/").status_code == 404  # the library's pages are gone
    add = client.get("/admin/lowcode/oauthclient/add/").content.decode()
    for label in ("应用名称", "client_id", "重定向地址", "授权方式", "跳过授权确认", "客户端类型"):
        assert label in add
    assert "Authorization code" not in add and "Confidential" not in add
    secret = re.search(r'name="client_secret"[^>]* value="([^"]+)"', add) or re.search(
        r'value="([^"]+)"[^>]*name="client_secret"', add
    )
    form = {
        "name": "移动端应用",
        "client_id": "mobile-app",
        "client_secret": secret.group(1) if secret else SECRET,
        "client_type": OAuthClient.CLIENT_PUBLIC,
        "authorization_grant_type": OAuthClient.GRANT_AUTHORIZATION_CODE,
        "redirect_uris": "",
    }
    refused = client.post("/admin/lowcode/oauthclient/add/", form).content.decode()
    assert "授权码方式必须填写重定向地址" in refused
    bad = client.post("/admin/lowcode/oauthclient/add/", {**form, "redirect_uris": "ftp://x/cb"}).content.decode()
    assert "重定向地址“ftp://x/cb”不正确" in bad
    saved = client.post("/admin/lowcode/oauthclient/add/", {**form, "redirect_uris": REDIRECT})
    assert saved.status_code == 302, saved.content.decode()
    registered = OAuthClient.objects.get(client_id="mobile-app")
    assert registered.user.username == "admin" and registered.client_secret != form["client_secret"]  # hashed
    # Editing without a new secret keeps the old one.
    kept = registered.client_secret
    change = client.post(
        f"/admin/lowcode/oauthclient/{registered.pk}/change/",
        {**form, "client_secret": "", "redirect_uris": REDIRECT, "skip_authorization": "on"},
    )
    assert change.status_code == 302, change.content.decode()
    registered.refresh_from_db()
    assert registered.client_secret == kept and registered.skip_authorization

    # Only administrators manage clients: the office is refused.
    client.force_login(User.objects.get(username="office"))
    assert client.get("/admin/lowcode/oauthclient/").status_code == 403
    assert client.get("/admin/lowcode/oauthclient/add/").status_code == 403
