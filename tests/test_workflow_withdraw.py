"""撤回 (issue 18): the submitter takes a report back while nobody has acted on it, and a submitted report
waits on the office, not on its submitter.

The shipped 撤回 transitions (fixtures/defaults/workflows.yaml) are no one's task (计入待办 unchecked):
the submitter sees the button, but the report is not in their 待办, 待我处理 or waiting counts, they are
not asked to act on it, and a report taken back is a draft again, not a returned one. Through the real API.
"""

import pytest
from django.contrib.auth.models import User

from apps.innovation_action.models import AssessmentPeriod, SelfAssessment
from apps.innovation_action.services import dashboard
from apps.innovation_action.services.deadlines import deadline_of
from apps.lowcode.fixtures.export import export_config
from apps.lowcode.fixtures.load import load_config
from apps.lowcode.notification.model import NotificationLog
from apps.lowcode.workflow import engine
from apps.lowcode.workflow.diagram import workflow_svg
from apps.lowcode.workflow.model import Workflow, WorkflowTransition
from tests.test_notifications import county_user, run_jobs  # noqa: F401 - a fixture
from tests.test_project_reports import act as report_act
from tests.test_project_reports import actions as report_actions
from tests.test_project_reports import create as create_project_report
from tests.test_workflow_api import act, actions, client, ok, refused, state_of, submitted, timeline

pytestmark = pytest.mark.django_db

METHOD = "/api/method/innovation_action.api."
WITHDRAWN = "章贡区的2023年度自评报告已由填报单位撤回，修改后将重新提交。"


def todo_names(username) -> list[str]:
    return [item["name"] for item in ok(client(username).get(METHOD + "get_todo"))]


def pending_names(username) -> list[str]:
    return [item["name"] for item in ok(client(username).get("/api/method/lowcode.workflow.get_pending_documents"))]


def waiting_total(username) -> int:
    return ok(client(username).get(METHOD + "get_waiting_counts"))["total"]


def test_the_shipped_withdraw_is_no_ones_task():
    for doctype, state in (("SelfAssessment", "待初审"), ("Project Report", "已提交")):
        withdraw = WorkflowTransition.objects.get(workflow__document_type=doctype, action="撤回")
        assert (withdraw.state, withdraw.next_state, withdraw.is_task) == (state, "草稿", False)
    # 月度调度's 已报送 waits for no decision: no 撤回 there (it would never end).
    assert not WorkflowTransition.objects.filter(workflow__document_type="Progress Report", action="撤回").exists()


def test_a_submitted_report_waits_on_the_office_not_on_its_submitter():
    name = submitted()
    # The submitter's button is there ...
    assert actions("zhanggong", name) == ["撤回"]
    # ... but the report is not their task: not in 待办, 待我处理, the waiting counts, nor among who must act.
    assert name not in todo_names("zhanggong")
    assert name not in pending_names("zhanggong")
    assert waiting_total("zhanggong") == 0
    doc = SelfAssessment.objects.get(name=name)
    who = {user.username for user in engine.users_who_can_act(doc)}
    assert "office" in who and "zhanggong" not in who
    # The office's it is, with the office's actions only.
    [item] = [item for item in ok(client("office").get(METHOD + "get_todo")) if item["name"] == name]
    assert item["actions"] == ["初审通过", "退回修改"]
    assert name in pending_names("office")
    assert waiting_total("office") >= 1


def test_the_county_withdraws_and_it_is_a_draft_again_not_a_returned_report():
    AssessmentPeriod.objects.filter(name="2023-Y").update(deadline="2099-01-31")
    name = submitted()
    ok(act("zhanggong", name, "撤回"))
    assert state_of(name) == ("草稿", 0)
    assert name not in todo_names("office") and name not in pending_names("office")
    [item] = [item for item in ok(client("zhanggong").get(METHOD + "get_todo")) if item["name"] == name]
    assert item["actions"] == ["提交"] and item["returned"] is None
    last = [entry for entry in ok(timeline("zhanggong", name))["log"] if entry["moved"]][-1]
    assert (last["action"], last["is_task"]) == ("撤回", 0)
    assert dashboard.returned_names("SelfAssessment", [name]) == set()
    # Submitted again and returned by the office: that one is a return.
    ok(act("zhanggong", name, "提交"))
    ok(act("office", name, "退回修改", comment="数据有误"))
    [item] = [item for item in ok(client("zhanggong").get(METHOD + "get_todo")) if item["name"] == name]
    assert item["returned"]["reason"] == "数据有误"
    assert dashboard.returned_names("SelfAssessment", [name]) == {name}


