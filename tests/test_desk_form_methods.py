"""The Desk form methods Frappe's mobile app and Desk-style clients call, over /api/method.

frappe/mobile (the Flutter app) saves a form with frappe.desk.form.save.savedocs,
reads docinfo with frappe.desk.form.load.get_docinfo, lists with
frappe.desk.reportview.get_list, removes attachments with
frappe.desk.form.utils.remove_attach and asks frappe.utils.change_log.get_versions;
Desk adds save.cancel, reportview.delete_items, form.utils.get_next, ping and
version. Each answers in Frappe's shape through the rules every other door
applies: scope, role permissions, the workflow's locks and its refusal of a
bare submit or cancel, validation, document events and history. Features this
system does not have (comments, assignments, likes, tags…) answer a 404 in Chinese.
"""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from apps.innovation_action.models import County, Project, SelfAssessment
from apps.lowcode.file.model import File
from tests.test_workflow_api import (
    client,
    create_assessment,
    fill_in,
    get_doc,
    ok,
    refused,
    submitted,
)

pytestmark = pytest.mark.django_db

M = "/api/method/"
SAVEDOCS = "frappe.desk.form.save.savedocs"
WORKFLOW_SUBMIT = (
    "“自评报告”由工作流“自评报告审核流程”办理，不能直接提交；"
    "请使用工作流操作（frappe.model.workflow.apply_workflow），你现在可以执行：提交"
)


def get(username, path, /, **params):
    query = {k: v if isinstance(v, str | int) else json.dumps(v, ensure_ascii=False) for k, v in params.items()}
    return client(username).get(M + path, query)


def post(username, path, /, **params):
    return client(username).post(M + path, params, format="json")


def form_post(username, path, /, **params):
    """As the mobile app sends it: a urlencoded form whose ``doc`` is JSON text."""
    data = {k: v if isinstance(v, str) else json.dumps(v, ensure_ascii=False) for k, v in params.items()}
    return client(username).post(M + path, data)


def savedocs(username, doc: dict, action="Save", form=True):
    send = form_post if form else post
    return send(username, SAVEDOCS, doc=doc, action=action)


def fields_of(doc: dict) -> dict:
    """A form's document without what only a form carries (Frappe's __onload and localname)."""
    return {k: v for k, v in doc.items() if k not in ("__onload", "localname")}


def in_chinese(message: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in message)


# ------------------------------------------------------------------ savedocs: Save


def test_savedocs_creates_a_new_form_as_the_mobile_app_sends_it():
    body = savedocs(
        "zhanggong",
        {
            "doctype": "SelfAssessment",
            "name": "new-selfassessment-1",
            "__islocal": 1,
            "__unsaved": 1,
            "docstatus": 0,
            "period": "2023-Y",
            "county": "章贡区",
        },
    ).json()
    doc = body["docs"][0]
    assert (doc["name"], doc["workflow_state"], len(doc["lines"])) == ("2023-Y-章贡区", "草稿", 15)  # after_insert ran
    assert doc["localname"] == "new-selfassessment-1"
    assert body["docinfo"]["name"] == doc["name"] and body["docinfo"]["permissions"]["write"] == 1
    assert json.loads(json.loads(body["_server_messages"])[0])["message"] == "已保存"
    # The same document the resource route gives (the form's localname aside).
    assert fields_of(doc) == get_doc("zhanggong", doc["name"])
    loaded = get("zhanggong", "frappe.desk.form.load.getdoc", doctype="SelfAssessment", name=doc["name"]).json()
    assert doc["__onload"] == loaded["docs"][0]["__onload"] and body["docinfo"] == loaded["docinfo"]
    assert SelfAssessment.objects.get(name=doc["name"]).history.count() == 1


