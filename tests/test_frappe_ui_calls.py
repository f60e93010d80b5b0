"""What frappe-ui, frappe-react-sdk and the Frappe mobile apps call beyond frappe.client (issue 15).

Request shapes as those libraries send them: frappe-ui's ``Link`` (POST
``frappe.desk.search.search_link`` with a JSON body), frappe-react-sdk's
``useSearch`` (GET with ``filters`` as JSON text), ``createDocumentResource().save``
(``frappe.client.set_value`` with the whole document as ``fieldname``), the boot
info a mobile app reads (``frappe.sessions.get``), and the readable login
cookies (``user_id``) that frappe-react-sdk's ``useFrappeAuth`` and Frappe HR
take the session user from.
"""

import json

import pytest
from django.test import Client
from rest_framework.test import APIClient

from apps.innovation_action.models import Project
from apps.innovation_action.services.demo_accounts import DEMO_PASSWORD
from tests.test_frappe_client_methods import get, post
from tests.test_workflow_api import client, ok, refused

pytestmark = pytest.mark.django_db

SEARCH = "frappe.desk.search.search_link"


# ------------------------------------------------------------------ link search


def test_search_link_as_frappe_ui_link_and_react_use_search_send_it():
    # frappe-ui's Link: POST, JSON body, txt "" and no filters: the first page of records.
    counties = ok(post("office", SEARCH, doctype="County", txt=""))
    assert 0 < len(counties) <= 10 and all(set(row) == {"value", "description"} for row in counties)
    # frappe-react-sdk's useSearch: GET, filters as JSON text, page_length.
    found = ok(get("office", SEARCH, doctype="County", txt="章贡", page_length=20, filters="[]"))
    assert found == [{"value": "章贡区", "description": ""}]
    # A doctype with a title field: matched by it, shown as the label, the name in the description.
    project = Project.objects.exclude(county__name="章贡区").order_by("number").first()
    rows = ok(post("office", SEARCH, doctype="Project", txt=project.project_name))
    assert {"value": project.name, "description": project.name, "label": project.project_name} in rows
    # filters narrow the rows, as a dict or as a list.
    rows = ok(post("office", SEARCH, doctype="Project", txt="", filters={"county": "崇义县"}, page_length=50))
    assert rows and {r["value"] for r in rows} == set(
        Project.objects.filter(county__name="崇义县").values_list("name", flat=True)
    )
    rows = ok(get("office", SEARCH, doctype="Project", txt="", filters=[["county", "=", "崇义县"]], page_length=50))
    assert {r["value"] for r in rows} == set(
        Project.objects.filter(county__name="崇义县").values_list("name", flat=True)
    )


def test_search_link_finds_only_what_the_user_may_read():
    mine = set(Project.objects.filter(county__name="章贡区").values_list("name", flat=True))
    rows = ok(post("zhanggong", SEARCH, doctype="Project", txt="", page_length=100))
    assert mine and {r["value"] for r in rows} == mine
    other = Project.objects.exclude(county__name="章贡区").first()
    assert ok(post("zhanggong", SEARCH, doctype="Project", txt=other.project_name)) == []
    assert ok(post("zhanggong", SEARCH, doctype="Project", txt=other.name)) == []


def test_search_refusals_are_frappe_json_in_chinese():
    assert "不存在" in refused(post("office", SEARCH, doctype="No Such Type", txt="x"), 404, "DoesNotExistError")
    message = refused(
        post("office", SEARCH, doctype="Project", txt="x", query="some.module.query"), 417, "ValidationError"
    )
    assert "query" in message and "不支持" in message
    refused(post("office", SEARCH, doctype="Project", txt="", page_length=1000), 417, "ValidationError")
    response = APIClient().post(f"/api/method/{SEARCH}", {"doctype": "County", "txt": ""}, format="json")
    assert response.status_code == 403 and response.json()["exc_type"] == "PermissionError"


def test_search_widget_rows_and_dicts():
    project = Project.objects.filter(county__name="崇义县").order_by("number").first()
    rows = ok(post("office", "frappe.desk.search.search_widget", doctype="Project", txt=project.project_name))
    assert [project.name, project.project_name] in rows
    rows = ok(get("office", "frappe.desk.search.search_widget", doctype="Project", txt=project.project_name, as_dict=1))
    assert {"name": project.name, "project_name": project.project_name} in rows


