"""The bell: each message says in plain Chinese what happened and what to do, and only its recipient reads it.

Messages come from the real notification jobs (RQ, SimpleWorker in burst mode) after real workflow
actions through the API; their texts are the workflow's data (a transition's 通知内容).
"""

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone
from rq import SimpleWorker

from apps.innovation_action.models import AssessmentPeriod
from apps.lowcode.models import UserPermission
from apps.lowcode.notification.model import NotificationLog
from apps.lowcode.workflow import messages
from apps.lowcode.workflow.model import WorkflowTransition
from apps.lowcode.workflow.validation import workflow_errors
from tests.test_workflow_api import WORKFLOW, act, client, create_assessment, fill_in, ok, refused, set_transition

pytestmark = pytest.mark.redis

BELL = "/api/method/frappe.desk.doctype.notification_log.notification_log."
RETURNED = "章贡区的2023年第一季度自评报告已被退回：数据有误，请复核。请修改后重新提交。"


@pytest.fixture
def run_jobs(redis_queue):
    def run():
        jobs = redis_queue.jobs
        SimpleWorker([redis_queue], connection=redis_queue.connection).work(burst=True)
        for job in jobs:
            job.refresh()
            assert job.get_status() == "finished", job.latest_result().exc_string
        return [job.return_value() for job in jobs]

    return run


@pytest.fixture
def quarter(db):
    AssessmentPeriod.objects.filter(name="2023-Q1").update(opened_at=timezone.now())
    return "2023-Q1"


def county_user(username, county):
    user = User.objects.create(username=username, first_name=f"{county} 填报员二")
    user.groups.add(Group.objects.get(name="县级填报员"))
    UserPermission.objects.create(user=user, allow="County", for_value=county)
    return user


def submit_and_return(quarter, capture, run_jobs, comment="数据有误，请复核。"):
    """提交 then 退回修改, each notified by its job; returns the document's name."""
    name = create_assessment(period=quarter)["name"]
    fill_in("zhanggong", name)
    with capture(execute=True):
        ok(act("zhanggong", name, "提交"))
    assert run_jobs() == [NotificationLog.objects.filter(document_name=name).count()]
    with capture(execute=True):
        ok(act("office", name, "退回修改", comment))
    run_jobs()
    return name


def bell(username, **params):
    return ok(client(username).get(BELL + "get_notification_logs", params))


def test_a_return_with_a_comment_tells_each_user_of_the_county_what_to_do(
    quarter, redis_queue, run_jobs, django_capture_on_commit_callbacks
):
    county_user("zhanggong2", "章贡区")
    name = submit_and_return(quarter, django_capture_on_commit_callbacks, run_jobs)
    returned = NotificationLog.objects.filter(document_name=name, from_user__username="office").order_by("for_user")
    assert [(n.for_user.username, n.subject, n.email_content) for n in returned] == [
        ("zhanggong", RETURNED, RETURNED),
        ("zhanggong2", RETURNED, RETURNED),
    ]
    [submitted] = NotificationLog.objects.filter(document_name=name, from_user__username="zhanggong")
    assert (submitted.for_user.username, submitted.subject) == (
        "office",
        "章贡区的2023年第一季度自评报告已提交，请初审。",
    )
    # Nobody of another county hears of it.
    assert not NotificationLog.objects.filter(for_user__username="xinfeng").exists()


def test_without_a_text_of_its_own_a_transition_still_speaks_plain_chinese(
    quarter, redis_queue, run_jobs, django_capture_on_commit_callbacks
):
    set_transition("提交", message="")
    set_transition("退回修改", message="", comment_required=False)
    name = submit_and_return(quarter, django_capture_on_commit_callbacks, run_jobs, comment="")
    texts = dict(NotificationLog.objects.filter(document_name=name).values_list("for_user__username", "subject"))
    assert texts == {
        # The office must act now: told so.
        "office": "章贡区 填报员对章贡区的2023年第一季度自评报告执行了“提交”，现为“待初审”。请及时办理。",
        # No comment: the optional part is left out, no "意见：。".
        "zhanggong": "赋能办 初审员对章贡区的2023年第一季度自评报告执行了“退回修改”，现为“草稿”。请及时办理。",
    }
    assert not any("→" in text for text in texts.values())


