"""The self-assessment workflow through Frappe's API, as the counties, the office and the leading group use it.

Every test drives the real API against the real database: a county fills in
and submits its 自评报告, the office (领导小组办公室) reviews it, the leading
group (领导小组) approves it; refusals answer with Frappe's status and
``exc_type`` and a Chinese message.

The helpers at the top are shared with tests/test_workflow_engine.py.
"""

import json
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from apps.lowcode.workflow.model import Workflow, WorkflowLog, WorkflowTransition

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

DOCTYPE = "SelfAssessment"
WORKFLOW = "自评报告审核流程"
PERIOD = "2023-Y"


# ------------------------------------------------------------------ helpers


def client(username: str) -> APIClient:
    """An API client with a real session of the user (force_login skips only the password hashing)."""
    api = APIClient()
    api.force_login(User.objects.get(username=username))
    return api


def ok(response):
    """The payload of a successful answer: ``data`` of a resource, ``message`` of a method."""
    assert response.status_code == 200, response.content.decode()
    body = response.json()
    return body["data"] if "data" in body else body.get("message")


def deleted(response):
    """A resource DELETE's answer: Frappe's 202 Accepted with ``{"message": "ok"}``."""
    assert response.status_code == 202, response.content.decode()
    assert response.json() == {"message": "ok"}


def refused(response, status: int, exc_type: str) -> str:
    """Assert a Frappe error answer and return its (Chinese) message."""
    body = response.json()
    assert (response.status_code, body.get("exc_type")) == (status, exc_type), body
    return body["message"]


def create_assessment(username="zhanggong", county="章贡区", **fields) -> dict:
    response = client(username).post(
        f"/api/resource/{DOCTYPE}", {"period": PERIOD, "county": county, **fields}, format="json"
    )
    return ok(response)


def get_doc(username, name) -> dict:
    return ok(client(username).get(f"/api/resource/{DOCTYPE}/{name}"))


def put(username, name, data: dict):
    return client(username).put(f"/api/resource/{DOCTYPE}/{name}", data, format="json")


def edit_lines(username, name, **values):
    """PUT the document's lines back with ``values`` set on every line (Frappe clients send whole rows)."""
    doc = get_doc(username, name)
    lines = [{**line, **values} for line in doc["lines"]]
    return put(username, name, {"lines": lines, "modified": doc["modified"]})


def fill_in(username, name, score=2, evidence="统计局年报数据"):
    return ok(edit_lines(username, name, self_score=score, evidence=evidence))


def act(username, name, action, comment="", **seen):
    """frappe.model.workflow.apply_workflow; ``seen`` may carry the modified/workflow_state the client saw."""
    return client(username).post(
        "/api/method/frappe.model.workflow.apply_workflow",
        {
            "doc": json.dumps({"doctype": DOCTYPE, "name": name, **seen}, ensure_ascii=False),
            "action": action,
            "comment": comment,
        },
        format="json",
    )


def transitions(username, name):
    return client(username).get(
        "/api/method/frappe.model.workflow.get_transitions",
        {"doc": json.dumps({"doctype": DOCTYPE, "name": name}, ensure_ascii=False)},
    )


def actions(username, name) -> list[str]:
    return [t["action"] for t in ok(transitions(username, name))]


def timeline(username, name):
    return client(username).get("/api/method/lowcode.workflow.get_timeline", {"doctype": DOCTYPE, "name": name})


def state_of(name) -> tuple[str, int]:
    doc = get_doc("office", name)
    return doc["workflow_state"], doc["docstatus"]


def moves(name) -> list[tuple]:
    """The workflow log of a document: (from, action, to, user, comment, moved)."""
    return [
        (log.from_state, log.action, log.to_state, log.user.username if log.user else None, log.comment, log.moved)
        for log in WorkflowLog.objects.filter(reference_doctype=DOCTYPE, reference_name=name).order_by("id")
    ]


def submitted(county="章贡区", username="zhanggong") -> str:
    """A filled-in assessment its county has submitted (待初审); returns its name."""
    name = create_assessment(username, county)["name"]
    fill_in(username, name)
    ok(act(username, name, "提交"))
    return name