# ------------------------------------------------------------------ frappe-ui's document save


def test_set_value_with_the_whole_document_as_frappe_ui_saves_it():
    """createDocumentResource().save: fieldname = every field read, less doctype and name."""
    doc = ok(get("office", "frappe.client.get", doctype="Task", name="2023-T08"))
    values = {k: v for k, v in doc.items() if k not in ("doctype", "name")}
    values["content"] = "整张保存"
    saved = ok(post("office", "frappe.client.set_value", doctype="Task", name="2023-T08", fieldname=values))
    assert saved["content"] == "整张保存" and saved["modified"] != doc["modified"]
    assert len(saved["units"]) == len(doc["units"])
    # The same document sent again is stale: Frappe's check_if_latest.
    refused(
        post("office", "frappe.client.set_value", doctype="Task", name="2023-T08", fieldname=values),
        417,
        "TimestampMismatchError",
    )
    # A standard field sent changed is still refused, and a computed one too.
    fresh = ok(get("office", "frappe.client.get", doctype="Task", name="2023-T08"))
    changed = {k: v for k, v in fresh.items() if k not in ("doctype", "name")} | {"owner": "zhanggong"}
    message = refused(
        post("office", "frappe.client.set_value", doctype="Task", name="2023-T08", fieldname=changed),
        417,
        "ValidationError",
    )
    assert message == "不能修改标准字段 owner"
    # fieldname as a field name still may not be a standard field, as in Frappe.
    refused(
        post("office", "frappe.client.set_value", doctype="Task", name="2023-T08", fieldname="owner", value="office"),
        417,
        "ValidationError",
    )


def test_whole_document_save_keeps_the_scope():
    other = Project.objects.exclude(county__name="章贡区").first()
    response = post(
        "zhanggong", "frappe.client.set_value", doctype="Project", name=other.name, fieldname={"category": "越权"}
    )
    assert response.status_code in (403, 404)
    assert Project.objects.get(pk=other.pk).category != "越权"


# ------------------------------------------------------------------ session boot and login cookies


def test_sessions_get_tells_the_user_roles_and_doctypes():
    boot = ok(post("zhanggong", "frappe.sessions.get"))
    user = boot["user"]
    assert user["name"] == "zhanggong" and user["roles"]
    assert "Project" in user["can_read"] and "Task" not in user["can_create"]
    assert "Task Unit" not in user["can_read"]  # child tables go with their parents
    assert boot["sysdefaults"]["time_zone"] == "Asia/Shanghai" and boot["lang"] == "zh"
    assert "Task" in ok(get("office", "frappe.sessions.get"))["user"]["can_create"]
    response = APIClient().get("/api/method/frappe.sessions.get")
    assert response.status_code == 403 and response.json()["exc_type"] == "PermissionError"


@pytest.mark.parametrize("door", ["api", "cmd"])
def test_login_sets_frappe_readable_user_cookies_and_logout_deletes_them(door):
    browser = Client()
    if door == "api":
        response = browser.post(
            "/api/method/login",
            json.dumps({"usr": "zhanggong", "pwd": DEMO_PASSWORD}),
            content_type="application/json",
        )
    else:
        response = browser.post("/", {"cmd": "login", "usr": "zhanggong", "pwd": DEMO_PASSWORD})
    assert response.status_code == 200, response.content.decode()
    cookies = response.cookies
    assert cookies["user_id"].value == "zhanggong" and not cookies["user_id"]["httponly"]
    assert cookies["full_name"].value == "%E7%AB%A0%E8%B4%A1%E5%8C%BA%20%E5%A1%AB%E6%8A%A5%E5%91%98"  # 章贡区 填报员
    assert cookies["system_user"].value == "no"
    assert cookies["sid"]["httponly"]  # the session (Frappe's sid) stays out of scripts' reach
    response = browser.get("/api/method/logout")
    assert response.status_code == 200
    assert response.cookies["user_id"].value == "" and response.cookies["user_id"]["max-age"] == 0


