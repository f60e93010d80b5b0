"""Frappe's other doors to the API: the legacy ``cmd=`` form POST to ``/``, trailing slashes,
/api/v1, the verbs a method allows, and JSON for every answer (CSRF refusals, unknown paths, 500s)."""

import json

import pytest
from django.test import Client

from apps.innovation_action.models import Project
from apps.innovation_action.services.demo_accounts import DEMO_PASSWORD
from apps.lowcode import whitelist

pytestmark = pytest.mark.django_db


def frappe_error(response, status, exc_type):
    """Frappe's v1 error: exc_type, exception, exc (a JSON list, one line, no traceback), _server_messages."""
    assert response.status_code == status, response.content.decode()
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["exc_type"] == exc_type, body
    assert body["exception"] == f"frappe.exceptions.{exc_type}: {body['message']}"
    assert json.loads(body["exc"]) == [body["exception"]]
    assert "Traceback" not in response.content.decode()
    assert json.loads(json.loads(body["_server_messages"])[0])["message"] == body["message"]
    return body


def legacy_login(client, username="office"):
    response = client.post("/", {"cmd": "login", "usr": username, "pwd": DEMO_PASSWORD})
    assert response.status_code == 200, response.content.decode()
    return response.json()


# ------------------------------------------------------------------ the legacy cmd= door


def test_legacy_cmd_login_then_methods_then_logout():
    client = Client()
    assert legacy_login(client) == {"message": "Logged In", "home_page": "/admin/", "full_name": "赋能办 初审员"}
    assert client.post("/", {"cmd": "frappe.auth.get_logged_user"}).json() == {"message": "office"}
    # GET with cmd in the query string, as frappe-client's logout does.
    count = client.get("/", {"cmd": "frappe.client.get_count", "doctype": "Project"})
    assert count.json() == {"message": 29}
    assert client.get("/", {"cmd": "logout"}).json() == {"message": None}
    # Logged out, the request is a guest's: Frappe's 403 PermissionError (a 401 is for wrong credentials).
    frappe_error(client.post("/", {"cmd": "frappe.auth.get_logged_user"}), 403, "PermissionError")


def test_legacy_cmd_login_wrong_password_is_json():
    response = Client().post("/", {"cmd": "login", "usr": "office", "pwd": "wrong"})
    frappe_error(response, 401, "AuthenticationError")


def test_legacy_door_is_the_method_machinery_with_its_scope_and_verbs():
    client = Client()
    legacy_login(client, "zhanggong")
    rows = client.post("/", {"cmd": "frappe.client.get_list", "doctype": "Project", "limit_page_length": 0})
    assert sorted(r["name"] for r in rows.json()["message"]) == ["2023-P12", "2023-P13"]
    # A JSON body works as well as a form.
    body = client.post("/", {"cmd": "frappe.client.get_count", "doctype": "Project"}, content_type="application/json")
    assert body.json() == {"message": 2}
    # generate_keys is POST-only at /api/method; so it is at the legacy door.
    frappe_error(client.get("/", {"cmd": "frappe.core.doctype.user.user.generate_keys"}), 405, "MethodNotAllowedError")
    frappe_error(client.post("/", {"cmd": "no.such.method"}), 404, "DoesNotExistError")


def test_legacy_door_needs_a_cmd_and_get_root_is_unchanged():
    client = Client()
    frappe_error(client.post("/", {"usr": "office"}), 417, "ValidationError")
    home = client.get("/")
    assert home.status_code == 302 and home["Location"] == "/admin/"


def test_legacy_door_applies_frappe_csrf_rule_but_login_is_exempt():
    client = Client(enforce_csrf_checks=True)
    cross_site = {"HTTP_ORIGIN": "https://evil.example", "HTTP_SEC_FETCH_SITE": "cross-site"}
    # Logging in is exempt, as in Frappe.
    response = client.post("/", {"cmd": "login", "usr": "office", "pwd": DEMO_PASSWORD}, **cross_site)
    assert response.status_code == 200 and response.json()["message"] == "Logged In"
    # A session-authenticated call from another site needs the token.
    body = frappe_error(client.post("/", {"cmd": "frappe.auth.get_logged_user"}, **cross_site), 400, "CSRFTokenError")
    assert "CSRF" in body["message"]
    bad_token = client.post("/", {"cmd": "frappe.auth.get_logged_user"}, HTTP_X_FRAPPE_CSRF_TOKEN="forged")
    frappe_error(bad_token, 400, "CSRFTokenError")
    # A script on our own site (no browser marks) is not asked for it, as at /api/method.
    assert client.post("/", {"cmd": "frappe.auth.get_logged_user"}).json() == {"message": "office"}


def test_legacy_door_cannot_write_around_the_rules():
    client = Client()
    legacy_login(client, "zhanggong")
    response = client.post("/", {"cmd": "frappe.client.get", "doctype": "Project", "name": "2023-P21"})
    frappe_error(response, 404, "DoesNotExistError")


# ------------------------------------------------------------------ trailing slashes, /api/v1, verbs