def test_withdraw_is_refused_once_the_office_acted():
    name = submitted()
    ok(act("office", name, "初审通过"))
    assert "撤回" not in actions("zhanggong", name)
    message = refused(act("zhanggong", name, "撤回"), 417, "WorkflowTransitionError")
    assert "不能执行“撤回”" in message and "待审定" in message
    # Never another county's.
    other = submitted(county="信丰县", username="xinfeng")
    refused(act("zhanggong", other, "撤回"), 404, "DoesNotExistError")


@pytest.mark.redis
def test_the_office_hears_of_a_withdraw_as_news_and_the_submitter_is_never_asked_to_act(
    redis_queue, run_jobs, django_capture_on_commit_callbacks
):
    county_user("zhanggong2", "章贡区")
    with django_capture_on_commit_callbacks(execute=True):
        name = submitted()
    run_jobs()
    told = {n.for_user.username: n.subject for n in NotificationLog.objects.filter(document_name=name)}
    assert "zhanggong" not in told and "zhanggong2" not in told  # the submitted report is not the county's task
    assert told["office"].endswith("请初审。")
    NotificationLog.objects.all().delete()

    with django_capture_on_commit_callbacks(execute=True):
        ok(act("zhanggong", name, "撤回"))
    run_jobs()
    told = {n.for_user.username: n.subject for n in NotificationLog.objects.filter(document_name=name)}
    # The office, whose queue it left, is told why, and not asked to act; the colleague may 提交 it again.
    assert told["office"] == WITHDRAWN
    assert told["zhanggong2"] == WITHDRAWN + "请及时办理。"
    assert "zhanggong" not in told  # who withdrew it


def test_a_project_report_is_withdrawn_until_the_office_reviews_it():
    AssessmentPeriod.objects.filter(name="2023-M03").update(deadline="2099-04-10")
    name = create_project_report(period="2023-M03", month_investment=2600, stage="在建")["name"]
    ok(report_act("zhanggong", name, "提交"))
    assert report_actions("zhanggong", name) == ["撤回"]
    assert name not in todo_names("zhanggong") and name in todo_names("office")

    ok(report_act("zhanggong", name, "撤回"))
    page = ok(client("zhanggong").get(METHOD + "get_project_report", {"name": name}))
    assert page["doc"]["workflow_state"] == "草稿" and page["returned"] is None
    assert page["deadline"]["text"] == deadline_of_text(name) and not page["deadline"]["text"].startswith("已退回")
    listed = ok(client("zhanggong").get(METHOD + "get_project_reports", {"period": "2023-M03"}))
    [row] = [r for r in listed["projects"] if r["report"] == name]
    assert row["returned"] is False

    ok(report_act("zhanggong", name, "提交"))
    ok(report_act("office", name, "审核通过"))
    assert "撤回" not in report_actions("zhanggong", name)
    refused(report_act("zhanggong", name, "撤回"), 417, "WorkflowTransitionError")


def deadline_of_text(name) -> str:
    from apps.innovation_action.models import ProjectReport

    return deadline_of(ProjectReport.objects.get(name=name)).text