def test_templates_are_checked_when_the_workflow_is_saved(db):
    assert messages.check("{title}已被退回[：{comment}]。请修改后重新提交。") == []
    assert messages.check("{标题}已退回{") != []
    transitions = [
        {"state": s, "action": a, "next_state": n, "message": m}
        for s, a, n, m in [("草稿", "提交", "待初审", "{title}已提交，请{who}初审。")]
    ]
    states = [{"state": "草稿"}, {"state": "待初审"}]
    [error] = [e for e in workflow_errors("SelfAssessment", states, transitions, active=False) if "通知内容" in e]
    assert error.startswith("转换“草稿 —提交→ 待初审”：通知内容中的“{who}”不可用")
    assert messages.render("{title}已被退回[：{comment}]。", {"title": "甲", "comment": ""}) == "甲已被退回。"
    assert messages.render("见[附件]，{title}", {"title": "甲"}) == "见[附件]，甲"  # no placeholder: kept as written


def test_shipped_workflow_texts_are_data(db):
    texts = dict(WorkflowTransition.objects.filter(workflow__name=WORKFLOW).values_list("action", "message"))
    assert texts["退回修改"] == "{title}已被退回[：{comment}]。请修改后重新提交。"
    assert texts["审定通过"] == "{title}已审定通过。"


def test_the_bell_lists_my_messages_newest_first_with_the_unread_count(
    quarter, redis_queue, run_jobs, django_capture_on_commit_callbacks
):
    name = submit_and_return(quarter, django_capture_on_commit_callbacks, run_jobs)
    with django_capture_on_commit_callbacks(execute=True):
        ok(act("zhanggong", name, "提交"))
    run_jobs()
    answer = bell("office")
    logs = answer["notification_logs"]
    assert [log["subject"] for log in logs] == ["章贡区的2023年第一季度自评报告已提交，请初审。"] * 2
    assert [log["creation"] for log in logs] == sorted((log["creation"] for log in logs), reverse=True)
    assert logs[0]["name"] == NotificationLog.objects.filter(for_user__username="office").latest("creation").name
    first = logs[0]
    assert {k: first[k] for k in ("for_user", "from_user", "type", "read", "document_type", "document_name")} == {
        "for_user": "office",
        "from_user": "zhanggong",
        "type": "Alert",
        "read": 0,
        "document_type": "SelfAssessment",
        "document_name": name,
    }
    assert answer["user_info"] == {
        "zhanggong": {"fullname": "章贡区 填报员", "image": None, "name": "zhanggong", "email": "", "time_zone": None}
    }
    assert answer["unread_count"] == 2
    assert len(bell("office", limit=1)["notification_logs"]) == 1
    assert refused(client("office").get(BELL + "get_notification_logs", {"limit": "x"}), 417, "ValidationError")
    # The unread count as Frappe's desk asks for it, and as this bell's own method.
    count = ok(
        client("office").get(
            "/api/method/frappe.client.get_count", {"doctype": "Notification Log", "filters": '{"read": 0}'}
        )
    )
    assert count == 2
    assert ok(client("office").get(BELL + "get_unread_count")) == 2

    county = bell("zhanggong")
    assert [log["subject"] for log in county["notification_logs"]] == [RETURNED]
    assert county["unread_count"] == 1
    assert county["user_info"]["office"]["fullname"] == "赋能办 初审员"


def test_only_my_own_messages_are_read_and_marked(quarter, redis_queue, run_jobs, django_capture_on_commit_callbacks):
    name = submit_and_return(quarter, django_capture_on_commit_callbacks, run_jobs)
    with django_capture_on_commit_callbacks(execute=True):
        ok(act("zhanggong", name, "提交"))
    run_jobs()
    office = list(NotificationLog.objects.filter(for_user__username="office").order_by("creation", "pk"))
    [county] = NotificationLog.objects.filter(for_user__username="zhanggong")

    # Someone else's message: not listed, not readable, not markable.
    assert bell("leader") == {"notification_logs": [], "user_info": {}, "unread_count": 0}
    refused(client("zhanggong").get(f"/api/resource/Notification Log/{office[0].name}"), 404, "DoesNotExistError")
    message = refused(
        client("zhanggong").post(BELL + "mark_as_read", {"docname": office[0].name}, format="json"),
        404,
        "DoesNotExistError",
    )
    assert message == f"消息 {office[0].name} 不存在"
    assert not NotificationLog.objects.filter(read=True).exists()

    ok(client("office").post(BELL + "mark_as_read", {"docname": office[0].name}, format="json"))
    assert [n.read for n in NotificationLog.objects.filter(for_user__username="office").order_by("creation", "pk")] == [
        True,
        False,
    ]
    assert bell("office")["unread_count"] == 1

    ok(client("zhanggong").post(BELL + "mark_all_as_read", {}, format="json"))
    county.refresh_from_db()
    assert county.read
    assert bell("office")["unread_count"] == 1  # the office's own unread message stays unread
    ok(client("office").post(BELL + "mark_all_as_read", {}, format="json"))
    assert not NotificationLog.objects.filter(read=False).exists()