def test_savedocs_names_a_prompt_named_record_by_newname_never_by_the_placeholder():
    new = {"doctype": "County", "__islocal": 1, "name": "new-county-1", "order": 99}
    body = savedocs("admin", {**new, "__newname": "测试区"}).json()
    assert (body["docs"][0]["name"], body["docs"][0]["localname"]) == ("测试区", "new-county-1")
    assert fields_of(body["docs"][0]) == ok(client("admin").get("/api/resource/County/测试区"))
    # Without __newname the placeholder is not a name: the name is missing, as on POST without one.
    message = refused(savedocs("admin", new), 417, "MandatoryError")
    assert message == refused(
        client("admin").post("/api/resource/County", {"order": 99}, format="json"), 417, "MandatoryError"
    )
    # The office may not create counties, through either door.
    refused(savedocs("office", {**new, "__newname": "另一区"}), 403, "PermissionError")
    assert not County.objects.filter(name__in=["new-county-1", "另一区"]).exists()


def test_savedocs_saves_edits_with_child_rows_events_and_history():
    name = create_assessment()["name"]
    doc = get_doc("zhanggong", name)
    versions = SelfAssessment.objects.get(name=name).history.count()
    doc["summary"] = "移动端保存"
    doc["lines"][0].update(self_score=3, evidence="年报", __unsaved=1)
    body = savedocs("zhanggong", {**doc, "__unsaved": 1, "__last_sync_on": "2023-01-01"}).json()
    saved = body["docs"][0]
    assert saved["summary"] == "移动端保存" and saved["lines"][0]["self_score"] == 3
    assert saved["self_total"] == 3  # on_update recomputed the totals
    assert "localname" not in saved
    assert fields_of(saved) == get_doc("zhanggong", name)
    assert SelfAssessment.objects.get(name=name).history.count() > versions
    # A JSON body works the same; a stale copy is refused, as on PUT and frappe.client.save.
    refused(savedocs("zhanggong", {**doc, "summary": "旧副本"}, form=False), 417, "TimestampMismatchError")


def test_savedocs_save_refusals_are_the_resource_routes():
    name = create_assessment()["name"]
    doc = get_doc("zhanggong", name)

    def same_as_resource(username, data: dict, status: int, exc_type: str) -> str:
        """savedocs refuses with the very answer the resource route gives (status, exc_type, message)."""
        answer = refused(savedocs(username, data), status, exc_type)
        fields = {k: v for k, v in data.items() if not k.startswith("__")}
        if data.get("__islocal"):
            resource = client(username).post("/api/resource/SelfAssessment", fields, format="json")
        else:
            resource = client(username).put(f"/api/resource/SelfAssessment/{name}", fields, format="json")
        assert refused(resource, status, exc_type) == answer
        return answer

    # Another county: does not exist for it, and nothing of the document comes back.
    same_as_resource("xinfeng", {**doc, "summary": "越权"}, 404, "DoesNotExistError")
    assert "docs" not in savedocs("xinfeng", {**doc, "summary": "越权"}).json()
    new = {"doctype": "SelfAssessment", "__islocal": 1, "period": "2023-Y"}
    # Creating in another county's name: the link is out of its scope.
    same_as_resource("xinfeng", {**new, "county": "章贡区"}, 417, "LinkValidationError")
    # The leading group reads assessments and may not create one.
    same_as_resource("leader", {**new, "county": "章贡区"}, 403, "PermissionError")
    # A second assessment of the same county and period.
    same_as_resource("zhanggong", {**new, "county": "章贡区"}, 409, "DuplicateEntryError")
    # Unknown fields, in Chinese.
    assert in_chinese(same_as_resource("zhanggong", {**doc, "no_such_field": 1}, 417, "DataError"))
    assert SelfAssessment.objects.get(name=name).summary == ""


def test_savedocs_holds_the_workflow_locks():
    name = submitted()
    doc = get_doc("zhanggong", name)
    message = refused(savedocs("zhanggong", {**doc, "summary": "再改一下"}), 403, "PermissionError")
    assert message == "单据处于“待初审”状态，只有领导小组办公室可以修改"
    office_doc = get_doc("office", name)
    message = refused(savedocs("office", {**office_doc, "summary": "办公室改写"}, "Update"), 417, "ValidationError")
    assert message == "单据处于“待初审”状态，不能修改：自评总体情况"
    assert SelfAssessment.objects.get(name=name).summary == ""