def reviewed(county="章贡区", username="zhanggong") -> str:
    """An assessment the office has passed (待审定)."""
    name = submitted(county, username)
    ok(act("office", name, "初审通过"))
    return name


def set_transition(action, **fields):
    """Change a transition of the default workflow, as an administrator would in the admin."""
    assert WorkflowTransition.objects.filter(workflow__name=WORKFLOW, action=action).update(**fields) == 1


# ------------------------------------------------------------------ the whole scripted flow


def test_full_flow_from_draft_to_approved():
    doc = create_assessment("zhanggong")
    name = doc["name"]
    assert (name, doc["workflow_state"], doc["docstatus"], len(doc["lines"])) == ("2023-Y-章贡区", "草稿", 0, 15)
    assert actions("zhanggong", name) == ["提交"]

    doc = fill_in("zhanggong", name, score=2)
    # 14 lines scored 2 by hand (no values to score automatically); the bonus line (15) is
    # computed from bonus claims, and there are none: 0.
    assert doc["self_total"] == 28 and {line["evidence"] for line in doc["lines"]} == {"统计局年报数据"}
    doc = ok(act("zhanggong", name, "提交"))
    assert (doc["workflow_state"], doc["docstatus"]) == ("待初审", 1)

    # The office returns it; a return needs a reason.
    message = refused(act("office", name, "退回修改"), 417, "ValidationError")
    assert message == "“退回修改”必须填写意见（例如退回原因）"
    assert state_of(name) == ("待初审", 1)
    doc = ok(act("office", name, "退回修改", "第2项缺少统计局证明材料"))
    assert (doc["workflow_state"], doc["docstatus"]) == ("草稿", 0)

    # The county corrects one line and submits again.
    doc = get_doc("zhanggong", name)
    doc["lines"][1].update(self_score=3, evidence="统计局证明（附件）")
    ok(put("zhanggong", name, {"lines": doc["lines"], "modified": doc["modified"]}))
    assert ok(act("zhanggong", name, "提交"))["workflow_state"] == "待初审"

    # The office writes its reviewed scores and opinions, then passes it.
    doc = ok(edit_lines("office", name, reviewed_score=1.5, review_comment="属实"))
    # Line 15 (bonus) is computed from bonus claims (none, so 0): the 1.5 typed there, with its reason
    # (初审意见 "属实"), overrides it rather than being dropped (tests/test_review_override.py).
    assert (doc["self_total"], doc["reviewed_total"]) == (29, 22.5)
    assert doc["lines"][14]["reviewed_overridden"] == 1 and doc["lines"][14]["reviewed_computed"] == 0
    assert actions("office", name) == ["初审通过", "退回修改"]
    assert ok(act("office", name, "初审通过"))["workflow_state"] == "待审定"
    assert actions("office", name) == []

    assert actions("leader", name) == ["审定通过", "退回初审"]
    doc = ok(act("leader", name, "审定通过", "同意"))
    assert (doc["workflow_state"], doc["docstatus"]) == ("已审定", 1)

    assert moves(name) == [
        ("", "新建", "草稿", "zhanggong", "", True),
        ("草稿", "提交", "待初审", "zhanggong", "", True),
        ("待初审", "退回修改", "草稿", "office", "第2项缺少统计局证明材料", True),
        ("草稿", "提交", "待初审", "zhanggong", "", True),
        ("待初审", "初审通过", "待审定", "office", "", True),
        ("待审定", "审定通过", "已审定", "leader", "同意", True),
    ]


def test_an_approved_assessment_is_final():
    name = reviewed()
    ok(act("leader", name, "审定通过"))
    before = get_doc("office", name)
    assert (before["workflow_state"], before["docstatus"]) == ("已审定", 1)

    for user in ("zhanggong", "office", "leader", "admin"):
        assert actions(user, name) == [], user
    message = refused(put("zhanggong", name, {"summary": "补充说明"}), 403, "PermissionError")
    assert "不能再修改" in message and "已审定" in message
    refused(edit_lines("office", name, reviewed_score=1), 403, "PermissionError")
    # No one may delete it: not the county (no delete right), not the administrator (final state).
    refused(client("zhanggong").delete(f"/api/resource/{DOCTYPE}/{name}"), 403, "PermissionError")
    message = refused(client("admin").delete(f"/api/resource/{DOCTYPE}/{name}"), 403, "PermissionError")
    assert "已审定" in message
    assert get_doc("office", name) == before


