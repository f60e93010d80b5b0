"""What Frappe client libraries on npm send beyond frappe-js-sdk and frappe-ui (issue 15).

frappe-straw saves forms with ``frappe.desk.form.save.savedocs`` (Save, Submit,
Cancel), as Frappe's Desk does; frappe-js-client's ``uploadFile`` sends its
multipart body with GET (axios without a method), which Frappe accepts.
"""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

from apps.innovation_action.models import Task
from tests.test_frappe_client_methods import post
from tests.test_workflow_api import client, create_assessment, ok, refused

pytestmark = pytest.mark.django_db

SAVEDOCS = "frappe.desk.form.save.savedocs"
NEW_TASK = {
    "doctype": "Task",
    "plan": "2023",
    "section_number": 7,
    "section": "（七）广聚各类优秀人才，提升创新创业活力",
    "number": 45,
    "title": "表单新建的任务",
    "content": "由 savedocs 新建。",
    "lead_unit": "市科技局",
    "units": [{"unit": "市科技局", "role": "牵头"}],
}


def body(response, status=200) -> dict:
    assert response.status_code == status, response.content.decode()
    return response.json()


def alert(answer: dict) -> dict:
    [message] = json.loads(answer["_server_messages"])
    return json.loads(message)


# ------------------------------------------------------------------ savedocs


def test_savedocs_saves_an_existing_and_a_new_document_as_the_desk_form_does():
    original = ok(client("office").get("/api/resource/Task/2023-T08"))
    # frappe-straw's useSave: doc as JSON text, the whole document with the change.
    answer = body(post("office", SAVEDOCS, doc=json.dumps({**original, "content": "表单保存"}), action="Save"))
    [doc] = answer["docs"]
    assert doc["name"] == "2023-T08" and doc["content"] == "表单保存" and len(doc["units"]) == 3
    assert alert(answer) == {"message": "已保存", "indicator": "green"} and "message" not in answer
    assert Task.objects.get(name="2023-T08").content == "表单保存"
    # A stale form (an older modified) is refused, as frappe.client.save refuses it.
    stale = post("office", SAVEDOCS, doc=json.dumps({**original, "content": "过时"}), action="Save")
    refused(stale, 417, "TimestampMismatchError")
    # Desk's new form: __islocal with a temporary name; a dict is taken as well as JSON text.
    answer = body(post("office", SAVEDOCS, doc={**NEW_TASK, "name": "new-task-1", "__islocal": 1}, action="Save"))
    [created] = answer["docs"]
    assert created["name"] != "new-task-1" and Task.objects.get(name=created["name"]).title == "表单新建的任务"


def test_savedocs_submit_and_cancel_go_through_the_docstatus_rules():
    # A doctype without a workflow cannot be submitted; the refused Submit does not save either.
    refused(
        post("office", SAVEDOCS, doc={"doctype": "Task", "name": "2023-T08", "content": "提交"}, action="Submit"),
        417,
        "ValidationError",
    )
    assert Task.objects.get(name="2023-T08").content != "提交"
    refused(
        post("office", SAVEDOCS, doc={"doctype": "Task", "name": "2023-T08"}, action="Cancel"), 417, "ValidationError"
    )
    refused(post("office", "frappe.desk.form.save.cancel", doctype="Task", name="2023-T08"), 417, "ValidationError")
    # A workflow document is submitted through its workflow actions, not by savedocs.
    name = create_assessment()["name"]
    message = refused(
        post("zhanggong", SAVEDOCS, doc={"doctype": "SelfAssessment", "name": name}, action="Submit"),
        417,
        "ValidationError",
    )
    assert "工作流" in message or "apply_workflow" in message or "提交" in message


def test_savedocs_keeps_every_right_and_refuses_bad_arguments():
    refused(post("zhanggong", SAVEDOCS, doc={**NEW_TASK, "__islocal": 1}, action="Save"), 403, "PermissionError")
    refused(
        post("zhanggong", SAVEDOCS, doc={"doctype": "Project", "name": "2023-P21", "content": "越权"}, action="Save"),
        404,
        "DoesNotExistError",
    )
    assert "action" in refused(post("office", SAVEDOCS, doc=NEW_TASK, action="Delete"), 417, "ValidationError")
    refused(post("office", SAVEDOCS, doc="not json", action="Save"), 417, "ValidationError")
    refused(
        client("office").get(f"/api/method/{SAVEDOCS}", {"doc": "{}", "action": "Save"}), 405, "MethodNotAllowedError"
    )
    anonymous = client("office")
    anonymous.logout()
    assert anonymous.post(f"/api/method/{SAVEDOCS}", {"doc": "{}", "action": "Save"}, format="json").status_code == 403


# ------------------------------------------------------------------ upload_file over GET


def test_upload_file_takes_a_multipart_get_as_frappe_does_and_refuses_a_bare_get():
    office = client("office")
    payload = {"file": SimpleUploadedFile("附件.txt", "内容".encode()), "doctype": "Task", "docname": "2023-T08"}
    record = ok(
        office.generic("GET", "/api/method/upload_file", encode_multipart(BOUNDARY, payload), MULTIPART_CONTENT)
    )
    assert (record["attached_to_doctype"], record["attached_to_name"], record["file_name"]) == (
        "Task",
        "2023-T08",
        "附件.txt",
    )
    # A GET without a body (a link, an image) must not attach anything, not even a file already here.
    message = refused(
        office.get(
            "/api/method/upload_file", {"file_url": record["file_url"], "doctype": "Task", "docname": "2023-T01"}
        ),
        405,
        "MethodNotAllowedError",
    )
    assert "POST" in message
    # The same rights as a POST: a county clerk cannot attach to a task.
    refused(
        client("zhanggong").generic(
            "GET",
            "/api/method/upload_file",
            encode_multipart(BOUNDARY, {**payload, "file": SimpleUploadedFile("x.txt", b"x")}),
            MULTIPART_CONTENT,
        ),
        403,
        "PermissionError",
    )