# ------------------------------------------------------------------ savedocs: Submit, Update, Cancel


def test_savedocs_submit_refuses_exactly_like_frappe_client_submit():
    name = create_assessment()["name"]
    fill_in("zhanggong", name)
    doc = get_doc("zhanggong", name)
    before = SelfAssessment.objects.get(name=name)
    via_client = refused(
        post("zhanggong", "frappe.client.submit", doc={"doctype": "SelfAssessment", "name": name}),
        417,
        "ValidationError",
    )
    assert via_client == WORKFLOW_SUBMIT
    # Edits sent with Submit are not saved either: the whole call is refused.
    assert (
        refused(savedocs("zhanggong", {**doc, "summary": "提交时改"}, "Submit"), 417, "ValidationError") == via_client
    )
    # Update of a draft is a submission (docstatus 0 to 1), refused the same way.
    assert refused(savedocs("zhanggong", doc, "Update"), 417, "ValidationError") == via_client
    after = SelfAssessment.objects.get(name=name)
    assert (after.docstatus, after.summary, after.modified) == (0, before.summary, before.modified)
    # Another county: not found, as through frappe.client.submit.
    refused(savedocs("xinfeng", doc, "Submit"), 404, "DoesNotExistError")
    refused(
        post("xinfeng", "frappe.client.submit", doc={"doctype": "SelfAssessment", "name": name}),
        404,
        "DoesNotExistError",
    )
    # Office cannot 提交 a county's draft: the same message, with nothing it may do.
    office = refused(savedocs("office", get_doc("office", name), "Submit"), 417, "ValidationError")
    assert office == refused(
        post("office", "frappe.client.submit", doc={"doctype": "SelfAssessment", "name": name}), 417, "ValidationError"
    )
    assert office.endswith("你现在没有可以提交它的操作")


def test_savedocs_submit_of_a_new_form_is_refused_and_saves_nothing():
    new = {
        "doctype": "SelfAssessment",
        "__islocal": 1,
        "name": "new-selfassessment-1",
        "period": "2023-Y",
        "county": "章贡区",
    }
    message = refused(savedocs("zhanggong", new, "Submit"), 417, "ValidationError")
    assert message == (
        "“自评报告”由工作流“自评报告审核流程”办理，不能直接提交；"
        "请先保存，再使用工作流操作（frappe.model.workflow.apply_workflow）"
    )
    assert "不能直接作废" in refused(savedocs("zhanggong", new, "Cancel"), 417, "ValidationError")
    assert not SelfAssessment.objects.filter(period__name="2023-Y").exists()
    # Someone who may not create one is refused for that first.
    refused(savedocs("leader", new, "Submit"), 403, "PermissionError")
    # A doctype without a workflow is not submittable, as Frappe's answer for one.
    message = refused(savedocs("office", {"doctype": "Project", "__islocal": 1}, "Submit"), 417, "ValidationError")
    assert message == refused(
        post("office", "frappe.client.submit", doc={"doctype": "Project", "name": "2023-P12"}), 417, "ValidationError"
    )
    assert message.endswith("不是可提交的单据类型，不能提交")


def test_savedocs_update_of_a_submitted_document_saves_through_the_workflow_rights():
    name = submitted()
    doc = get_doc("office", name)
    doc["lines"][0].update(reviewed_score=1.5, review_comment="属实")
    versions = SelfAssessment.objects.get(name=name).history.count()
    response = savedocs("office", doc, "Update")
    assert response.status_code == 200, response.json()
    saved = response.json()["docs"][0]
    assert (saved["lines"][0]["reviewed_score"], saved["lines"][0]["review_comment"]) == (1.5, "属实")
    assert fields_of(saved) == get_doc("office", name)
    stored = SelfAssessment.objects.get(name=name)
    assert (stored.docstatus, stored.workflow_state) == (1, "待初审") and stored.history.count() > versions
    # Save answers the same as Update for a submitted document: the workflow state decides what may change.
    saved["lines"][0]["review_comment"] = "再核"
    assert savedocs("office", saved).json()["docs"][0]["lines"][0]["review_comment"] == "再核"
    # The county may no longer change it, whichever action it sends.
    for action in ("Save", "Update"):
        message = refused(savedocs("zhanggong", get_doc("zhanggong", name), action), 403, "PermissionError")
        assert message == "单据处于“待初审”状态，只有领导小组办公室可以修改"