def test_final_state_refusal_reads_well():
    name = reviewed()
    ok(act("leader", name, "审定通过"))
    assert (
        refused(put("zhanggong", name, {"summary": "补充说明"}), 403, "PermissionError")
        == "单据处于“已审定”状态，已办结，不能再修改"
    )


def test_county_cannot_edit_while_awaiting_final_approval():
    name = reviewed()
    response = put("zhanggong", name, {"summary": "审定前改写"})
    assert get_doc("office", name)["summary"] == ""
    refused(response, 403, "PermissionError")


def test_attachments_of_an_approved_assessment_are_frozen(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    name = create_assessment()["name"]

    def upload():
        return client("zhanggong").post(
            "/api/method/upload_file",
            {
                "file": SimpleUploadedFile("统计年报.pdf", b"%PDF-1.4 x"),
                "doctype": DOCTYPE,
                "docname": name,
            },
            format="multipart",
        )

    evidence = ok(upload())  # a draft takes attachments
    fill_in("zhanggong", name)
    ok(act("zhanggong", name, "提交"))
    ok(act("office", name, "初审通过"))
    ok(act("leader", name, "审定通过"))
    refused(client("zhanggong").delete(f"/api/resource/File/{evidence['name']}"), 403, "PermissionError")
    refused(upload(), 403, "PermissionError")


def test_timeline_lists_every_step_with_user_states_and_comment():
    name = submitted()
    ok(act("office", name, "退回修改", "请补充证明材料"))
    ok(act("zhanggong", name, "提交"))
    ok(act("office", name, "初审通过"))

    result = ok(timeline("zhanggong", name))
    assert [
        (e["action"], e["from_state"], e["to_state"], e["user"], e["comment"], e["moved"]) for e in result["log"]
    ] == [
        ("新建", "", "草稿", "zhanggong", "", 1),
        ("提交", "草稿", "待初审", "zhanggong", "", 1),
        ("退回修改", "待初审", "草稿", "office", "请补充证明材料", 1),
        ("提交", "草稿", "待初审", "zhanggong", "", 1),
        ("初审通过", "待初审", "待审定", "office", "", 1),
    ]
    states = result["states"]
    assert [s["state"] for s in states] == ["草稿", "待初审", "草稿", "待初审", "待审定"]
    assert [s["left"] for s in states[:-1]] == [e["creation"] for e in result["log"][1:]]
    assert states[-1]["left"] is None  # still waiting for the leading group
    assert all(s["seconds"] >= 0 and s["duration"] == "不到1分钟" for s in states)


def test_timeline_durations_per_state():
    name = reviewed()
    ok(act("leader", name, "审定通过"))
    # Move the log back in time as if the review had taken days.
    now = timezone.now()
    times = [
        now - timedelta(days=3),
        now - timedelta(days=1, hours=22),
        now - timedelta(days=1, hours=21, minutes=15),
        now - timedelta(hours=3, minutes=5),
    ]
    logs = WorkflowLog.objects.filter(reference_doctype=DOCTYPE, reference_name=name).order_by("id")
    for log, when in zip(logs, times, strict=True):
        WorkflowLog.objects.filter(pk=log.pk).update(creation=when)

    states = ok(timeline("office", name))["states"]
    assert [(s["state"], s["seconds"], s["duration"]) for s in states[:-1]] == [
        ("草稿", 26 * 3600, "1天2小时"),
        ("待初审", 45 * 60, "45分钟"),
        ("待审定", (42 * 3600) + (10 * 60), "1天18小时"),
    ]
    final = states[-1]
    assert (final["state"], final["left"], final["duration"]) == ("已审定", None, "3小时5分钟")
    assert 3 * 3600 + 5 * 60 <= final["seconds"] < 3 * 3600 + 6 * 60


# ------------------------------------------------------------------ refusals


def test_another_county_cannot_see_or_act():
    name = submitted()
    for response in (transitions("xinfeng", name), act("xinfeng", name, "退回修改", "x"), timeline("xinfeng", name)):
        assert refused(response, 404, "DoesNotExistError") == f"自评报告 {name} 不存在"
    assert moves(name)[-1][:3] == ("草稿", "提交", "待初审")
    assert state_of(name) == ("待初审", 1)


def test_unit_liaison_cannot_submit_a_county_assessment():
    name = create_assessment()["name"]
    assert refused(act("gongxin", name, "提交"), 404, "DoesNotExistError") == f"自评报告 {name} 不存在"
    assert state_of(name) == ("草稿", 0)


def test_county_user_cannot_pass_the_first_review():
    name = submitted()
    assert (
        refused(act("zhanggong", name, "初审通过"), 403, "WorkflowPermissionError")
        == "“初审通过”只能由以下角色办理：领导小组办公室"
    )
    assert state_of(name) == ("待初审", 1)


def test_office_cannot_give_the_final_approval():
    name = reviewed()
    assert (
        refused(act("office", name, "审定通过"), 403, "WorkflowPermissionError")
        == "“审定通过”只能由以下角色办理：领导小组"
    )
    assert state_of(name) == ("待审定", 1)


def test_action_not_offered_in_the_current_state():
    name = create_assessment()["name"]
    assert (
        refused(act("zhanggong", name, "审定通过"), 417, "WorkflowTransitionError")
        == "单据当前状态为“草稿”，不能执行“审定通过”（你可以执行：提交）"
    )
    assert (
        refused(act("office", name, "不存在的操作"), 417, "WorkflowTransitionError")
        == "单据当前状态为“草稿”，不能执行“不存在的操作”（你可以执行：无）"
    )
    assert len(moves(name)) == 1


def test_county_user_cannot_edit_while_under_review():
    name = submitted()
    message = refused(put("zhanggong", name, {"summary": "再改一下"}), 403, "PermissionError")
    assert message == "单据处于“待初审”状态，只有领导小组办公室可以修改"
    assert get_doc("zhanggong", name)["summary"] == ""


def test_office_may_change_only_the_review_columns_under_review():
    name = submitted()
    message = refused(edit_lines("office", name, self_score=3), 417, "ValidationError")
    assert message == "单据处于“待初审”状态，不能修改：自评明细·自评分"
    message = refused(put("office", name, {"summary": "办公室改写"}), 417, "ValidationError")
    assert message == "单据处于“待初审”状态，不能修改：自评总体情况"
    doc = get_doc("office", name)
    assert {line["self_score"] for line in doc["lines"][:14]} == {2} and doc["summary"] == ""

    doc = ok(edit_lines("office", name, reviewed_score=1, review_comment="佐证充分"))
    # 14 lines scored by hand, and the bonus line's computed 0 overridden with its reason: 15.
    assert doc["reviewed_total"] == 15 and {line["review_comment"] for line in doc["lines"]} == {"佐证充分"}


def test_state_field_cannot_be_set_by_saving():
    name = create_assessment()["name"]
    message = refused(put("zhanggong", name, {"workflow_state": "待初审"}), 417, "ValidationError")
    assert message == "不能直接修改工作流状态（当前“草稿”），请使用工作流操作"
    # Echoing the current state back with an edit is fine.
    assert ok(put("zhanggong", name, {"workflow_state": "草稿", "summary": "已完成"}))["summary"] == "已完成"
    assert state_of(name) == ("草稿", 0) and len(moves(name)) == 1


def test_import_cannot_start_in_a_later_state():
    response = client("office").post(
        f"/api/resource/{DOCTYPE}", {"period": PERIOD, "county": "章贡区", "workflow_state": "已审定"}, format="json"
    )
    assert refused(response, 417, "ValidationError") == "新单据只能从“草稿”状态开始，不能直接设为“已审定”"
    assert ok(client("office").get(f"/api/resource/{DOCTYPE}")) == []
    assert not WorkflowLog.objects.filter(reference_doctype=DOCTYPE).exists()


def test_scores_out_of_range_are_refused():
    name = create_assessment()["name"]
    doc = get_doc("zhanggong", name)
    # (The limit reads "10.00" today: see test_score_limit_reads_as_a_whole_number.)
    for score in (10.5, -1):  # indicator 11 is worth 10 points
        doc["lines"][10]["self_score"] = score
        message = refused(put("zhanggong", name, {"lines": doc["lines"]}), 417, "ValidationError")
        assert message.startswith("子表“自评明细”第11行：自评分：第11项自评分应在 0 到 10")
    assert get_doc("zhanggong", name)["lines"][10]["self_score"] is None

    fill_in("zhanggong", name)
    ok(act("zhanggong", name, "提交"))
    message = refused(edit_lines("office", name, reviewed_score=61), 417, "ValidationError")
    # Indicator 1 has no points of its own: an equal share of the group's 60, 6 points.
    assert message.startswith("子表“自评明细”第1行：初审得分：第1项初审得分应在 0 到 6 分之间")
    # Until the office writes its own, the reviewed scores are the self scores (14 × 2).
    assert get_doc("office", name)["reviewed_total"] == 28


def test_score_limit_reads_as_a_whole_number():
    doc = create_assessment()
    doc["lines"][10]["self_score"] = 10.5
    message = refused(put("zhanggong", doc["name"], {"lines": doc["lines"]}), 417, "ValidationError")
    assert message == "子表“自评明细”第11行：自评分：第11项自评分应在 0 到 10 分之间"


# ------------------------------------------------------------------ stale actions


def test_action_on_a_stale_copy_is_refused():
    name = create_assessment()["name"]
    seen = get_doc("zhanggong", name)
    fill_in("zhanggong", name)  # someone saved since
    message = refused(act("zhanggong", name, "提交", modified=seen["modified"]), 417, "TimestampMismatchError")
    assert message == f"{name} 已被他人修改，请刷新后再办理"
    assert state_of(name) == ("草稿", 0)

    fresh = get_doc("zhanggong", name)
    assert (
        ok(act("zhanggong", name, "提交", modified=fresh["modified"], workflow_state="草稿"))["workflow_state"]
        == "待初审"
    )


def test_action_on_a_copy_in_an_older_state_is_refused():
    name = submitted()
    ok(act("office", name, "退回修改", "请补充"))
    # Another office member's screen still shows 待初审.
    message = refused(act("office", name, "初审通过", workflow_state="待初审"), 417, "TimestampMismatchError")
    assert message == f"{name} 的状态已变为“草稿”（你看到的是“待初审”），请刷新后再办理"
    assert state_of(name) == ("草稿", 0)
    assert moves(name)[-1][:3] == ("待初审", "退回修改", "草稿")


# ------------------------------------------------------------------ bulk actions


def bulk(username, names, action, comment=""):
    return ok(
        client(username).post(
            "/api/method/frappe.model.workflow.bulk_workflow_approval",
            {
                "docnames": json.dumps(names, ensure_ascii=False),
                "doctype": DOCTYPE,
                "action": action,
                "comment": comment,
            },
            format="json",
        )
    )


def common_actions(username, names):
    return ok(
        client(username).get(
            "/api/method/frappe.model.workflow.get_common_transition_actions",
            {
                "docs": json.dumps([{"name": n} for n in names], ensure_ascii=False),
                "doctype": DOCTYPE,
            },
        )
    )


def test_bulk_approval_reports_each_document():
    zhanggong, xinfeng = submitted("章贡区", "zhanggong"), submitted("信丰县", "xinfeng")
    nankang = create_assessment("office", "南康区")["name"]  # the office opens it; still a draft
    result = bulk("office", [zhanggong, nankang, xinfeng, "2023-Y-不存在"], "初审通过")
    assert result == {
        "succeeded": [zhanggong, xinfeng],
        "failed": [
            {"name": nankang, "message": "单据当前状态为“草稿”，不能执行“初审通过”（你可以执行：无）"},
            {"name": "2023-Y-不存在", "message": "自评报告 2023-Y-不存在 不存在"},
        ],
    }
    assert [state_of(n)[0] for n in (zhanggong, xinfeng, nankang)] == ["待审定", "待审定", "草稿"]


def test_bulk_return_needs_a_reason_for_each():
    names = [submitted("章贡区", "zhanggong"), submitted("信丰县", "xinfeng")]
    result = bulk("office", names, "退回修改")
    assert result == {
        "succeeded": [],
        "failed": [{"name": n, "message": "“退回修改”必须填写意见（例如退回原因）"} for n in names],
    }
    assert bulk("office", names, "退回修改", "统一退回：请按新模板填写") == {"succeeded": names, "failed": []}
    assert all(moves(n)[-1][4] == "统一退回：请按新模板填写" for n in names)


def test_common_actions_are_those_valid_for_every_document():
    zhanggong, xinfeng = submitted("章贡区", "zhanggong"), submitted("信丰县", "xinfeng")
    draft = create_assessment("office", "南康区")["name"]
    assert common_actions("office", [zhanggong, xinfeng]) == ["初审通过", "退回修改"]
    assert common_actions("office", [zhanggong, draft]) == []
    # A condition that only one document meets leaves only the other action.
    set_transition("初审通过", condition="doc.county == '章贡区'")
    assert common_actions("office", [zhanggong]) == ["初审通过", "退回修改"]
    assert common_actions("office", [zhanggong, xinfeng]) == ["退回修改"]
    assert common_actions("leader", [zhanggong, xinfeng]) == []


# ------------------------------------------------------------------ the inbox


def pending(username):
    return ok(client(username).get("/api/method/lowcode.workflow.get_pending_documents"))


def test_inbox_of_the_office_lists_what_awaits_first_review():
    zhanggong = submitted("章贡区", "zhanggong")
    create_assessment("xinfeng", "信丰县")  # a draft: nothing for the office yet
    inbox = pending("office")
    assert [(d["doctype"], d["name"], d["title"], d["workflow_state"], d["actions"]) for d in inbox] == [
        (DOCTYPE, zhanggong, "章贡区 2023年度自评报告", "待初审", ["初审通过", "退回修改"]),
    ]
    assert inbox[0]["modified"] == get_doc("office", zhanggong)["modified"]
    assert pending("leader") == []

    ok(act("office", zhanggong, "初审通过"))
    assert pending("office") == []
    assert [(d["name"], d["actions"]) for d in pending("leader")] == [(zhanggong, ["审定通过", "退回初审"])]


def test_inbox_of_a_county_holds_only_its_own_drafts():
    zhanggong = create_assessment("zhanggong", "章贡区")["name"]
    xinfeng = create_assessment("xinfeng", "信丰县")["name"]
    assert [(d["name"], d["actions"]) for d in pending("xinfeng")] == [(xinfeng, ["提交"])]
    assert [(d["name"], d["actions"]) for d in pending("zhanggong")] == [(zhanggong, ["提交"])]
    fill_in("zhanggong", zhanggong)
    ok(act("zhanggong", zhanggong, "提交"))
    assert pending("zhanggong") == []
    assert [d["name"] for d in pending("xinfeng")] == [xinfeng]


# ------------------------------------------------------------------ administrators change the workflow


def workflow_as_admin() -> dict:
    return ok(client("admin").get(f"/api/resource/Workflow/{WORKFLOW}"))


def save_workflow(data):
    return client("admin").put(f"/api/resource/Workflow/{WORKFLOW}", data, format="json")


def test_admin_inserts_an_on_site_check_without_code():
    workflow = workflow_as_admin()
    workflow["states"].append({"state": "现场核实", "state_type": "submitted", "allow_edit": "领导小组办公室"})
    for t in workflow["transitions"]:
        if t["action"] == "初审通过":
            t["next_state"] = "现场核实"
    workflow["transitions"].append(
        {"state": "现场核实", "action": "核实通过", "next_state": "待审定", "allowed": "领导小组办公室"}
    )
    ok(save_workflow(workflow))

    name = submitted()
    assert ok(act("office", name, "初审通过"))["workflow_state"] == "现场核实"
    assert actions("office", name) == ["核实通过"]
    assert actions("leader", name) == []
    assert ok(act("office", name, "核实通过", "已赴现场核实"))["workflow_state"] == "待审定"
    assert ok(act("leader", name, "审定通过"))["workflow_state"] == "已审定"
    assert [m[:3] for m in moves(name)] == [
        ("", "新建", "草稿"),
        ("草稿", "提交", "待初审"),
        ("待初审", "初审通过", "现场核实"),
        ("现场核实", "核实通过", "待审定"),
        ("待审定", "审定通过", "已审定"),
    ]


def test_saving_a_workflow_with_an_unknown_state_changes_nothing():
    before = workflow_as_admin()
    workflow = json.loads(json.dumps(before))
    for t in workflow["transitions"]:
        if t["action"] == "初审通过":
            t["next_state"] = "不存在的状态"
    workflow["transitions"].append({"state": "待审定", "action": "再议", "next_state": "草稿"})
    message = refused(save_workflow(workflow), 417, "ValidationError")
    assert message == "转换“待初审 —初审通过→ 不存在的状态”：状态“不存在的状态”不在本工作流的状态中"
    assert workflow_as_admin() == before
    assert WorkflowTransition.objects.filter(workflow__name=WORKFLOW).count() == 6  # 撤回 included

    name = submitted()
    assert ok(act("office", name, "初审通过"))["workflow_state"] == "待审定"


def test_a_state_documents_are_in_cannot_be_removed_or_renamed():
    name = submitted()
    workflow = workflow_as_admin()
    for state in workflow["states"]:
        if state["state"] == "待初审":
            state["state"] = "待复核"
    for t in workflow["transitions"]:
        t["state"] = "待复核" if t["state"] == "待初审" else t["state"]
        t["next_state"] = "待复核" if t["next_state"] == "待初审" else t["next_state"]
    message = refused(save_workflow(workflow), 417, "ValidationError")
    assert message == "还有 1 张单据处于“待初审”状态，不能删除或改名该状态（请先把这些单据办理到其他状态）"
    assert actions("office", name) == ["初审通过", "退回修改"]


def test_a_partial_approval_says_so_over_the_api():
    from apps.lowcode.workflow.model import WorkflowTransition

    WorkflowTransition.objects.filter(workflow__name=WORKFLOW, action="初审通过").update(approvals_required=2)
    name = submitted()
    response = act("office", name, "初审通过")
    assert ok(response)["workflow_state"] == "待初审"
    assert (
        json.loads(json.loads(response.json()["_server_messages"])[0])["message"]
        == "已记录你的审批（1/2），等待其他审批人"
    )


def test_a_county_deletes_its_own_draft_but_nothing_once_submitted():
    draft = create_assessment()["name"]
    deleted(client("zhanggong").delete(f"/api/resource/{DOCTYPE}/{draft}"))
    name = submitted()
    message = refused(client("zhanggong").delete(f"/api/resource/{DOCTYPE}/{name}"), 403, "PermissionError")
    assert message == "单据处于“待初审”状态，只有领导小组办公室可以修改"
    refused(client("office").delete(f"/api/resource/{DOCTYPE}/{name}"), 403, "PermissionError")


def test_only_administrators_change_workflows():
    workflow = ok(client("office").get(f"/api/resource/Workflow/{WORKFLOW}"))
    workflow["transitions"][0]["allowed"] = "领导小组办公室"
    response = client("office").put(f"/api/resource/Workflow/{WORKFLOW}", workflow, format="json")
    refused(response, 403, "PermissionError")
    assert Workflow.objects.get(name=WORKFLOW).transitions.get(action="提交").allowed == "县级填报员\n市直单位联络员"


def test_deleting_a_draft_takes_its_log_along():
    name = create_assessment()["name"]
    assert moves(name)
    deleted(client("zhanggong").delete(f"/api/resource/{DOCTYPE}/{name}"))
    assert moves(name) == []