def test_a_wrong_password_sets_no_user_cookie():
    response = Client().post(
        "/api/method/login", json.dumps({"usr": "zhanggong", "pwd": "wrong"}), content_type="application/json"
    )
    assert response.status_code == 401 and "user_id" not in response.cookies


def test_the_user_cookie_does_not_log_anyone_in():
    browser = Client()
    browser.cookies["user_id"] = "admin"
    response = browser.get("/api/method/frappe.auth.get_logged_user")
    assert response.status_code == 403


# ------------------------------------------------------------------ Frappe HR's list view and permissions


def test_grouped_list_ordered_by_a_field_that_is_not_grouped():
    """Frappe HR's ListView (and Desk's group-by sidebar) send order_by "`tabX`.modified desc" with a group_by:
    the groups come by their latest value of that field, the earliest when ascending."""
    rows = ok(
        post(
            "office",
            "frappe.desk.reportview.get",
            doctype="Project",
            fields=["county", "count(name) as count"],
            group_by="county",
            order_by="`tabProject`.modified desc",
            page_length=50,
            start=0,
            filters=[["Project", "docstatus", "!=", "2"]],
        )
    )
    assert rows["keys"] == ["county", "count"]
    counts = {county: n for county, n in rows["values"]}
    assert sum(counts.values()) == Project.objects.count()
    ascending = ok(
        get(
            "office",
            "frappe.client.get_list",
            doctype="Project",
            fields=["county"],
            group_by="county",
            order_by="number asc",
            limit=0,
        )
    )
    first_numbers = [
        Project.objects.filter(county__name=row["county"]).order_by("number")[0].number for row in ascending
    ]
    assert first_numbers == sorted(first_numbers)


def test_has_permission_without_a_document_is_the_doctypes_right():
    """Frappe HR asks has_permission(doctype, docname=None, perm_type="create") before showing 新建."""
    assert ok(post("office", "frappe.client.has_permission", doctype="Task", docname=None, perm_type="create")) == {
        "has_permission": True
    }
    assert ok(post("zhanggong", "frappe.client.has_permission", doctype="Task", docname=None, perm_type="create")) == {
        "has_permission": False
    }
    assert ok(get("zhanggong", "frappe.client.has_permission", doctype="Project", perm_type="read")) == {
        "has_permission": True
    }


def test_translations_and_telemetry_answers_for_frappe_ui_apps():
    response = Client().get("/api/method/frappe.translate.load_all_translations", {"lang": "zh", "hash": "1"})
    assert response.status_code == 200 and response.json() == {}
    assert ok(post("office", "frappe.utils.telemetry.pulse.client.is_enabled")) is False


# ------------------------------------------------------------------ FileUploader's file_url


