"""What the workflow engine offers beyond Frappe's: configuration changed as data and the rules it enforces.

N-of-M approval, self-approval, conditions, approvers taken from the document,
app hooks around a transition, notifications by real RQ jobs, and two
reviewers acting at the same moment on MariaDB. The workflow is changed the way
an administrator changes it (its rows), then driven through the real API.
"""

import threading

import pytest
from django.contrib.auth.models import Group, User
from django.core import mail
from django.db import connection
from rq import SimpleWorker

from apps.innovation_action.models import SelfAssessment
from apps.innovation_action.services.demo_accounts import create_demo_accounts
from apps.innovation_action.services.plan_loader import load_plan
from apps.lowcode.doctype import events
from apps.lowcode.exceptions import ValidationError
from apps.lowcode.models import UserPermission
from apps.lowcode.notification.model import NotificationLog
from apps.lowcode.notification.service import notify_state_entered
from apps.lowcode.workflow import engine
from apps.lowcode.workflow.model import Workflow, WorkflowLog
from tests.conftest import PLAN_FOLDER
from tests.test_workflow_api import (
    DOCTYPE,
    WORKFLOW,
    act,
    actions,
    client,
    create_assessment,
    fill_in,
    get_doc,
    moves,
    ok,
    put,
    refused,
    reviewed,
    set_transition,
    state_of,
    submitted,
    timeline,
)

both_databases = pytest.mark.both_databases


def add_user(username, role, scope=None) -> User:
    """A second account of a role, e.g. another member of the leading group; scope is (doctype, value)."""
    user = User.objects.create(username=username, first_name=username)
    user.groups.add(Group.objects.get(name=role))
    if scope:
        UserPermission.objects.create(user=user, allow=scope[0], for_value=scope[1])
    return user


# ------------------------------------------------------------------ N-of-M approval


@pytest.fixture
def two_leaders(db):
    """审定通过 needs two members of the leading group."""
    set_transition("审定通过", approvals_required=2)
    add_user("leader2", "领导小组")


@both_databases
def test_first_of_two_approvals_records_without_moving(two_leaders):
    name = reviewed()
    result = engine.apply_workflow(User.objects.get(username="leader"), SelfAssessment, name, "审定通过", "同意")
    assert (result.moved, result.message) == (False, "已记录你的审批（1/2），等待其他审批人")
    assert state_of(name) == ("待审定", 1)
    assert moves(name)[-1] == ("待审定", "审定通过", "待审定", "leader", "同意", False)
    assert [e["moved"] for e in ok(timeline("office", name))["log"]][-1] == 0

    assert actions("leader", name) == ["退回初审"]
    message = refused(act("leader", name, "审定通过"), 403, "WorkflowPermissionError")
    assert message == "你已办理过“审定通过”，正在等待其他审批人"
    assert actions("leader2", name) == ["审定通过", "退回初审"]

    assert ok(act("leader2", name, "审定通过"))["workflow_state"] == "已审定"
    assert moves(name)[-2:] == [
        ("待审定", "审定通过", "待审定", "leader", "同意", False),
        ("待审定", "审定通过", "已审定", "leader2", "", True),
    ]
    assert [s["state"] for s in ok(timeline("office", name))["states"]] == ["草稿", "待初审", "待审定", "已审定"]


@both_databases
def test_a_return_starts_the_approvals_again(two_leaders):
    name = reviewed()
    ok(act("leader", name, "审定通过"))
    ok(act("leader2", name, "退回初审", "第12项得分偏高，请复核"))
    assert state_of(name) == ("待初审", 1)
    ok(act("office", name, "初审通过", "已复核"))

    # The earlier approval counts no more: leader may approve again, and one approval is not enough.
    assert actions("leader", name) == ["审定通过", "退回初审"]
    result = engine.apply_workflow(User.objects.get(username="leader"), SelfAssessment, name, "审定通过")
    assert (result.moved, result.message) == (False, "已记录你的审批（1/2），等待其他审批人")
    assert state_of(name) == ("待审定", 1)
    assert ok(act("leader2", name, "审定通过"))["workflow_state"] == "已审定"
    assert [(m[1], m[2], m[3], m[5]) for m in moves(name)[3:]] == [
        ("审定通过", "待审定", "leader", False),
        ("退回初审", "待初审", "leader2", True),
        ("初审通过", "待审定", "office", True),
        ("审定通过", "待审定", "leader", False),
        ("审定通过", "已审定", "leader2", True),
    ]


# ------------------------------------------------------------------ who may act