def test_trailing_slashes_and_v1_prefix(api):
    client = api.as_user("office")
    assert client.get("/api/method/frappe.auth.get_logged_user/").json() == {"message": "office"}
    assert client.get("/api/v1/method/frappe.auth.get_logged_user").json() == {"message": "office"}
    listed = client.get("/api/resource/County/", {"filters": '{"name": "章贡区"}'})
    assert listed.json() == {"data": [{"name": "章贡区"}]}
    assert client.get("/api/v1/resource/County/").status_code == 200
    assert client.get("/api/resource/Project/2023-P12/").json()["data"]["name"] == "2023-P12"
    updated = client.put("/api/resource/Project/2023-P12/", {"responsible_leader": "斜杠结尾"}, format="json")
    assert updated.status_code == 200, updated.content.decode()
    assert Project.objects.get(name="2023-P12").responsible_leader == "斜杠结尾"
    login = api.post("/api/method/login/", {"usr": "office", "pwd": DEMO_PASSWORD}, format="json")
    assert login.json()["message"] == "Logged In"


def test_methods_take_get_post_put_and_delete_unless_they_say_otherwise(api):
    client = api.as_user("office")
    assert client.get("/api/method/frappe.client.get_count", {"doctype": "Project"}).json() == {"message": 29}
    assert client.post("/api/method/frappe.client.get_count", {"doctype": "Project"}).json() == {"message": 29}
    assert client.post("/api/method/frappe.client.get_count", {"doctype": "Project"}, format="json").json() == {
        "message": 29
    }
    # frappe.whitelist's default: GET, POST, PUT and DELETE (frappe-js-sdk's call().put / call().delete).
    assert client.put("/api/method/frappe.client.get_count", {"doctype": "Project"}, format="json").json() == {
        "message": 29
    }
    frappe_error(client.get("/api/method/login"), 405, "MethodNotAllowedError")
    frappe_error(client.patch("/api/method/frappe.client.get_count"), 405, "MethodNotAllowedError")


def test_writing_client_methods_take_the_verbs_frappe_gives_them(api):
    """set_value, insert, save, submit, cancel, rename_doc, bulk_update: POST or PUT; delete: POST or DELETE;
    never GET, so a link cannot change data."""
    client = api.as_user("admin")
    changed = client.put(
        "/api/method/frappe.client.set_value",
        {"doctype": "Project", "name": "2023-P01", "fieldname": "project_code", "value": "PUT-1"},
        format="json",
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["message"]["project_code"] == "PUT-1"
    frappe_error(
        client.get(
            "/api/method/frappe.client.set_value",
            {"doctype": "Project", "name": "2023-P01", "fieldname": "project_code", "value": "GET-1"},
        ),
        405,
        "MethodNotAllowedError",
    )
    frappe_error(
        client.put("/api/method/frappe.client.delete", {"doctype": "Project", "name": "2023-P29"}, format="json"),
        405,
        "MethodNotAllowedError",
    )
    deleted = client.delete("/api/method/frappe.client.delete?doctype=Project&name=2023-P29")
    assert deleted.status_code == 200, deleted.content
    assert client.get("/api/resource/Project/2023-P29").status_code == 404


# ------------------------------------------------------------------ JSON for every /api answer


@pytest.mark.parametrize("verb", ["get", "post", "put", "delete", "patch"])
@pytest.mark.parametrize(
    "path",
    [
        "/api",
        "/api/",
        "/api/nothing",
        "/api/resource",
        "/api/method/",
        "/api/resource/Project/2023-P12/extra/../x",
        "/api/v1/nothing",
    ],
)
def test_unknown_api_paths_answer_json_404(verb, path):
    client = Client(enforce_csrf_checks=True)
    response = getattr(client, verb)(path)
    if response.status_code == 404:
        frappe_error(response, 404, "DoesNotExistError")
    else:  # a path that names a real route but not a record: still Frappe's JSON
        assert response["Content-Type"].startswith("application/json"), (path, response.status_code)
        assert "exc_type" in response.json()


def test_django_csrf_refusal_under_api_is_json():
    client = Client(enforce_csrf_checks=True)
    client.login(username="office", password=DEMO_PASSWORD)
    # /api/docs/ is a plain Django page: Django's own CSRF check refuses the POST, in Frappe's JSON.
    frappe_error(client.post("/api/docs/", {"a": "1"}), 400, "CSRFTokenError")
    # Outside the API Django's HTML page stays.
    admin = client.post("/admin/login/", {"username": "office"})
    assert admin.status_code == 403 and admin["Content-Type"].startswith("text/html")


def test_api_csrf_refusal_is_json(api):
    from rest_framework.test import APIClient

    client = APIClient(enforce_csrf_checks=True)
    client.post("/api/method/login", {"usr": "office", "pwd": DEMO_PASSWORD}, format="json")
    forged = client.post(
        "/api/method/frappe.client.get_count",
        {"doctype": "Project"},
        format="json",
        HTTP_ORIGIN="https://evil.example",
        HTTP_SEC_FETCH_SITE="cross-site",
    )
    frappe_error(forged, 400, "CSRFTokenError")


def test_unexpected_failure_is_json_without_traceback():
    @whitelist.whitelist("test.doors.explode", allow_guest=True)
    def explode(request):
        raise RuntimeError("secret internals")

    try:
        client = Client(raise_request_exception=False)
        for url in ("/api/method/test.doors.explode", "/api/v2/method/test.doors.explode"):
            response = client.get(url)
            assert response.status_code == 500 and response["Content-Type"].startswith("application/json")
            assert "secret internals" not in response.content.decode()
        frappe_error(client.post("/", {"cmd": "test.doors.explode"}), 500, "Exception")
        v2 = client.get("/api/v2/method/test.doors.explode").json()
        assert v2["errors"][0]["type"] == "Exception"
    finally:
        whitelist.registry.pop("test.doors.explode", None)