def test_not_a_task_travels_with_the_configuration_and_shows_on_the_diagram():
    workflow = Workflow.objects.get(document_type="SelfAssessment")
    svg = workflow_svg(workflow)
    assert "不计入待办" in svg and "wf-not-task" in svg
    data = export_config()
    [flow] = [w for w in data["doctypes"]["Workflow"] if w["name"] == workflow.name]
    [withdraw] = [t for t in flow["transitions"] if t["action"] == "撤回"]
    assert withdraw["is_task"] is False
    assert all(t["is_task"] for t in flow["transitions"] if t["action"] != "撤回")
    # Another site (here: this one, changed since) gets it back as exported.
    WorkflowTransition.objects.filter(workflow=workflow, action="撤回").update(is_task=True)
    load_config(data, source="config.yaml")
    assert WorkflowTransition.objects.get(workflow=workflow, action="撤回").is_task is False


def test_an_arrow_of_transitions_that_are_no_ones_task_only_is_dotted():
    """As the admin's form posts it: an unchecked 计入待办 arrives as an empty value."""
    from apps.lowcode.workflow.diagram import render_svg

    svg = render_svg(
        [{"state": "草稿", "state_type": "editable"}, {"state": "已报送", "state_type": "submitted"}],
        [
            {"state": "草稿", "action": "报送", "next_state": "已报送", "allowed": "", "is_task": "on"},
            {"state": "已报送", "action": "撤回", "next_state": "草稿", "allowed": "", "is_task": ""},
        ],
    )
    back = svg.split('data-from="已报送" data-to="草稿"')[0].rsplit("<path", 1)[1]
    forth = svg.split('data-from="草稿" data-to="已报送"')[0].rsplit("<path", 1)[1]
    assert "wf-not-task" in back and "wf-not-task" not in forth
    assert svg.count('stroke-dasharray="2 4"') == 1 and svg.count("不计入待办") == 1


def test_the_admin_form_has_the_setting(client_admin):
    workflow = Workflow.objects.get(document_type="SelfAssessment")
    page = client_admin.get(f"/admin/lowcode/workflow/{workflow.pk}/change/").content.decode()
    assert "计入待办" in page and "不计入待办" in page


@pytest.fixture
def client_admin(client):
    admin = User.objects.create_superuser("withdraw-admin", "", "pw")
    client.force_login(admin)
    return client


@pytest.mark.mariadb
@pytest.mark.django_db(transaction=True)
def test_the_migration_adds_withdraw_only_where_the_workflow_is_as_shipped():
    """A site made before 撤回 gets it on its self-assessment workflow (allowed to whoever may 提交 there);
    a project report workflow an administrator changed is left as it is."""
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from apps.innovation_action.services.demo_accounts import create_demo_accounts
    from apps.innovation_action.services.plan_loader import load_plan
    from tests.conftest import PLAN_FOLDER

    load_plan(PLAN_FOLDER)
    create_demo_accounts()
    before, after = ("innovation_action", "0015_project_stages"), ("innovation_action", "0016_ship_withdraw")
    executor = MigrationExecutor(connection)
    executor.migrate([before])
    # The site as it was: no 撤回; its administrator renamed a role and added a state to 项目月报.
    WorkflowTransition.objects.filter(action="撤回").delete()
    role = Group.objects.get(name="县级填报员")
    role.name = "县区填报员"
    role.save()  # the workflows follow (lowcode.workflow.follow_role_rename)
    project_flow = Workflow.objects.get(document_type="Project Report")
    project_flow.states.create(state="已归档", state_type="final", idx=9)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([after])
    withdraw = WorkflowTransition.objects.get(workflow__document_type="SelfAssessment", action="撤回")
    submit = WorkflowTransition.objects.get(workflow__document_type="SelfAssessment", action="提交")
    assert (withdraw.state, withdraw.next_state, withdraw.is_task) == ("待初审", "草稿", False)
    assert withdraw.allowed == submit.allowed == "县区填报员\n市直单位联络员"
    assert withdraw.approver_field == submit.approver_field and "撤回" in withdraw.message
    assert not WorkflowTransition.objects.filter(workflow=project_flow, action="撤回").exists()
    # Once more changes nothing (a transition named 撤回 is there now).
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([before])
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([after])
    assert WorkflowTransition.objects.filter(workflow__document_type="SelfAssessment", action="撤回").count() == 1
    # Forward to the latest migrations again, so that the tests after this one find every table as the code has it.
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