@both_databases
def test_creator_cannot_take_a_transition_without_self_approval(db):
    set_transition("提交", allow_self_approval=False)
    add_user("zhanggong2", "县级填报员", ("County", "章贡区"))
    name = create_assessment("zhanggong")["name"]
    fill_in("zhanggong", name)
    assert actions("zhanggong", name) == []
    assert refused(act("zhanggong", name, "提交"), 403, "WorkflowPermissionError") == "“提交”不能由单据创建人本人办理"
    assert state_of(name) == ("草稿", 0)

    assert actions("zhanggong2", name) == ["提交"]
    assert ok(act("zhanggong2", name, "提交"))["workflow_state"] == "待初审"


@both_databases
def test_condition_decides_whether_the_action_is_offered(db):
    set_transition("提交", condition="doc.self_total >= 10")
    name = create_assessment()["name"]
    fill_in("zhanggong", name, score=0.5)  # 15 lines: 7.5 points
    assert actions("zhanggong", name) == []
    assert (
        refused(act("zhanggong", name, "提交"), 403, "WorkflowPermissionError")
        == "单据不满足“提交”的条件：doc.self_total >= 10"
    )
    assert state_of(name) == ("草稿", 0)

    fill_in("zhanggong", name, score=1)  # 15 points
    assert actions("zhanggong", name) == ["提交"]
    assert ok(act("zhanggong", name, "提交"))["workflow_state"] == "待初审"


@both_databases
def test_condition_on_an_unscored_assessment_is_refused_not_crashed(db):
    set_transition("提交", condition="doc.lines[0].self_score >= 1")
    name = create_assessment()["name"]  # a line's self score is empty (None) until it is scored
    assert actions("zhanggong", name) == []
    message = refused(act("zhanggong", name, "提交"), 403, "WorkflowPermissionError")
    assert message == "单据不满足“提交”的条件：doc.lines[0].self_score >= 1（条件用到的内容尚未填写或无法比较）"
    assert state_of(name) == ("草稿", 0)


@both_databases
@pytest.mark.parametrize(
    "condition, error",
    [
        ("doc.self_total >=", "表达式“doc.self_total >=”有语法错误"),
        ("doc.no_such_field > 0", "表达式“doc.no_such_field > 0”无效"),
    ],
    ids=["syntax_error", "unknown_field"],
)
def test_malformed_condition_is_reported(db, condition, error):
    """An administrator's broken condition (saved before validation existed) refuses, never crashes."""
    set_transition("提交", condition=condition)
    name = create_assessment()["name"]
    fill_in("zhanggong", name)
    assert actions("zhanggong", name) == []
    assert ok(client("zhanggong").get("/api/method/lowcode.workflow.get_pending_documents")) == []
    message = refused(act("zhanggong", name, "提交"), 403, "WorkflowPermissionError")
    assert message.startswith(f"“提交”的条件无法计算，请联系管理员：{error}")
    assert state_of(name) == ("草稿", 0)


@both_databases
def test_saving_a_malformed_condition_is_refused(db):
    workflow = ok(client("admin").get(f"/api/resource/Workflow/{WORKFLOW}"))
    workflow["transitions"][0]["condition"] = "doc.self_total >="
    response = client("admin").put(f"/api/resource/Workflow/{WORKFLOW}", workflow, format="json")
    assert (
        refused(response, 417, "ValidationError") == "转换“草稿 —提交→ 待初审”：条件表达式“doc.self_total >=”有语法错误"
    )
    assert Workflow.objects.get(name=WORKFLOW).transitions.get(action="提交").condition == ""


@both_databases
def test_only_the_countys_own_users_submit_its_assessment(db):
    """提交 takes its approvers from the document (approver_field "county\\nunit"), not only from the role."""
    add_user("county_any", "县级填报员")  # the role, but no county: sees every county's assessment
    add_user("zhanggong2", "县级填报员", ("County", "章贡区"))
    name = create_assessment()["name"]
    fill_in("zhanggong", name)
    assert get_doc("county_any", name)["name"] == name
    assert actions("county_any", name) == []
    assert refused(act("county_any", name, "提交"), 403, "WorkflowPermissionError") == "你不是本单据“提交”的审批人"
    assert actions("zhanggong2", name) == ["提交"]
    assert ok(act("zhanggong2", name, "提交"))["workflow_state"] == "待初审"


