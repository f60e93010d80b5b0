"""A role's name is data: an administrator renames it in the admin (a district's 街镇填报员 for 县级填报员), as
Frappe renames a Role. Users, permissions and workflow transitions keep the role (the code finds it by its
key), and every page, message and API answer says the new name, never the old one."""

import re

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from apps.innovation_action import roles
from apps.innovation_action.models import SelfAssessment
from apps.innovation_action.services.site_defaults import install_defaults
from apps.lowcode.workflow.loader import load_workflows
from apps.lowcode.workflow.model import Workflow, WorkflowState, WorkflowTransition
from tests.admin_forms import form_data
from tests.test_workflow_api import WORKFLOW, act, create_assessment, fill_in, ok, put, refused

pytestmark = pytest.mark.django_db

RENAMES = {roles.COUNTY_USER: ("县级填报员", "街镇填报员"), roles.UNIT_LIAISON: ("市直单位联络员", "区直单位联络员")}
OLD = [old for old, _new in RENAMES.values()]


def words(html: str) -> str:
    """The text a user reads on a page (tags and their attributes left out)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]*>", " ", html))


def rename_in_the_admin(admin: Client, key: str, new_name: str) -> None:
    group = roles.group(key)
    url = reverse("admin:auth_group_change", args=[group.pk])
    page = admin.get(url)
    assert "可以改名" in page.content.decode()
    response = admin.post(url, {**form_data(page), "name": new_name})
    assert response.status_code == 302, response.content.decode()[:2000]


@pytest.fixture
def renamed(client):
    """Both assessee roles renamed by the demo administrator through the admin's role form."""
    assert client.login(username="admin", password="ganzhou2023")
    for key, (_old, new) in RENAMES.items():
        rename_in_the_admin(client, key, new)
    return client


def test_an_administrator_renames_roles_and_the_code_still_finds_them(renamed):
    county, liaison = roles.group(roles.COUNTY_USER), roles.group(roles.UNIT_LIAISON)
    assert (county.name, liaison.name) == ("街镇填报员", "区直单位联络员")
    assert roles.name(roles.COUNTY_USER) == "街镇填报员"
    assert county.user_set.filter(username="zhanggong").exists()  # users and permissions stay with the role
    assert county.permissions.filter(codename="add_selfassessment").exists()

    # Setting the roles up again (install_defaults, every `make run`) keeps the new names: nothing comes back.
    install_defaults()
    assert not Group.objects.filter(name__in=OLD).exists()
    assert roles.group(roles.COUNTY_USER).pk == county.pk

    # The role list and a user's form name the new roles only.
    listing = words(renamed.get(reverse("admin:auth_group_changelist")).content.decode())
    assert "街镇填报员" in listing and "区直单位联络员" in listing and "出厂名称" in listing
    assert listing.count("县级填报员") == 1  # only as the standard name beside the new one
    zhanggong = county.user_set.get(username="zhanggong")
    user_form = words(renamed.get(reverse("admin:auth_user_change", args=[zhanggong.pk])).content.decode())
    assert "街镇填报员" in user_form and not any(old in user_form for old in OLD)


def test_workflows_follow_the_new_names_in_the_editor_and_the_diagram(renamed):
    submit = WorkflowTransition.objects.get(workflow__name=WORKFLOW, action="提交")
    assert submit.allowed_roles() == ["街镇填报员", "区直单位联络员"]
    draft = WorkflowState.objects.get(workflow__name=WORKFLOW, state="草稿")
    assert draft.edit_roles() == ["街镇填报员", "区直单位联络员"]
    assert [h.history_change_reason for h in submit.history.order_by("-history_id")[:2]] == [
        "角色“市直单位联络员”改名为“区直单位联络员”",
        "角色“县级填报员”改名为“街镇填报员”",
    ]
    assert not any(
        old in text
        for old in OLD
        for text in [*WorkflowTransition.objects.values_list("allowed", flat=True)]
        + [*WorkflowState.objects.values_list("allow_edit", flat=True)]
    )

    workflow = Workflow.objects.get(name=WORKFLOW)
    editor = renamed.get(reverse("admin:lowcode_workflow_change", args=[workflow.pk])).content.decode()
    assert "街镇填报员" in editor and "区直单位联络员" in editor and not any(old in editor for old in OLD)
    diagram = editor[editor.index("<svg") : editor.index("</svg>")]
    assert "街镇填报员" in diagram and "县级填报员" not in diagram

    # A default workflow loaded after the rename (its fixtures name the standard names) names the new ones.
    rows = [
        {
            "name": "另一个流程",
            "document_type": "Progress Report",
            "is_active": False,
            "states": [{"state": "草稿", "state_type": "editable", "allow_edit": ["县级填报员"]}],
            "transitions": [],
        }
    ]
    assert load_workflows(rows) == ["另一个流程"]
    assert WorkflowState.objects.get(workflow__name="另一个流程").allow_edit == "街镇填报员"


def test_a_renamed_county_role_logs_in_submits_and_is_reviewed(renamed, api):
    answer = api.as_user("zhanggong").get("/api/method/frappe.core.doctype.user.user.get_roles")
    assert answer.json()["message"] == ["街镇填报员"]

    name = create_assessment()["name"]
    # The office may not edit a draft: the message names who may, by the new names.
    message = refused(put("office", name, {"remarks": "代填"}), 403, "PermissionError")
    assert message == "单据处于“草稿”状态，只有街镇填报员、区直单位联络员可以修改"
    # Nor take the county's transition.
    message = refused(act("leader", name, "提交"), 403, "WorkflowPermissionError")
    assert message == "“提交”只能由以下角色办理：街镇填报员、区直单位联络员"

    fill_in("zhanggong", name)
    assert ok(act("zhanggong", name, "提交"))["workflow_state"] == "待初审"
    assert ok(act("office", name, "初审通过"))["workflow_state"] == "待审定"
    assert ok(act("leader", name, "审定通过"))["workflow_state"] == "已审定"

    # The document's page draws the workflow with the new names (the office's admin page: county users are not
    # admin users, issue 18).
    office = Client()
    assert office.login(username="office", password="ganzhou2023")
    pk = SelfAssessment.objects.get(name=name).pk
    page = office.get(reverse("admin:innovation_action_selfassessment_change", args=[pk])).content.decode()
    assert "街镇填报员" in page and not any(old in page for old in OLD)


def test_messages_naming_the_office_follow_its_name():
    """A message naming the office's role says what the administrator renamed it to."""
    office = roles.group(roles.OFFICE)
    office.name = "区科技创新办"
    office.save()
    from django.contrib.auth.models import User

    from apps.innovation_action.api import period_for
    from apps.lowcode.exceptions import PermissionError

    with pytest.raises(PermissionError, match="^只有区科技创新办可以开启考评或重新计算得分$"):
        period_for(User.objects.get(username="zhanggong"), "2023-Y")
    assert roles.office_or_administrator() == "区科技创新办或系统管理员"
    assert WorkflowTransition.objects.get(workflow__name=WORKFLOW, action="初审通过").allowed == "区科技创新办"