# ------------------------------------------------------------------ expanded links, v1 document methods


def test_expand_answers_the_linked_documents_the_reader_may_see():
    """@rustedcompiler/frappe-hooks' ``expand`` option: GET /api/resource/<DocType>?expand=[...]."""
    zhanggong = client("zhanggong")
    rows = ok(
        zhanggong.get(
            "/api/resource/Project",
            {"fields": '["name", "county", "plan"]', "expand": '["county", "plan", "nothing"]', "order_by": "name asc"},
        )
    )
    assert [r["name"] for r in rows] == ["2023-P12", "2023-P13"]
    assert rows[0]["county"]["doctype"] == "County" and rows[0]["county"]["name"] == "章贡区"
    assert rows[0]["plan"]["name"] == "2023" and rows[0]["plan"]["title"]
    # Only the fields asked for are expanded, as Frappe filters expand by fields.
    rows = ok(zhanggong.get("/api/resource/Project", {"fields": '["name", "county"]', "expand": '["plan"]'}))
    assert all(set(r) == {"name", "county"} and r["county"] == "章贡区" for r in rows)
    rows = ok(
        post("zhanggong", "frappe.client.get_list", doctype="Project", fields=["name", "county"], expand=["county"])
    )
    assert rows[0]["county"]["name"] == "章贡区"
    refused(zhanggong.get("/api/resource/Project", {"expand": "{not json"}), 417, "ValidationError")


def test_expand_links_answers_the_document_with_its_links_and_its_rows_links():
    task = ok(client("zhanggong").get("/api/resource/Task/2023-T08", {"expand_links": "True"}))
    assert task["plan"]["name"] == "2023" and task["lead_unit"]["name"] == "市卫健委"
    assert all(isinstance(row["unit"], dict) and row["unit"]["doctype"] == "Unit" for row in task["units"])
    plain = ok(client("zhanggong").get("/api/resource/Task/2023-T08", {"expand_links": "0"}))
    assert plain["plan"] == "2023"


def test_resource_run_method_is_frappes_v1_document_method():
    """GET or POST /api/resource/<DocType>/<name> with run_method: the doctype's declared methods only."""
    name = create_assessment()["name"]
    zhanggong = client("zhanggong")
    path = f"/api/resource/SelfAssessment/{name}"
    lines = ok(zhanggong.get(path, {"run_method": "get_unfilled_lines"}))
    assert isinstance(lines, list) and lines and {"name", "idx", "indicator"} <= set(lines[0])
    assert ok(zhanggong.post(path, {"run_method": "get_unfilled_lines", "field": "reviewed_score"}, format="json"))
    refused(zhanggong.post(path, {"run_method": "delete"}, format="json"), 403, "PermissionError")
    refused(zhanggong.post(path, {}, format="json"), 417, "ValidationError")
    refused(client("xinfeng").get(path, {"run_method": "get_unfilled_lines"}), 404, "DoesNotExistError")


# ------------------------------------------------------------------ every role, hostile arguments

NEW_METHODS = {  # the methods added for these libraries, with ordinary and hostile arguments
    "ping": [{}, {"x": "y" * 3000}],
    "frappe.ping": [{}],
    SAVEDOCS: [
        {"doc": {"doctype": "Task", "name": "2023-T08"}, "action": "Save"},
        {"doc": {"doctype": "SelfAssessment", "name": "不存在"}, "action": "Submit"},
        {"doc": {"doctype": "County", "__islocal": 1, "name": "新县"}, "action": "Save"},
        {"doc": {"doctype": "不存在"}, "action": "Cancel"},
        {"doc": ["Task"], "action": ["Save"]},
        {"doc": "{not json", "action": "Update"},
        {"doc": {"doctype": "Task Unit", "name": "x", "parent": "2023-T08"}, "action": "Save"},
        {},
    ],
    "frappe.desk.form.save.cancel": [
        {"doctype": "Task", "name": "2023-T08"},
        {"doctype": "SelfAssessment", "name": {"a": 1}},
        {"doctype": None, "name": None},
    ],
    "upload_file": [{}, {"file_url": "/private/files/x.txt", "doctype": "Task", "docname": "2023-T08"}],
}


@pytest.mark.parametrize("username", [None, "xinfeng", "zhanggong", "gongxin", "leader", "office", "admin"])
def test_the_new_methods_answer_every_role_in_json_never_5xx(username):
    """As no one and as each demo account, over GET and POST: JSON, a refusal a 4xx with a Chinese message."""
    from rest_framework.test import APIClient

    caller = client(username) if username else APIClient()
    paths = [f"/api/method/{name}" for name in NEW_METHODS] + [
        "/api/v2/document/Task/2023-T08/copy",
        "/api/v2/document/SelfAssessment/不存在/copy",
        "/api/v2/document/不存在/x/copy",
    ]
    for path in paths:
        for params in NEW_METHODS.get(path.removeprefix("/api/method/"), [{}]):
            query = {k: v if isinstance(v, str | int) else json.dumps(v, ensure_ascii=False) for k, v in params.items()}
            for response in (caller.get(path, query), caller.post(path, params, format="json")):
                where = f"{username} {path} {params}"
                assert response.status_code < 500, where
                answer = response.json()
                if response.status_code >= 400:
                    text = json.dumps(answer, ensure_ascii=False)
                    assert any("\u4e00" <= ch <= "\u9fff" for ch in text), where