@both_databases
def test_unit_assessment_is_submitted_by_the_units_liaison(db):
    set_transition("提交", approver_field="unit.liaisons.user")
    add_user("gongxin2", "市直单位联络员", ("Unit", "市工信局"))  # the unit's account, but not its liaison
    doc = create_assessment("gongxin", county=None, unit="市工信局")
    name = doc["name"]
    assert (name, doc["scheme"], doc["workflow_state"]) == ("2023-Y-市工信局", "市直", "草稿")
    assert actions("gongxin2", name) == []
    assert refused(act("gongxin2", name, "提交"), 403, "WorkflowPermissionError") == "你不是本单据“提交”的审批人"
    assert actions("gongxin", name) == ["提交"]
    fill_in("gongxin", name)
    assert ok(act("gongxin", name, "提交"))["workflow_state"] == "待初审"


@both_databases
def test_document_type_without_an_active_workflow(db):
    name = create_assessment()["name"]
    Workflow.objects.filter(name=WORKFLOW).update(is_active=False)
    assert actions("zhanggong", name) == []
    assert refused(act("zhanggong", name, "提交"), 417, "ValidationError") == "“自评报告”没有启用的工作流"


# ------------------------------------------------------------------ app hooks around a transition


@pytest.fixture
def hooks(monkeypatch):
    """Register doc_events handlers for one test: ``hooks("SelfAssessment", "before_transition", handler)``."""
    registry = {
        doctype: {event: list(handlers) for event, handlers in by_event.items()}
        for doctype, by_event in events.doc_events().items()
    }
    monkeypatch.setattr(events, "doc_events", lambda: registry)

    def register(doctype, event, handler):
        registry.setdefault(doctype, {}).setdefault(event, []).append(handler)

    return register


@both_databases
def test_hooks_see_each_transition(db, hooks):
    calls = []
    for event in ("before_transition", "after_transition", "on_enter_state"):
        hooks(
            DOCTYPE,
            event,
            lambda doc, event, **c: calls.append(
                (
                    event,
                    doc.workflow_state,
                    c["action"],
                    c["from_state"],
                    c["to_state"],
                    c["user"].username,
                    c["comment"],
                )
            ),
        )
    name = submitted()
    ok(act("office", name, "退回修改", "请补充"))
    assert calls == [
        ("on_enter_state", "草稿", "新建", "", "草稿", "zhanggong", ""),
        ("before_transition", "草稿", "提交", "草稿", "待初审", "zhanggong", ""),
        ("after_transition", "待初审", "提交", "草稿", "待初审", "zhanggong", ""),
        ("on_enter_state", "待初审", "提交", "草稿", "待初审", "zhanggong", ""),
        ("before_transition", "待初审", "退回修改", "待初审", "草稿", "office", "请补充"),
        ("after_transition", "草稿", "退回修改", "待初审", "草稿", "office", "请补充"),
        ("on_enter_state", "草稿", "退回修改", "待初审", "草稿", "office", "请补充"),
    ]


@both_databases
@pytest.mark.parametrize("event", ["before_transition", "after_transition", "on_enter_state"])
def test_a_hook_that_raises_stops_the_transition(db, hooks, event):
    def deadline_passed(doc, **context):
        raise ValidationError("2023年度自评报告已过报送截止日期")

    name = create_assessment()["name"]
    before = fill_in("zhanggong", name)
    hooks(DOCTYPE, event, deadline_passed)
    assert refused(act("zhanggong", name, "提交"), 417, "ValidationError") == "2023年度自评报告已过报送截止日期"
    doc = get_doc("zhanggong", name)
    assert (doc["workflow_state"], doc["docstatus"], doc["modified"]) == ("草稿", 0, before["modified"])
    assert [m[1] for m in moves(name)] == ["新建"]


# ------------------------------------------------------------------ notifications (real RQ jobs)


@pytest.fixture
def run_jobs(redis_queue):
    """Run the queued jobs in this process (on the test's database connection); returns their results."""

    def run():
        jobs = redis_queue.jobs
        SimpleWorker([redis_queue], connection=redis_queue.connection).work(burst=True)
        for job in jobs:
            job.refresh()
            assert job.get_status() == "finished", job.latest_result().exc_string
        return [job.return_value() for job in jobs]

    return run


def notifications():
    """Every Notification Log: (recipient, subject, content, document)."""
    return [
        (n.for_user.username, n.subject, n.email_content, n.document_name)
        for n in NotificationLog.objects.order_by("id")
    ]


