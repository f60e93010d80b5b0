"""Frappe v16's REST API v2 (/api/v2/...): v1's services in v2's routes, envelope and errors."""

import json

import pytest

from apps.innovation_action.models import Project, Task
from apps.innovation_action.services.demo_accounts import DEMO_PASSWORD

pytestmark = pytest.mark.django_db

NEW_TASK = {
    "plan": "2023",
    "section_number": 7,
    "section": "（七）广聚各类优秀人才，提升创新创业活力",
    "number": 43,
    "title": "v2 接口创建的任务",
    "content": "由 REST API v2 创建。",
    "lead_unit": "市科技局",
    "units": [{"unit": "市科技局", "role": "牵头"}],
}


def data(response, status=200):
    assert response.status_code == status, response.content.decode()
    body = response.json()
    assert "errors" not in body
    return body["data"]


def v2_error(response, status, error_type):
    """v2's error envelope: {"errors": [{"type", "message", ...}]}, no v1 keys, no traceback."""
    assert response.status_code == status, response.content.decode()
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"errors"}, body
    [error] = body["errors"]
    assert error["type"] == error_type and error["message"], error
    assert "Traceback" not in response.content.decode()
    return error["message"]


def query(**params):
    return {k: v if isinstance(v, str | int) else json.dumps(v, ensure_ascii=False) for k, v in params.items()}


# ------------------------------------------------------------------ reading


def test_list_fields_filters_order_start_limit_and_next_page(api):
    client = api.as_user("office")
    response = client.get(
        "/api/v2/document/Project",
        query(
            fields=["name", "county", "total_investment"],
            filters=[["section", "=", "续建"]],
            order_by="total_investment desc",
            start=1,
            limit=3,
        ),
    )
    body = response.json()
    assert [r["name"] for r in body["data"]] == ["2023-P15", "2023-P22", "2023-P21"]
    assert set(body["data"][0]) == {"name", "county", "total_investment"}
    assert body["has_next_page"] is True
    last = client.get("/api/v2/document/Project", query(filters={"section": "新开工"}, limit=11)).json()
    assert len(last["data"]) == 11 and last["has_next_page"] is False
    default = client.get("/api/v2/document/Task").json()
    assert len(default["data"]) == 20 and set(default["data"][0]) == {"name"} and default["has_next_page"] is True


def test_list_as_lists(api):
    rows = data(
        api.as_user("office").get(
            "/api/v2/document/County/", query(fields=["name"], filters={"name": "章贡区"}, as_dict=0)
        )
    )
    assert rows == [["章贡区"]]


def test_read_document_with_children(api):
    doc = data(api.as_user("office").get("/api/v2/document/Task/2023-T08"))
    assert doc["name"] == "2023-T08" and doc["lead_unit"] == "市卫健委" and len(doc["units"]) == 3
    assert data(api.as_user("office").get("/api/v2/document/Task/2023-T08/"))["name"] == "2023-T08"


def test_count_and_meta(api):
    client = api.as_user("office")
    assert data(client.get("/api/v2/doctype/Project/count", query(filters={"section": "新开工"}))) == 11
    assert data(client.get("/api/v2/doctype/Project/count/")) == 29
    meta = data(client.get("/api/v2/doctype/Task/meta"))
    assert meta["name"] == "Task" and meta["doctype"] == "DocType" and meta["istable"] == 0
    assert meta["is_submittable"] == 0
    fields = {f["fieldname"]: f for f in meta["fields"]}
    assert fields["plan"]["fieldtype"] == "Link" and fields["plan"]["options"] == "Action Plan"
    assert fields["units"]["fieldtype"] == "Table" and fields["units"]["options"] == "Task Unit"
    assert "modified" not in fields  # standard fields are not listed, as in Frappe


# ------------------------------------------------------------------ a county user's scope


def test_county_user_sees_and_counts_only_own_county(api):
    client = api.as_user("zhanggong")
    rows = data(client.get("/api/v2/document/Project", query(limit=0)))
    assert sorted(r["name"] for r in rows) == ["2023-P12", "2023-P13"]
    assert data(client.get("/api/v2/doctype/Project/count")) == 2
    assert data(client.get("/api/v2/document/Project", query(filters={"county": "信丰县"}))) == []
    v2_error(client.get("/api/v2/document/Project/2023-P21"), 404, "DoesNotExistError")


def test_county_user_cannot_write_outside_scope(api):
    client = api.as_user("zhanggong")
    v2_error(
        client.patch("/api/v2/document/Project/2023-P21", {"responsible_leader": "越权"}, format="json"),
        404,
        "DoesNotExistError",
    )
    v2_error(client.delete("/api/v2/document/Project/2023-P21"), 404, "DoesNotExistError")
    assert Project.objects.get(name="2023-P21").responsible_leader != "越权"


