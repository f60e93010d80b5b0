"""Who the API lets in, and which records each user reaches."""

import base64

import pytest
from django.contrib.auth.models import User

from apps.innovation_action import roles
from apps.innovation_action.models import Project
from apps.lowcode.models import UserPermission

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


def names(response):
    assert response.status_code == 200, response.content.decode()
    return sorted(row["name"] for row in response.json()["data"])


# ------------------------------------------------------------------ scope


def test_county_user_lists_only_own_county(api):
    client = api.as_user("zhanggong")
    assert names(client.resource("Project", limit=0)) == ["2023-P12", "2023-P13"]
    assert names(client.resource("County")) == ["章贡区"]
    count = client.get("/api/method/frappe.client.get_count", {"doctype": "Project"})
    assert count.json()["message"] == 2
    # Even asking for another county by filter gives nothing.
    assert names(client.resource("Project", filters={"county": "信丰县"})) == []


def test_county_user_sees_city_units_but_not_another_county_government(api):
    units = names(api.as_user("zhanggong").resource("Unit", limit=0))
    assert "章贡区人民政府" in units and "市科技局" in units
    assert "信丰县人民政府" not in units
    liaisons = names(api.as_user("zhanggong").resource("Liaison", limit=0))
    assert "信丰县人民政府-曾晓靓" not in liaisons and "章贡区人民政府-金可" in liaisons


def test_county_user_tasks_are_own_and_city_wide_ones(api):
    tasks = names(api.as_user("xinfeng").resource("Task", limit=0))
    assert "2023-T22" in tasks  # 信丰县人民政府 shares it
    assert "2023-T13" not in tasks  # only 章贡区人民政府 among counties
    assert "2023-T01" in tasks  # no county involved


def test_unit_liaison_sees_tasks_the_unit_leads_or_shares(api):
    tasks = names(api.as_user("gongxin").resource("Task", limit=0))
    assert tasks == [
        "2023-T01",
        "2023-T02",
        "2023-T03",
        "2023-T04",
        "2023-T05",
        "2023-T14",
        "2023-T16",
        "2023-T18",
        "2023-T20",
        "2023-T21",
        "2023-T22",
        "2023-T23",
        "2023-T28",
    ]
    assert names(api.as_user("gongxin").resource("Unit")) == ["市工信局"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/resource/Project/2023-P21",
        "/api/resource/County/信丰县",
        "/api/resource/Unit/信丰县人民政府",
        "/api/resource/Liaison/信丰县人民政府-曾晓靓",
        "/api/method/frappe.client.get?doctype=Project&name=2023-P21",
        '/api/method/frappe.client.get?doctype=Project&filters={"county":"信丰县"}',
    ],
)
def test_other_county_records_answer_as_missing(api, url):
    response = api.as_user("zhanggong").get(url)
    assert response.status_code == 404 and response.json()["exc_type"] == "DoesNotExistError"


def test_office_and_leading_group_see_everything(api):
    for username in ("office", "leader"):
        assert len(names(api.as_user(username).resource("Project", limit=0))) == 29


@pytest.fixture
def scoped_editor():
    """An office user restricted to 章贡区: may edit projects, but only that county's."""
    user = User.objects.create_user("zg_office", password="pw-123456")
    user.groups.add(roles.group(roles.OFFICE))
    UserPermission.objects.create(user=user, allow="County", for_value="章贡区")
    return user


def login_as(api, user):
    response = api.post("/api/method/login", {"usr": user.username, "pwd": "pw-123456"}, format="json")
    assert response.status_code == 200
    return api


def test_scoped_writes_stay_in_scope(api, scoped_editor):
    client = login_as(api, scoped_editor)
    own = client.get("/api/resource/Project/2023-P12").json()["data"]
    moved = client.put(
        "/api/resource/Project/2023-P12", {"county": "信丰县", "modified": own["modified"]}, format="json"
    )
    # 信丰县 is out of scope: as a link target it does not exist for this user.
    assert moved.status_code == 417 and moved.json()["exc_type"] == "LinkValidationError"
    assert Project.objects.get(name="2023-P12").county.name == "章贡区"
    other = client.put("/api/resource/Project/2023-P21", {"responsible_leader": "x"}, format="json")
    assert other.status_code == 404
    assert client.delete("/api/resource/Project/2023-P21").status_code == 404
    assert Project.objects.filter(name="2023-P21").exists()
    ok = client.put("/api/resource/Project/2023-P12", {"responsible_leader": "章贡区领导"}, format="json")
    assert ok.status_code == 200