@pytest.mark.redis
def test_a_move_notifies_each_recipient_once(db, redis_queue, run_jobs, django_capture_on_commit_callbacks):
    add_user("office2", "领导小组办公室")
    name = create_assessment()["name"]
    fill_in("zhanggong", name)
    with django_capture_on_commit_callbacks(execute=True):
        ok(act("zhanggong", name, "提交"))
    assert redis_queue.count == 1
    assert run_jobs() == [2]
    text = "章贡区的2023年度自评报告已提交，请初审。"
    assert notifications() == [("office", text, text, name), ("office2", text, text, name)]

    log_id = WorkflowLog.objects.get(reference_name=name, action="提交").pk
    with django_capture_on_commit_callbacks(execute=True):
        redis_queue.enqueue(notify_state_entered, log_id)  # the same job, run again (e.g. retried)
    assert run_jobs() == [0]
    assert len(notifications()) == 2


@pytest.mark.redis
def test_saves_and_refused_actions_notify_no_one(db, redis_queue, run_jobs, django_capture_on_commit_callbacks):
    name = create_assessment()["name"]
    doc = fill_in("zhanggong", name)
    with django_capture_on_commit_callbacks(execute=True):
        ok(put("zhanggong", name, {"summary": doc["summary"], "modified": doc["modified"]}))  # nothing changes
        ok(put("zhanggong", name, {"summary": "全年完成情况良好"}))  # a change, but no move
        refused(act("zhanggong", name, "初审通过"), 417, "WorkflowTransitionError")
    assert redis_queue.count == 0
    assert run_jobs() == []
    assert NotificationLog.objects.count() == 0


@pytest.mark.redis
def test_a_partial_approval_notifies_no_one(db, two_leaders, redis_queue, run_jobs, django_capture_on_commit_callbacks):
    name = reviewed()
    with django_capture_on_commit_callbacks(execute=True):
        ok(act("leader", name, "审定通过"))
    assert redis_queue.count == 0


@pytest.mark.redis
def test_a_job_for_a_state_already_left_notifies_no_one(db, redis_queue, run_jobs, django_capture_on_commit_callbacks):
    name = create_assessment()["name"]
    fill_in("zhanggong", name)
    with django_capture_on_commit_callbacks(execute=True):
        ok(act("zhanggong", name, "提交"))
        ok(act("office", name, "退回修改", "第2项缺少证明材料"))
    # The job for 待初审 finds the document back in 草稿: only the return is notified, to the county.
    assert run_jobs() == [0, 1]
    text = "章贡区的2023年度自评报告已被退回：第2项缺少证明材料。请修改后重新提交。"
    assert notifications() == [("zhanggong", text, text, name)]


@pytest.mark.redis
def test_the_final_approval_notifies_the_creator(db, redis_queue, run_jobs, django_capture_on_commit_callbacks):
    name = reviewed()
    with django_capture_on_commit_callbacks(execute=True):
        ok(act("leader", name, "审定通过"))
    assert run_jobs() == [1]
    assert [n[:2] for n in notifications()] == [("zhanggong", "章贡区的2023年度自评报告已审定通过。")]


@pytest.mark.redis
def test_only_the_recipient_reads_and_marks_a_notification(
    db, redis_queue, run_jobs, django_capture_on_commit_callbacks
):
    name = create_assessment()["name"]
    fill_in("zhanggong", name)
    with django_capture_on_commit_callbacks(execute=True):
        ok(act("zhanggong", name, "提交"))
    run_jobs()
    fields = {"fields": '["name", "subject", "document_type", "document_name", "read"]'}
    [note] = ok(client("office").get("/api/resource/Notification Log", fields))
    assert (note["subject"], note["document_type"], note["document_name"], note["read"]) == (
        "章贡区的2023年度自评报告已提交，请初审。",
        DOCTYPE,
        name,
        0,
    )
    assert ok(client("leader").get("/api/resource/Notification Log", fields)) == []
    refused(client("leader").get(f"/api/resource/Notification Log/{note['name']}"), 404, "DoesNotExistError")

    mark = "/api/method/frappe.desk.doctype.notification_log.notification_log.mark_as_read"
    assert (
        refused(client("leader").post(mark, {"docname": note["name"]}, format="json"), 404, "DoesNotExistError")
        == f"消息 {note['name']} 不存在"
    )
    ok(client("office").post(mark, {"docname": note["name"]}, format="json"))
    assert ok(client("office").get("/api/resource/Notification Log", fields))[0]["read"] == 1