# ------------------------------------------------------------------ writing


def test_create_read_patch_delete(api):
    client = api.as_user("office")
    created = data(client.post("/api/v2/document/Task", NEW_TASK, format="json"))
    name = created["name"]
    assert created["title"] == "v2 接口创建的任务" and created["units"][0]["unit"] == "市科技局"
    patched = data(
        client.patch(
            f"/api/v2/document/Task/{name}", {"title": "v2 修改", "modified": created["modified"]}, format="json"
        )
    )
    assert patched["title"] == "v2 修改" and Task.objects.get(name=name).title == "v2 修改"
    stale = client.patch(
        f"/api/v2/document/Task/{name}", {"title": "过时", "modified": created["modified"]}, format="json"
    )
    v2_error(stale, 417, "TimestampMismatchError")
    assert (
        data(client.put(f"/api/v2/document/Task/{name}/", {"content": "PUT 也可以"}, format="json"))["content"]
        == "PUT 也可以"
    )
    assert data(client.delete(f"/api/v2/document/Task/{name}"), status=202) == "ok"
    v2_error(client.get(f"/api/v2/document/Task/{name}"), 404, "DoesNotExistError")


def test_copy_is_a_new_draft_to_post_back(api):
    """GET document/<DocType>/<name>/copy (Frappe's copy_doc): no name, bookkeeping or nulls; rows keep idx."""
    client = api.as_user("office")
    copy = data(client.get("/api/v2/document/Task/2023-T08/copy"))
    original = data(client.get("/api/v2/document/Task/2023-T08"))
    for key in ("name", "owner", "creation", "modified", "modified_by", "docstatus"):
        assert key not in copy
    assert None not in copy.values()
    assert copy["doctype"] == "Task" and copy["title"] == original["title"] and len(copy["units"]) == 3
    assert [row["idx"] for row in copy["units"]] == [1, 2, 3]
    assert all("name" not in row and row["unit"] for row in copy["units"])
    assert data(client.get("/api/v2/document/Task/2023-T08/copy/"))["title"] == original["title"]
    created = data(client.post("/api/v2/document/Task", {**copy, "number": 44, "title": "复制出的任务"}, format="json"))
    assert created["name"] != "2023-T08" and len(created["units"]) == 3
    assert Task.objects.get(name="2023-T08").units.count() == 3
    v2_error(client.post("/api/v2/document/Task/2023-T08/copy", {}, format="json"), 405, "MethodNotAllowedError")


def test_copy_reads_under_the_readers_scope(api):
    client = api.as_user("zhanggong")
    assert data(client.get("/api/v2/document/Project/2023-P12/copy"))["county"] == "章贡区"
    v2_error(client.get("/api/v2/document/Project/2023-P21/copy"), 404, "DoesNotExistError")
    v2_error(client.get("/api/v2/document/Project/no-such/copy"), 404, "DoesNotExistError")
    v2_error(api.__class__().get("/api/v2/document/Project/2023-P12/copy"), 403, "PermissionError")


def test_validation_and_permission_errors_in_v2_envelope(api):
    client = api.as_user("office")
    message = v2_error(client.post("/api/v2/document/Task", {"title": "缺字段"}, format="json"), 417, "MandatoryError")
    assert "工作方案" in message or "必填" in message
    v2_error(client.get("/api/v2/document/Nothing"), 404, "DoesNotExistError")
    v2_error(client.get("/api/v2/document/Project", {"limit": "abc"}), 417, "ValidationError")
    assert v2_error(api.__class__().get("/api/v2/document/Project"), 403, "PermissionError") == "请先登录"  # a guest
    v2_error(
        api.as_user("zhanggong").post("/api/v2/document/County", {"name": "新县"}, format="json"),
        403,
        "PermissionError",
    )


# ------------------------------------------------------------------ methods


def test_methods_share_v1_machinery(api):
    client = api.as_user("office")
    assert data(client.get("/api/v2/method/frappe.auth.get_logged_user")) == "office"
    assert data(client.post("/api/v2/method/frappe.client.get_count/", {"doctype": "Project"}, format="json")) == 29
    v2_error(client.get("/api/v2/method/frappe.core.doctype.user.user.generate_keys"), 405, "MethodNotAllowedError")
    v2_error(client.get("/api/v2/method/no.such.method"), 404, "DoesNotExistError")
    login = api.__class__().post("/api/v2/method/login", {"usr": "office", "pwd": DEMO_PASSWORD}, format="json")
    assert login.json()["message"] == "Logged In"


