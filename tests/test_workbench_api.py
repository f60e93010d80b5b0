"""The methods the workbench calls, through the real API: who I am, my 待办, a report's indicator
information, and 撤回 (taking back a submitted report while nobody has acted on it)."""

import pytest

from apps.innovation_action.models import AssessmentPeriod
from tests.test_workflow_api import act, actions, client, create_assessment, fill_in, ok, refused, state_of

pytestmark = pytest.mark.django_db

METHOD = "/api/method/innovation_action.api."


def test_the_session_names_the_user_their_role_keys_and_the_site(db):
    me = ok(client("zhanggong").get(METHOD + "get_workbench_session"))
    assert (me["user"], me["full_name"], me["roles"]) == ("zhanggong", "章贡区 填报员", ["county_user"])
    assert me["site_name"]
    assert ok(client("office").get(METHOD + "get_workbench_session"))["roles"] == ["office"]


def test_todo_lists_a_returned_report_first_with_the_reason_and_the_time_left(db):
    AssessmentPeriod.objects.filter(name="2023-Y").update(deadline="2099-01-31")
    name = create_assessment()["name"]
    fill_in("zhanggong", name)
    assert act("zhanggong", name, "提交").status_code == 200
    assert act("office", name, "退回修改", comment="数据有误，请复核").status_code == 200
    [item] = ok(client("zhanggong").get(METHOD + "get_todo"))
    assert item["name"] == name and item["actions"] == ["提交"]
    assert item["returned"]["reason"] == "数据有误，请复核" and item["returned"]["by"] == "赋能办 初审员"
    assert item["deadline"]["due_date"] == "2099-01-31" and item["deadline"]["text"].startswith("还剩")
    # Another county's user has nothing to do with it.
    assert ok(client("xinfeng").get(METHOD + "get_todo")) == []


def test_the_page_information_is_only_for_a_report_the_user_may_read(db):
    name = create_assessment()["name"]
    page = ok(client("zhanggong").get(METHOD + "get_self_assessment_page", {"name": name}))
    first = next(iter(page["indicators"].values()))
    assert first["number"] == 1 and first["points"] > 0 and first["method"]
    refused(client("xinfeng").get(METHOD + "get_self_assessment_page", {"name": name}), 404, "DoesNotExistError")


def test_the_county_withdraws_a_submitted_report_until_the_office_acts(db):
    name = create_assessment()["name"]
    fill_in("zhanggong", name)
    assert act("zhanggong", name, "提交").status_code == 200
    assert "撤回" in actions("zhanggong", name)
    assert act("zhanggong", name, "撤回").status_code == 200
    assert state_of(name) == ("草稿", 0)
    assert act("zhanggong", name, "提交").status_code == 200
    assert act("office", name, "初审通过").status_code == 200
    assert "撤回" not in actions("zhanggong", name)
    assert act("zhanggong", name, "撤回").status_code >= 400


def test_todo_lists_a_returned_project_report_with_its_deadline(db):
    from tests.test_project_reports import act as report_act
    from tests.test_project_reports import create as create_project_report

    AssessmentPeriod.objects.filter(name="2023-M03").update(deadline="2099-04-10")
    name = create_project_report(period="2023-M03", month_investment=2600, stage="在建")["name"]
    ok(report_act("zhanggong", name, "提交"))
    ok(report_act("office", name, "退回修改", "请补充现场照片说明"))
    [item] = [item for item in ok(client("zhanggong").get(METHOD + "get_todo")) if item["doctype"] == "Project Report"]
    assert item["name"] == name and item["returned"]["reason"] == "请补充现场照片说明"
    assert item["deadline"]["due_date"] == "2099-04-10" and item["deadline"]["text"].startswith("已退回，还剩")