# ------------------------------------------------------------------ auth


def test_session_login_logout_and_logged_user(api):
    # A guest: Frappe's 403 PermissionError (is_whitelisted); 401 is for credentials that are wrong.
    assert api.get("/api/method/frappe.auth.get_logged_user").status_code == 403
    login = api.post("/api/method/login", {"usr": "office", "pwd": "ganzhou2023"}, format="json")
    assert login.json() == {"message": "Logged In", "home_page": "/admin/", "full_name": "赋能办 初审员"}
    assert api.get("/api/method/frappe.auth.get_logged_user").json() == {"message": "office"}
    api.post("/api/method/logout", format="json")
    response = api.get("/api/resource/Task")
    assert response.status_code == 403 and response.json()["exc_type"] == "PermissionError"
    assert response.json()["message"] == "请先登录" and "session_expired" not in response.json()  # logged out here


def test_wrong_password(api):
    response = api.post("/api/method/login", {"usr": "office", "pwd": "nope"}, format="json")
    assert response.status_code == 401 and response.json()["message"] == "用户名或密码错误"
    assert api.post("/api/method/login", {"usr": "office"}, format="json").json()["message"] == "缺少参数 pwd"


def test_token_auth_generate_use_and_revoke(api):
    keys = api.as_user("zhanggong").post("/api/method/frappe.core.doctype.user.user.generate_keys", format="json")
    key, secret = keys.json()["message"]["api_key"], keys.json()["message"]["api_secret"]
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"token {key}:{secret}")
    assert client.get("/api/method/frappe.auth.get_logged_user").json() == {"message": "zhanggong"}
    assert names(client.get("/api/resource/County")) == ["章贡区"]  # the token carries the user's scope

    basic = APIClient()
    basic.credentials(HTTP_AUTHORIZATION="Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode())
    assert basic.get("/api/method/frappe.auth.get_logged_user").status_code == 200

    wrong = APIClient()
    wrong.credentials(HTTP_AUTHORIZATION=f"token {key}:wrong")
    assert wrong.get("/api/resource/Task").status_code == 401

    client.post("/api/method/lowcode.api.revoke_keys", format="json")
    assert client.get("/api/resource/Task").status_code == 401


def test_keys_of_others_only_for_administrators(api):
    response = api.as_user("zhanggong").post(
        "/api/method/frappe.core.doctype.user.user.generate_keys", {"user": "office"}, format="json"
    )
    assert response.status_code == 403
    response = api.as_user("admin").post(
        "/api/method/frappe.core.doctype.user.user.generate_keys", {"user": "office"}, format="json"
    )
    assert response.status_code == 200 and response.json()["message"]["api_secret"]


def test_browser_cross_site_writes_need_the_csrf_token(api):
    from rest_framework.test import APIClient

    client = APIClient(enforce_csrf_checks=True)
    client.post("/api/method/login", {"usr": "office", "pwd": "ganzhou2023"}, format="json")
    body = {"responsible_leader": "经跨站请求修改"}
    forged = client.put(
        "/api/resource/Project/2023-P01",
        body,
        format="json",
        HTTP_ORIGIN="https://evil.example",
        HTTP_SEC_FETCH_SITE="cross-site",
    )
    assert forged.status_code == 400 and forged.json()["exc_type"] == "CSRFTokenError"
    assert Project.objects.get(name="2023-P01").responsible_leader != "经跨站请求修改"
    same_site_page = client.put(
        "/api/resource/Project/2023-P01", body, format="json", HTTP_SEC_FETCH_SITE="same-origin"
    )
    assert same_site_page.status_code == 200
    bad_token = client.put("/api/resource/Project/2023-P01", body, format="json", HTTP_X_FRAPPE_CSRF_TOKEN="forged")
    assert bad_token.status_code == 400


def test_csrf_token_from_the_page_is_accepted(api, client):
    from django.middleware.csrf import get_token
    from django.test import RequestFactory

    client.login(username="office", password="ganzhou2023")
    page = client.get("/admin/")
    token = page.cookies["csrftoken"].value if "csrftoken" in page.cookies else get_token(RequestFactory().get("/"))
    client.cookies["csrftoken"] = token
    response = client.put(
        "/api/resource/Project/2023-P01",
        '{"responsible_leader": "页面内修改"}',
        content_type="application/json",
        HTTP_X_FRAPPE_CSRF_TOKEN=token,
        HTTP_ORIGIN="http://testserver",
        HTTP_SEC_FETCH_SITE="same-origin",
    )
    assert response.status_code == 200, response.content.decode()


def test_method_http_verbs(api):
    client = api.as_user("office")
    response = client.get("/api/method/frappe.core.doctype.user.user.generate_keys")
    assert response.status_code == 405


def test_app_method_is_whitelisted_and_scoped(api):
    url = "/api/method/innovation_action.api.get_project_totals"
    office = api.as_user("office").get(url).json()["message"]
    assert office == [
        {"section": "新开工", "count": 11, "total_investment": 164600.0, "planned_investment": 82000.0},
        {"section": "续建", "count": 18, "total_investment": 2737260.0, "planned_investment": 285080.0},
    ]
    api.post("/api/method/logout")
    county = api.as_user("zhanggong").get(url).json()["message"]
    assert county == [{"section": "续建", "count": 2, "total_investment": 180000.0, "planned_investment": 30000.0}]
    assert api.post(url).status_code == 405


def test_my_api_keys_page(login, api):
    client = login("office")
    page = client.get("/admin/my-api-keys/")
    assert page.status_code == 200 and "你还没有 API 密钥" in page.content.decode()
    generated = client.post("/admin/my-api-keys/", {"action": "generate"}).content.decode()
    import re

    key = re.search(r"<td><code>([0-9a-f]{16})</code></td>", generated).group(1)
    secret = re.search(r'id="api-secret">([0-9a-f]{32})<', generated).group(1)
    from rest_framework.test import APIClient

    token = APIClient()
    token.credentials(HTTP_AUTHORIZATION=f"token {key}:{secret}")
    assert token.get("/api/method/frappe.auth.get_logged_user").json() == {"message": "office"}
    assert "api-secret" not in client.get("/admin/my-api-keys/").content.decode()  # shown once
    client.post("/admin/my-api-keys/", {"action": "revoke"})
    assert token.get("/api/method/frappe.auth.get_logged_user").status_code == 401


def test_a_county_user_gets_api_keys_through_the_api(login, api):
    """County users are not admin users (issue 18): the key page sends them to the workbench; Frappe's own
    generate_keys gives them theirs."""
    assert login("zhanggong").get("/admin/my-api-keys/")["Location"] == "/app/"
    keys = api.as_user("zhanggong").post("/api/method/frappe.core.doctype.user.user.generate_keys", format="json")
    assert keys.status_code == 200, keys.content[:300]
    message = keys.json()["message"]
    from rest_framework.test import APIClient

    token = APIClient()
    token.credentials(HTTP_AUTHORIZATION=f"token {message['api_key']}:{message['api_secret']}")
    assert token.get("/api/method/frappe.auth.get_logged_user").json() == {"message": "zhanggong"}


def test_repeated_wrong_passwords_lock_the_account(api, client):
    for _ in range(5):
        assert api.post("/api/method/login", {"usr": "leader", "pwd": "guess"}, format="json").status_code == 401
    locked = api.post("/api/method/login", {"usr": "leader", "pwd": "ganzhou2023"}, format="json")
    assert locked.status_code == 429 and "15 分钟" in locked.json()["message"]
    # The admin too, from the same address (the lock is per user name and address: test_login_lockout.py).
    page = client.post("/admin/login/", {"username": "leader", "password": "ganzhou2023"})
    assert page.status_code == 200 and "_auth_user_id" not in client.session
    assert api.post("/api/method/login", {"usr": "office", "pwd": "ganzhou2023"}, format="json").status_code == 200


def test_oversized_body_is_413_json(api):
    client = api.as_user("office")
    response = client.post("/api/resource/Task", {"title": "x" * 3_000_000}, format="json")
    assert response.status_code == 413 and response.json()["exc_type"] == "RequestTooLargeError"
    wrong_types = api.post("/api/method/login", {"usr": ["a"], "pwd": {"b": 1}}, format="json")
    assert wrong_types.status_code == 417