@pytest.mark.redis
def test_notification_by_email_when_the_site_sends_mail(
    db, settings, redis_queue, run_jobs, django_capture_on_commit_callbacks
):
    settings.EMAIL_NOTIFICATIONS = True
    User.objects.filter(username="office").update(email="office@example.com")
    name = create_assessment()["name"]
    fill_in("zhanggong", name)
    with django_capture_on_commit_callbacks(execute=True):
        ok(act("zhanggong", name, "提交"))
    run_jobs()
    [message] = mail.outbox
    assert (message.to, message.subject) == (["office@example.com"], "【待办】章贡区的2023年度自评报告")
    assert message.body == "章贡区的2023年度自评报告已提交，请初审。\n\n科技创新赋能行动领导小组办公室"
    assert NotificationLog.objects.get(for_user__username="office").email_sent

    with django_capture_on_commit_callbacks(execute=True):
        redis_queue.enqueue(notify_state_entered, WorkflowLog.objects.get(reference_name=name, action="提交").pk)
    assert run_jobs() == [0]
    assert len(mail.outbox) == 1


@pytest.mark.redis
def test_no_email_when_the_workflow_turns_it_off(
    db, settings, redis_queue, run_jobs, django_capture_on_commit_callbacks
):
    settings.EMAIL_NOTIFICATIONS = True
    User.objects.filter(username="office").update(email="office@example.com")
    Workflow.objects.filter(name=WORKFLOW).update(send_email_alert=False)
    name = create_assessment()["name"]
    fill_in("zhanggong", name)
    with django_capture_on_commit_callbacks(execute=True):
        ok(act("zhanggong", name, "提交"))
    assert run_jobs() == [1]
    assert mail.outbox == []
    assert not NotificationLog.objects.get(for_user__username="office").email_sent


# ------------------------------------------------------------------ two reviewers at the same moment (MariaDB)


@pytest.fixture
def fresh_site(transactional_db, settings):
    """Threads need committed data: a transactional test starts from an empty database, so load the plan again."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # the accounts log in by session
    load_plan(PLAN_FOLDER)
    create_demo_accounts()


def at_once(name, *attempts) -> dict:
    """Each (username, action) in its own thread and database connection, released together.

    Returns {username: (action, status, body)}.
    """
    clients = {username: client(username) for username, _ in attempts}
    barrier = threading.Barrier(len(attempts))
    outcomes = {}

    def take(username, action):
        try:
            barrier.wait()
            response = clients[username].post(
                "/api/method/frappe.model.workflow.apply_workflow",
                {"doc": {"doctype": DOCTYPE, "name": name}, "action": action, "comment": "同时办理"},
                format="json",
            )
            outcomes[username] = (action, response.status_code, response.json())
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=take, args=attempt) for attempt in attempts]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert len(outcomes) == len(attempts), outcomes
    return outcomes


@pytest.mark.parametrize(
    "first, second", [("初审通过", "初审通过"), ("初审通过", "退回修改")], ids=["same_action", "pass_against_return"]
)
def test_two_reviewers_at_once_exactly_one_moves(fresh_site, first, second):
    add_user("office2", "领导小组办公室")
    name = submitted()
    outcomes = at_once(name, ("office", first), ("office2", second))

    assert sorted(status for _, status, _ in outcomes.values()) == [200, 417], outcomes
    [(won, _, body)] = [o for o in outcomes.values() if o[1] == 200]
    [(lost, _, error)] = [o for o in outcomes.values() if o[1] == 417]
    state = {"初审通过": "待审定", "退回修改": "草稿"}[won]
    assert body["message"]["workflow_state"] == state
    assert error["exc_type"] == "WorkflowTransitionError"
    assert error["message"].startswith(f"单据当前状态为“{state}”，不能执行“{lost}”")
    assert SelfAssessment.objects.get(name=name).workflow_state == state
    assert [m[:3] for m in moves(name)] == [("", "新建", "草稿"), ("草稿", "提交", "待初审"), ("待初审", won, state)]


def test_two_leaders_approving_at_once_both_count(fresh_site):
    """N-of-M under a race: the second approver sees the first one's sign-off and completes the approval."""
    set_transition("审定通过", approvals_required=2)
    add_user("leader2", "领导小组")
    name = reviewed()
    outcomes = at_once(name, ("leader", "审定通过"), ("leader2", "审定通过"))

    assert {user: status for user, (_, status, _) in outcomes.items()} == {"leader": 200, "leader2": 200}
    assert SelfAssessment.objects.get(name=name).workflow_state == "已审定"
    assert [(m[2], m[5]) for m in moves(name)[-2:]] == [("待审定", False), ("已审定", True)]