def test_ping_answers_pong_to_anyone_on_every_door(api):
    """frappe.ping: what clients call to test a site (v1 /api/method/ping and frappe.ping, v2 /method/ping)."""
    guest = api.__class__()
    for path in ("/api/method/ping", "/api/method/frappe.ping", "/api/v1/method/ping"):
        assert guest.get(path).json() == {"message": "pong"}
        assert guest.post(path, {}, format="json").json() == {"message": "pong"}
    assert data(guest.get("/api/v2/method/ping")) == "pong"
    assert data(api.as_user("zhanggong").post("/api/v2/method/ping", {}, format="json")) == "pong"


def test_doctype_method_resolves_in_the_doctypes_module(api):
    client = api.as_user("office")
    # frappe.desk.doctype.notification_log.notification_log.mark_all_as_read, as Frappe expands it.
    assert client.post("/api/v2/method/Notification Log/mark_all_as_read").status_code == 200
    v2_error(client.get("/api/v2/method/Notification Log/mark_all_as_read"), 405, "MethodNotAllowedError")
    v2_error(client.get("/api/v2/method/Notification Log/nothing"), 404, "DoesNotExistError")


def test_unknown_v2_paths_answer_in_v2_envelope(api):
    client = api.as_user("office")
    v2_error(client.get("/api/v2/"), 404, "DoesNotExistError")
    v2_error(client.get("/api/v2/doctype/Task/nothing"), 404, "DoesNotExistError")
    v2_error(client.post("/api/v2/anything", {}, format="json"), 404, "DoesNotExistError")


def test_document_method_runs_declared_methods_only(api):
    """``document/<DocType>/<name>/method/<method>``: run_doc_method's declarations and rules, v2's envelope."""
    from apps.innovation_action.models import SelfAssessment
    from tests.test_workflow_api import create_assessment

    name = create_assessment()["name"]
    url = f"/api/v2/document/SelfAssessment/{name}/method"
    client = api.as_user("zhanggong")
    body = client.post(f"{url}/get_unfilled_lines", {}, format="json").json()
    assert len(body["data"]) == 15 and body["docs"][0]["name"] == name
    body = client.get(f"{url}/get_unfilled_lines/", {"field": "reviewed_score"}).json()
    assert len(body["data"]) == 15
    v2_error(client.post(f"{url}/get_unfilled_lines", {"bogus": 1}, format="json"), 417, "ValidationError")
    for undeclared in ("delete", "save", "__class__"):
        v2_error(client.post(f"{url}/{undeclared}", {}, format="json"), 403, "PermissionError")
    assert SelfAssessment.objects.filter(name=name).exists()
    v2_error(api.as_user("xinfeng").post(f"{url}/get_unfilled_lines", {}, format="json"), 404, "DoesNotExistError")


def test_run_doc_method_takes_v2s_document_and_kwargs(api):
    """``method/run_doc_method``: {method, document, kwargs}; the stale document the client saw is refused."""
    from tests.test_workflow_api import create_assessment

    created = create_assessment()
    document = {"doctype": "SelfAssessment", "name": created["name"], "modified": created["modified"]}
    client = api.as_user("zhanggong")
    body = client.post(
        "/api/v2/method/run_doc_method",
        {"method": "get_unfilled_lines", "document": document, "kwargs": {"field": "reviewed_score"}},
        format="json",
    ).json()
    assert len(body["data"]) == 15 and body["docs"][0]["name"] == created["name"]
    query = {"method": "get_unfilled_lines", "document": json.dumps(document), "kwargs": "{}"}
    assert len(data(client.get("/api/v2/method/run_doc_method", query))) == 15
    stale = {**document, "modified": "2000-01-01 00:00:00.000000"}
    v2_error(
        client.post(
            "/api/v2/method/run_doc_method", {"method": "get_unfilled_lines", "document": stale}, format="json"
        ),
        417,
        "TimestampMismatchError",
    )
    v2_error(
        client.post("/api/v2/method/run_doc_method", {"document": document}, format="json"), 417, "ValidationError"
    )
    v2_error(
        client.post("/api/v2/method/run_doc_method", {"method": "delete", "document": document}, format="json"),
        403,
        "PermissionError",
    )
    v2_error(
        api.as_user("xinfeng").post(
            "/api/v2/method/run_doc_method", {"method": "get_unfilled_lines", "document": document}, format="json"
        ),
        404,
        "DoesNotExistError",
    )