def test_savedocs_cancel_and_save_cancel_point_to_the_workflow():
    name = submitted()
    via_client = refused(
        post("office", "frappe.client.cancel", doctype="SelfAssessment", name=name), 417, "ValidationError"
    )
    assert "不能直接作废" in via_client
    assert refused(savedocs("office", get_doc("office", name), "Cancel"), 417, "ValidationError") == via_client
    assert (
        refused(
            post("office", "frappe.desk.form.save.cancel", doctype="SelfAssessment", name=name), 417, "ValidationError"
        )
        == via_client
    )
    refused(
        post("xinfeng", "frappe.desk.form.save.cancel", doctype="SelfAssessment", name=name), 404, "DoesNotExistError"
    )
    assert SelfAssessment.objects.get(name=name).docstatus == 1
    message = refused(
        post("office", "frappe.desk.form.save.cancel", doctype="Project", name="2023-P12"), 417, "ValidationError"
    )
    assert message == refused(
        post("office", "frappe.client.cancel", doctype="Project", name="2023-P12"), 417, "ValidationError"
    )
    assert message.endswith("不是可提交的单据类型，不能作废")


@pytest.mark.parametrize(
    "params, status, exc_type",
    [
        ({"doc": {"doctype": "SelfAssessment"}, "action": "Approve"}, 417, "ValidationError"),
        ({"doc": {"doctype": "SelfAssessment"}}, 417, "ValidationError"),
        ({"doc": "{bad json", "action": "Save"}, 417, "ValidationError"),
        ({"doc": "[1, 2]", "action": "Save"}, 417, "ValidationError"),
        ({"doc": {"doctype": "Nope"}, "action": "Save"}, 404, "DoesNotExistError"),
        ({"doc": {"doctype": "SelfAssessment", "name": "nope"}, "action": "Save"}, 404, "DoesNotExistError"),
    ],
)
def test_savedocs_bad_input_is_a_chinese_4xx(params, status, exc_type):
    assert in_chinese(refused(form_post("zhanggong", SAVEDOCS, **params), status, exc_type))


def test_savedocs_and_cancel_take_post_only_and_need_a_login():
    refused(get("zhanggong", SAVEDOCS, doc={"doctype": "SelfAssessment"}, action="Save"), 405, "MethodNotAllowedError")
    refused(
        get("office", "frappe.desk.form.save.cancel", doctype="Project", name="2023-P12"), 405, "MethodNotAllowedError"
    )
    response = APIClient().post(M + SAVEDOCS, {"doc": "{}", "action": "Save"})
    refused(response, 403, "PermissionError")


# ------------------------------------------------------------------ get_docinfo, get_next, get_list


def test_get_docinfo_is_getdocs_docinfo_within_scope():
    name = create_assessment()["name"]
    body = form_post("zhanggong", "frappe.desk.form.load.get_docinfo", doctype="SelfAssessment", name=name).json()
    loaded = get("zhanggong", "frappe.desk.form.load.getdoc", doctype="SelfAssessment", name=name).json()
    assert set(body) == {"docinfo"} and body["docinfo"] == loaded["docinfo"]
    refused(
        get("xinfeng", "frappe.desk.form.load.get_docinfo", doctype="SelfAssessment", name=name),
        404,
        "DoesNotExistError",
    )