def test_upload_file_with_the_file_url_of_a_file_already_here():
    """frappe-ui's FileUploader / frappe-js-sdk's uploadFile may pass file_url instead of a file."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    office = client("office")
    mine = ok(
        office.post(
            "/api/method/upload_file",
            {"file": SimpleUploadedFile("说明.txt", "说明".encode()), "folder": "Home", "is_private": "0"},
            format="multipart",
        )
    )
    attached = ok(
        office.post(
            "/api/method/upload_file",
            {"file_url": mine["file_url"], "doctype": "Task", "docname": "2023-T08", "folder": "Home"},
            format="multipart",
        )
    )
    assert (attached["attached_to_doctype"], attached["attached_to_name"]) == ("Task", "2023-T08")
    assert attached["file_name"] == "说明.txt" and attached["file_size"] == mine["file_size"]
    # Another user's own file is not theirs to reuse; a link to another site is not stored.
    message = refused(
        client("gongxin").post(
            "/api/method/upload_file", {"file_url": mine["file_url"], "folder": "Home"}, format="multipart"
        ),
        417,
        "ValidationError",
    )
    assert message == "找不到该文件，或你无权查看它"
    refused(
        office.post("/api/method/upload_file", {"file_url": "https://example.com/a.pdf"}, format="multipart"),
        417,
        "ValidationError",
    )


def test_get_list_as_dict_false_answers_lists_of_values():
    rows = ok(
        get(
            "office",
            "frappe.client.get_list",
            doctype="Project",
            fields=["name", "county"],
            order_by="number asc",
            as_dict=0,
            limit=2,
        )
    )
    first = Project.objects.order_by("number")[:2]
    assert rows == [[p.name, p.county.name] for p in first]
    again = post(
        "office",
        "frappe.client.get_list",
        doctype="Project",
        fields=["name"],
        order_by="number asc",
        as_dict=True,
        limit=1,
    )
    assert ok(again) == [{"name": first[0].name}]


# ------------------------------------------------------------------ every role, hostile arguments

CLIENT_METHODS = {  # the methods added for Frappe's client libraries, with ordinary and hostile arguments
    "frappe.desk.search.search_link": [
        {"doctype": "Project", "txt": ""},
        {"doctype": "SelfAssessment", "txt": "章贡", "filters": {"county": "信丰县"}},
        {"doctype": "DocType", "txt": "Self"},
        {"doctype": "不存在", "txt": "x"},
        {"doctype": "Project", "txt": "%' OR 1=1 --", "page_length": -5},
        {"doctype": "Project", "txt": "x" * 5000, "filters": "{not json", "page_length": "很多"},
        {"doctype": "Project", "txt": "", "query": "frappe.client.get_list"},
    ],
    "frappe.desk.search.search_widget": [
        {"doctype": "County", "txt": ""},
        {"doctype": ["County"], "txt": {"a": 1}, "start": "x"},
    ],
    "frappe.sessions.get": [{}],
    "frappe.translate.load_all_translations": [{}, {"lang": "zh"}],
    "frappe.utils.telemetry.pulse.client.is_enabled": [{}],
    "frappe.integrations.oauth2.openid_profile": [{}],
    "frappe.client.has_permission": [
        {"doctype": "SelfAssessment", "docname": None, "perm_type": "create"},
        {"doctype": "SelfAssessment", "docname": None, "perm_type": "毁灭"},
    ],
    "ping": [{}, {"x": ["y"]}],
    "frappe.ping": [{}],
    "version": [{}],
    "frappe.utils.change_log.get_versions": [{}, {"app": {"a": 1}}],
    "frappe.client.get": [
        {"doctype": "DocType", "name": "SelfAssessment"},
        {"doctype": "DocType", "name": ["Workflow"]},
        {"doctype": "User", "name": "zhanggong"},
        {"doctype": "User", "name": {"$ne": ""}},
        {"doctype": "User", "name": "x" * 5000},
    ],
    "frappe.client.get_value": [
        {"doctype": "User", "fieldname": "full_name"},
        {"doctype": "User", "fieldname": ["email", "密码"], "filters": {"name": "admin"}},
        {"doctype": "User", "fieldname": "name", "filters": [["email", "like", "%"]]},
    ],
    "frappe.client.get_list": [
        {"doctype": "DocType", "filters": {"istable": 1}, "limit_page_length": 0},
        {"doctype": "DocType", "filters": [["name", "like", "%"]], "fields": "not json"},
    ],
}


@pytest.mark.parametrize("username", [None, "xinfeng", "zhanggong", "gongxin", "leader", "office", "admin"])
def test_the_client_methods_answer_every_role_in_json_never_5xx(username):
    """Each method added for the client libraries, as no one and as each demo account, with ordinary and
    hostile arguments over GET and POST: an answer in JSON, a refusal a 4xx with a Chinese message."""
    caller = client(username) if username else APIClient()
    for method, calls in CLIENT_METHODS.items():
        for params in calls:
            query = {k: v if isinstance(v, str | int) else json.dumps(v, ensure_ascii=False) for k, v in params.items()}
            for response in (
                caller.get("/api/method/" + method, query),
                caller.post("/api/method/" + method, params, format="json"),
            ):
                where = f"{username} {method} {params}"
                assert response.status_code < 500, where
                body = response.json()
                if response.status_code >= 400:
                    text = json.dumps(body, ensure_ascii=False)
                    assert any("\u4e00" <= ch <= "\u9fff" for ch in text), where