def test_get_next_walks_the_list_within_scope():
    names = list(Project.objects.order_by("-creation", "-name").values_list("name", flat=True))
    middle = names[len(names) // 2]
    creation = Project.objects.get(name=middle).creation
    older = Project.objects.filter(creation__lt=creation).order_by("-creation").values_list("name", flat=True).first()
    newer = Project.objects.filter(creation__gt=creation).order_by("creation").values_list("name", flat=True).first()
    assert ok(get("office", "frappe.desk.form.utils.get_next", doctype="Project", value=middle, prev=0)) == older
    assert ok(get("office", "frappe.desk.form.utils.get_next", doctype="Project", value=middle, prev=1)) == newer
    by_number = Project.objects.get(name=middle).number
    following = Project.objects.filter(number__gt=by_number).order_by("number").values_list("name", flat=True).first()
    assert (
        ok(
            get(
                "office",
                "frappe.desk.form.utils.get_next",
                doctype="Project",
                value=middle,
                prev=0,
                sort_field="number",
                sort_order="asc",
            )
        )
        == following
    )
    # The end of the list: nothing, and a message.
    last = Project.objects.order_by("number").last().name
    body = get(
        "office",
        "frappe.desk.form.utils.get_next",
        doctype="Project",
        value=last,
        prev=0,
        sort_field="number",
        sort_order="asc",
    ).json()
    assert body["message"] is None and "没有更多记录了" in body["_server_messages"]
    # A county walks its own projects only: the next one is its own, and another county's is not found.
    own = list(Project.objects.filter(county__name="章贡区").order_by("number").values_list("name", flat=True))
    assert (
        ok(
            get(
                "zhanggong",
                "frappe.desk.form.utils.get_next",
                doctype="Project",
                value=own[0],
                prev=0,
                sort_field="number",
                sort_order="asc",
                filters={"county": "章贡区"},
            )
        )
        == own[1]
    )
    assert (
        ok(
            get(
                "zhanggong",
                "frappe.desk.form.utils.get_next",
                doctype="Project",
                value=own[0],
                prev=0,
                sort_field="number",
                sort_order="asc",
            )
        )
        == own[1]
    )
    other = Project.objects.exclude(county__name="章贡区").first().name
    refused(
        get("zhanggong", "frappe.desk.form.utils.get_next", doctype="Project", value=other, prev=0),
        404,
        "DoesNotExistError",
    )
    refused(
        get(
            "office", "frappe.desk.form.utils.get_next", doctype="Project", value=middle, prev=0, sort_order="sideways"
        ),
        417,
        "ValidationError",
    )


def test_reportview_get_list_equals_get_list_and_the_resource_route():
    params = {"fields": ["name", "county", "number"], "filters": [["number", ">", 3]], "order_by": "number asc"}
    rows = ok(get("office", "frappe.desk.reportview.get_list", doctype="Project", limit=5, **params))
    assert len(rows) == 5
    assert rows == ok(get("office", "frappe.client.get_list", doctype="Project", limit_page_length=5, **params))
    assert rows == ok(
        client("office").get(
            "/api/resource/Project",
            {
                **{k: json.dumps(v, ensure_ascii=False) if not isinstance(v, str) else v for k, v in params.items()},
                "limit_page_length": 5,
            },
        )
    )
    # A county lists its own only.
    mine = ok(get("xinfeng", "frappe.desk.reportview.get_list", doctype="Project", fields=["county"], limit=500))
    assert mine and {row["county"] for row in mine} == {"信丰县"}


# ------------------------------------------------------------------ delete_items, remove_attach


def test_delete_items_deletes_each_through_the_same_rules():
    mine = [create_assessment()["name"]]
    other = create_assessment("xinfeng", county="信丰县")["name"]
    # Another county's document does not exist for this user: it is reported back, never deleted.
    body = form_post(
        "zhanggong", "frappe.desk.reportview.delete_items", doctype="SelfAssessment", items=[*mine, other]
    ).json()
    assert body["message"] == [other]
    assert "未能删除" in body["_server_messages"]
    assert not SelfAssessment.objects.filter(name=mine[0]).exists()
    assert SelfAssessment.objects.filter(name=other).exists()
    # All gone: an empty list.
    body = form_post("xinfeng", "frappe.desk.reportview.delete_items", doctype="SelfAssessment", items=[other]).json()
    assert body["message"] == [] and "已删除 1 张自评报告" in body["_server_messages"]
    assert not SelfAssessment.objects.filter(name=other).exists()


def test_delete_items_keeps_what_the_workflow_locks_and_refuses_without_delete_rights():
    name = submitted()
    body = form_post("zhanggong", "frappe.desk.reportview.delete_items", doctype="SelfAssessment", items=[name]).json()
    assert body["message"] == [name]
    assert SelfAssessment.objects.filter(name=name).exists()
    # The leading group may not delete assessments at all: refused outright, as DELETE /api/resource.
    message = refused(
        form_post("leader", "frappe.desk.reportview.delete_items", doctype="SelfAssessment", items=[name]),
        403,
        "PermissionError",
    )
    assert message == refused(client("leader").delete(f"/api/resource/SelfAssessment/{name}"), 403, "PermissionError")
    refused(
        get("office", "frappe.desk.reportview.delete_items", doctype="SelfAssessment", items=[name]),
        405,
        "MethodNotAllowedError",
    )
    refused(
        form_post("office", "frappe.desk.reportview.delete_items", doctype="SelfAssessment", items="nope"),
        417,
        "ValidationError",
    )
    refused(
        form_post("office", "frappe.desk.reportview.delete_items", doctype="SelfAssessment", items=["x"] * 201),
        417,
        "ValidationError",
    )


def test_remove_attach_as_delete_on_the_file(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    name = create_assessment()["name"]
    upload = client("zhanggong").post(
        M + "upload_file",
        {"file": SimpleUploadedFile("证明.txt", b"x"), "doctype": "SelfAssessment", "docname": name},
    )
    fid = ok(upload)["name"]
    refused(
        form_post("xinfeng", "frappe.desk.form.utils.remove_attach", fid=fid, dt="SelfAssessment", dn=name),
        404,
        "DoesNotExistError",
    )
    refused(
        form_post("zhanggong", "frappe.desk.form.utils.remove_attach", fid=fid, dt="SelfAssessment", dn="other"),
        404,
        "DoesNotExistError",
    )
    assert File.objects.filter(name=fid).exists()
    assert (
        form_post(
            "zhanggong", "frappe.desk.form.utils.remove_attach", fid=fid, dt="SelfAssessment", dn=name
        ).status_code
        == 200
    )
    assert not File.objects.filter(name=fid).exists()


# ------------------------------------------------------------------ ping, version, get_versions


def test_ping_and_version_answer_guests():
    guest = APIClient()
    assert guest.get(M + "ping").json() == {"message": "pong"}
    assert guest.get(M + "frappe.ping").json() == {"message": "pong"}
    assert guest.post(M + "ping").json() == {"message": "pong"}
    assert guest.get(M + "version").json()["message"].startswith("15.")


def test_get_versions_for_users_only():
    versions = ok(get("zhanggong", "frappe.utils.change_log.get_versions"))
    assert versions["frappe"]["version"].startswith("15.")
    for app in versions.values():
        assert set(app) >= {"title", "description", "branch", "version"}
    assert "lowcode" in versions and "innovation_action" in versions
    assert versions["lowcode"]["title"] == "低代码平台"
    refused(APIClient().get(M + "frappe.utils.change_log.get_versions"), 403, "PermissionError")


# ------------------------------------------------------------------ what this system does not have


@pytest.mark.parametrize(
    "method, feature",
    [
        ("frappe.desk.form.utils.add_comment", "评论"),
        ("frappe.desk.form.assign_to.add", "指派"),
        ("frappe.desk.form.assign_to.remove", "指派"),
        ("frappe.desk.like.toggle_like", "点赞"),
        ("frappe.desk.doctype.tag.tag.add_tag", "标签"),
        ("frappe.share.add", "共享单据"),
        ("frappe.core.doctype.communication.email.make", "邮件往来"),
        ("frappe.desk.desktop.get_desktop_page", "工作区"),
        ("frappe.client.get_js", "Frappe 前端脚本"),
    ],
)
def test_features_this_system_lacks_answer_a_chinese_404(method, feature):
    for response in (form_post("zhanggong", method, reference_doctype="SelfAssessment"), get("office", method)):
        message = refused(response, 404, "DoesNotExistError")
        assert message == f"本系统没有{feature}功能，接口方法 {method} 不可用"
    assert (
        refused(get("office", "frappe.no.such.method"), 404, "DoesNotExistError")
        == "接口方法 frappe.no.such.method 不存在"
    )


# ------------------------------------------------------------------ every role, hostile arguments

DESK_FORM_METHODS = {  # each method added here, with ordinary and hostile arguments
    SAVEDOCS: [
        {
            "doc": {"doctype": "SelfAssessment", "__islocal": 1, "period": "2023-Y", "county": "章贡区"},
            "action": "Save",
        },
        {"doc": {"doctype": "SelfAssessment", "name": "2023-Y-章贡区", "summary": "x"}, "action": "Update"},
        {"doc": {"doctype": "Project", "name": "2023-P12"}, "action": "Submit"},
        {"doc": {"doctype": "Project", "name": "2023-P12"}, "action": "Cancel"},
        {"doc": ["SelfAssessment"], "action": "Save"},
        {"doc": {"doctype": 7, "name": {"a": 1}}, "action": "save"},
        {"doc": {"doctype": "SelfAssessment", "name": ["x"], "lines": "全部"}, "action": "Save"},
        {"doc": {"doctype": "SelfAssessment", "__islocal": 1, "lines": [1, 2]}, "action": "Save"},
        {"doc": "{not json", "action": None},
    ],
    "frappe.desk.form.save.cancel": [
        {"doctype": "SelfAssessment", "name": "2023-Y-章贡区"},
        {"doctype": ["SelfAssessment"], "name": {"x": 1}},
    ],
    "frappe.desk.form.load.get_docinfo": [
        {"doctype": "Project", "name": "2023-P12"},
        {"doctype": "Project", "name": ""},
        {"doctype": {"a": 1}, "name": [1]},
    ],
    "frappe.desk.form.utils.get_next": [
        {"doctype": "Project", "value": "2023-P12", "prev": 0},
        {"doctype": "Project", "value": "2023-P12", "prev": "向前", "sort_field": "name; DROP TABLE x"},
        {"doctype": "Project", "value": "2023-P12", "prev": 1, "sort_field": "no_such", "filters": "{bad"},
        {"doctype": "Project", "value": {"a": 1}, "sort_order": ["asc"]},
    ],
    "frappe.desk.form.utils.remove_attach": [
        {"fid": "nope", "dt": "Project", "dn": "2023-P12"},
        {"fid": ["x"], "dt": {"a": 1}},
    ],
    "frappe.desk.reportview.get_list": [
        {"doctype": "Project", "fields": ["name"], "limit": 3},
        {"doctype": "Project", "fields": "{bad", "limit": "很多", "start": -1},
        {"doctype": "Project", "fields": ["password", "owner.password"], "filters": [["name", "like", "%"]]},
    ],
    "frappe.desk.reportview.delete_items": [
        {"doctype": "SelfAssessment", "items": ["2023-Y-章贡区", "不存在"]},
        {"doctype": "SelfAssessment Line", "items": ["x"]},
        {"doctype": "Project", "items": {"a": 1}},
        {"doctype": "Project", "items": [[1], {"a": 1}]},
    ],
    "frappe.desk.listview.get_group_by_count": [
        {"doctype": "Project", "current_filters": [], "field": "county"},
        {"doctype": "Project", "current_filters": "{bad", "field": "county) OR (1=1"},
        {"doctype": "SelfAssessment", "current_filters": {"county": "信丰县"}, "field": ["owner"]},
    ],
    "frappe.core.doctype.system_settings.system_settings.load": [{}],
    "ping": [{}],
    "frappe.ping": [{}],
    "version": [{}],
    "frappe.utils.change_log.get_versions": [{}, {"app": "frappe"}],
}


@pytest.mark.parametrize("username", [None, "xinfeng", "zhanggong", "gongxin", "leader", "office", "admin"])
def test_the_desk_form_methods_answer_every_role_in_json_never_5xx(username):
    """Each method, as no one and as each demo account, with ordinary and hostile arguments over GET and
    POST (a JSON body and a form): an answer in JSON, a refusal a 4xx with a Chinese message."""
    caller = client(username) if username else APIClient()
    for method, calls in DESK_FORM_METHODS.items():
        for params in calls:
            as_text = {
                k: v if isinstance(v, str | int) else json.dumps(v, ensure_ascii=False)
                for k, v in params.items()
                if v is not None
            }
            for response in (
                caller.get(M + method, as_text),
                caller.post(M + method, params, format="json"),
                caller.post(M + method, as_text),
            ):
                where = f"{username} {method} {params}"
                assert response.status_code < 500, where
                body = response.json()
                if response.status_code >= 400:
                    assert in_chinese(json.dumps(body, ensure_ascii=False)), where


# ------------------------------------------------------------------ the list sidebar and system settings


def test_group_by_count_counts_within_scope_as_get_list_groups():
    office = ok(
        form_post(
            "office", "frappe.desk.listview.get_group_by_count", doctype="Project", current_filters=[], field="county"
        )
    )
    assert office[0] == max(office, key=lambda row: row["count"]) and all(
        set(row) == {"count", "name"} for row in office
    )
    assert {row["name"]: row["count"] for row in office} == {
        county: Project.objects.filter(county__name=county).count()
        for county in Project.objects.values_list("county__name", flat=True).distinct()
    }
    assert office == ok(
        get(
            "office",
            "frappe.client.get_list",
            doctype="Project",
            fields=["count(*) as count", "county as name"],
            group_by="county",
            order_by="count desc",
        )
    )
    # A county counts its own only; current_filters narrow the count.
    assert ok(
        form_post(
            "zhanggong",
            "frappe.desk.listview.get_group_by_count",
            doctype="Project",
            current_filters=[],
            field="county",
        )
    ) == [{"count": Project.objects.filter(county__name="章贡区").count(), "name": "章贡区"}]
    assert ok(
        form_post(
            "office",
            "frappe.desk.listview.get_group_by_count",
            doctype="Project",
            current_filters={"county": "崇义县"},
            field="county",
        )
    ) == [{"count": Project.objects.filter(county__name="崇义县").count(), "name": "崇义县"}]
    # Nothing is assigned here; an unknown field is a DataError.
    assert ok(get("office", "frappe.desk.listview.get_group_by_count", doctype="Project", field="assigned_to")) == []
    refused(
        get("office", "frappe.desk.listview.get_group_by_count", doctype="Project", field="no_such"), 417, "DataError"
    )
    refused(
        get("zhanggong", "frappe.desk.listview.get_group_by_count", doctype="Nope", field="name"),
        404,
        "DoesNotExistError",
    )


def test_system_settings_for_the_system_manager_only():
    settings = ok(form_post("admin", "frappe.core.doctype.system_settings.system_settings.load"))
    assert settings["defaults"]["date_format"] == "yyyy-mm-dd" and settings["timezones"] == [
        settings["defaults"]["time_zone"]
    ]
    boot = ok(get("admin", "frappe.sessions.get"))
    assert settings["defaults"] == boot["sysdefaults"]
    for username in ("office", "zhanggong"):
        message = refused(
            form_post(username, "frappe.core.doctype.system_settings.system_settings.load"), 403, "PermissionError"
        )
        assert message == "只有系统管理员可以查看系统设置"
