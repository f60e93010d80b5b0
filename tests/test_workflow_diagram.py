"""A workflow shows as a diagram: the administrator's page draws it from the data and redraws it while
the states and transitions are edited; a document's page shows where the document stands on it. A
transition's states, the roles and the document type are picked from lists; unknown values are refused."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from apps.innovation_action.models import SelfAssessment
from apps.lowcode.models import Workflow, WorkflowState, WorkflowTransition
from apps.lowcode.workflow.diagram import render_svg
from tests.admin_forms import form_data
from tests.browser import browser_page, log_in, log_out_and_in  # noqa: F401  (browser_page is a fixture)
from tests.test_workflow_browser import create_submitted_assessment

WORKFLOW = "自评报告审核流程"
SVG = "{http://www.w3.org/2000/svg}"
# The 赣州 default workflow (fixtures/ganzhou-2023/workflows.yaml).
STATES = {"草稿": "editable", "待初审": "submitted", "待审定": "submitted", "已审定": "final"}
TRANSITIONS = {
    ("草稿", "提交", "待初审"),
    ("待初审", "撤回", "草稿"),
    ("待初审", "初审通过", "待审定"),
    ("待初审", "退回修改", "草稿"),
    ("待审定", "审定通过", "已审定"),
    ("待审定", "退回初审", "待初审"),
}


class Drawing:
    """What an SVG diagram shows: its state boxes, its labelled arrows, its text."""

    def __init__(self, svg: str):
        self.root = ET.fromstring(str(svg))
        groups = [g for g in self.root.iter(f"{SVG}g") if "wf-state" in g.get("class", "").split()]
        self.states = {g.get("data-state"): g for g in groups}
        self.actions = {
            (t.get("data-from"), t.get("data-action"), t.get("data-to"))
            for t in self.root.iter(f"{SVG}tspan")
            if t.get("class") == "wf-action"
        }
        self.edges = {
            (p.get("data-from"), p.get("data-to")): p for p in self.root.iter(f"{SVG}path") if p.get("data-to")
        }
        self.text = "".join(self.root.itertext())

    def classes(self, state: str) -> set[str]:
        return set(self.states[state].get("class").split())


def workflow_url(action="change", *args):
    return reverse(f"admin:lowcode_workflow_{action}", args=args)


def editor(client):
    workflow = Workflow.objects.get(name=WORKFLOW)
    url = workflow_url("change", workflow.pk)
    return url, form_data(client.get(url))


def add_on_site_check(data: dict) -> dict:
    """The form with a new state 现场核实 between 待初审 and 待审定, as an administrator would fill it in."""
    states, transitions = int(data["states-TOTAL_FORMS"]), int(data["transitions-TOTAL_FORMS"])
    first_pass = next(k for k, v in data.items() if k.endswith("-action") and v == "初审通过")[: -len("action")]
    return {
        **data,
        "states-TOTAL_FORMS": states + 1,
        f"states-{states}-idx": 5,
        f"states-{states}-state": "现场核实",
        f"states-{states}-state_type": "submitted",
        f"states-{states}-allow_edit": ["领导小组办公室"],
        f"{first_pass}next_state": "现场核实",
        "transitions-TOTAL_FORMS": transitions + 1,
        f"transitions-{transitions}-idx": 6,
        f"transitions-{transitions}-state": "现场核实",
        f"transitions-{transitions}-action": "核实通过",
        f"transitions-{transitions}-next_state": "待审定",
        f"transitions-{transitions}-allowed": ["领导小组办公室"],
        f"transitions-{transitions}-approvals_required": 1,
    }


@pytest.mark.django_db
def test_the_workflow_page_draws_every_state_and_transition_of_the_default_workflow(login):
    admin = login("admin")
    workflow = Workflow.objects.get(name=WORKFLOW)
    response = admin.get(workflow_url("change", workflow.pk))
    assert 'id="workflow-diagram-box"' in response.content.decode()
    drawing = Drawing(response.context["workflow_diagram"])
    assert {name: g.get("data-type") for name, g in drawing.states.items()} == STATES
    assert drawing.actions == TRANSITIONS
    # Boxes are coloured by their state type: the two 审核中 states alike, the others apart.
    fills = {name: g.find(f"{SVG}rect").get("fill") for name, g in drawing.states.items()}
    assert fills["待初审"] == fills["待审定"] and len({fills["草稿"], fills["待初审"], fills["已审定"]}) == 3
    # Each arrow names the roles allowed; a return that needs a reason is dashed and says so.
    assert "县级填报员、" in drawing.text and "领导小组办公室" in drawing.text and "领导小组" in drawing.text
    assert drawing.text.count("须填写意见") == 2
    assert drawing.edges[("待初审", "草稿")].get("stroke-dasharray")
    assert not drawing.edges[("草稿", "待初审")].get("stroke-dasharray")


@pytest.mark.django_db
def test_the_diagram_is_drawn_from_the_form_being_edited_and_nothing_is_saved(login):
    admin = login("admin")
    url, data = editor(admin)
    response = admin.post(workflow_url("diagram"), add_on_site_check(data))
    assert response.status_code == 200 and response["Content-Type"].startswith("image/svg+xml")
    drawing = Drawing(response.content.decode())
    assert set(drawing.states) == {*STATES, "现场核实"}
    assert ("待初审", "初审通过", "现场核实") in drawing.actions and (
        "现场核实",
        "核实通过",
        "待审定",
    ) in drawing.actions
    assert ("待初审", "初审通过", "待审定") not in drawing.actions
    assert not WorkflowState.objects.filter(state="现场核实").exists()  # only drawn

    # A row marked for deletion is left out, as saving would drop it.
    deleted = {**data, "states-3-DELETE": "on"}
    assert "已审定" not in Drawing(admin.post(workflow_url("diagram"), deleted).content.decode()).states

    assert admin.get(workflow_url("diagram")).status_code == 405
    county = login("zhanggong")  # not an admin user: sent to the workbench
    response = county.post(workflow_url("diagram"), data)
    assert response.status_code == 302 and response["Location"] == "/app/"
    reader = login("leader")  # an admin user who may not change workflows
    response = reader.post(workflow_url("diagram"), data)
    assert response.status_code == 403 and b"<svg" not in response.content


@pytest.mark.django_db
def test_a_refused_save_draws_what_was_posted(login):
    admin = login("admin")
    url, data = editor(admin)
    posted = add_on_site_check(data)
    posted["transitions-0-next_state"] = "待复核"
    response = admin.post(url, posted)
    assert response.status_code == 200
    assert "现场核实" in Drawing(response.context["workflow_diagram"]).states


@pytest.mark.django_db
def test_a_transitions_states_are_picked_from_the_workflows_states(login):
    admin = login("admin")
    url, data = editor(admin)
    html = admin.get(url).content.decode()
    assert '<select name="transitions-0-next_state" class="lowcode-state-select"' in html
    assert '<option value="待初审" selected>待初审</option>' in html
    # A state added in the same form is one of the choices when the form comes back.
    posted = add_on_site_check(data)
    posted["transitions-0-action"] = ""  # refused for another reason: the form is shown again
    response = admin.post(url, posted)
    assert response.status_code == 200
    assert '<option value="现场核实" selected>现场核实</option>' in response.content.decode()


@pytest.mark.django_db
def test_unknown_states_roles_and_document_types_are_refused_in_chinese(login):
    admin = login("admin")
    url, data = editor(admin)

    def refused(**changes):
        response = admin.post(url, {**data, **changes})
        assert response.status_code == 200, changes  # the form again, with the reason
        return response.content.decode()

    assert "状态“待复核”不在本工作流的状态中" in refused(**{"transitions-1-next_state": "待复核"})
    assert "状态“待复核”不在本工作流的状态中" in refused(**{"transitions-1-state": "待复核"})
    assert "选择一个有效的选项。 不存在的角色 不在可用的选项中。" in refused(
        **{"transitions-1-allowed": ["领导小组办公室", "不存在的角色"]}
    )
    assert "选择一个有效的选项。 不存在的角色 不在可用的选项中。" in refused(
        **{"states-1-allow_edit": ["不存在的角色"]}
    )
    assert "选择一个有效的选项。 NoSuchDoctype 不在可用的选项中。" in refused(document_type="NoSuchDoctype")
    transitions = WorkflowTransition.objects.filter(workflow__name=WORKFLOW)
    assert transitions.get(action="初审通过").next_state == "待审定"
    assert transitions.get(action="初审通过").allowed == "领导小组办公室"


@pytest.mark.django_db
def test_a_document_page_shows_where_it_stands(login):
    name = create_submitted_assessment()
    office = login("office")
    response = office.get(
        reverse("admin:innovation_action_selfassessment_change", args=[SelfAssessment.objects.get(name=name).pk])
    )
    drawing = Drawing(response.context["workflow_diagram"])
    assert drawing.actions == TRANSITIONS
    assert "wf-current" in drawing.classes("待初审")
    assert "wf-visited" in drawing.classes("草稿") and "wf-current" not in drawing.classes("草稿")
    assert not {"wf-current", "wf-visited"} & drawing.classes("已审定")
    assert "wf-taken" in drawing.edges[("草稿", "待初审")].get("class")
    assert "wf-taken" not in drawing.edges[("待初审", "待审定")].get("class")
    assert "当前 · 审核中" in drawing.text


def test_a_diagram_of_any_shape_names_every_state_and_transition():
    """Branches, a skip over a column, a loop on one state, a state nothing reaches, and text to escape."""
    states = [
        {"state": "申请", "state_type": "editable"},
        {"state": "审核", "state_type": "submitted"},
        {"state": "复核", "state_type": "submitted"},
        {"state": "办结", "state_type": "final"},
        {"state": "不予受理", "state_type": "final"},
        {"state": "归档<旧>", "state_type": "final"},
    ]
    transitions = [
        {"state": "申请", "action": "提交", "next_state": "审核", "allowed": "甲\n乙"},
        {"state": "审核", "action": "转复核", "next_state": "复核", "allowed": ""},
        {"state": "审核", "action": "不予受理", "next_state": "不予受理", "allowed": "", "comment_required": True},
        {"state": "申请", "action": "直接办结", "next_state": "办结", "allowed": ""},
        {"state": "复核", "action": "再审", "next_state": "复核", "allowed": ""},
        {"state": "复核", "action": "通过", "next_state": "办结", "allowed": ""},
        {"state": "复核", "action": "退回", "next_state": "申请", "allowed": "", "comment_required": True},
        {"state": "复核", "action": "错误", "next_state": "没有的状态", "allowed": ""},  # not drawn
    ]
    drawing = Drawing(render_svg(states, transitions, title="A & B"))
    assert set(drawing.states) == {s["state"] for s in states}
    assert drawing.actions == {(t["state"], t["action"], t["next_state"]) for t in transitions[:-1]}
    assert "（不限角色）" in drawing.text and "甲、乙" in drawing.text
    assert "还没有状态" in "".join(ET.fromstring(render_svg([], [])).itertext())


# ---------------------------------------------------------------- in the browser


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_diagram_redraws_when_a_state_is_added_in_the_browser(browser_page, tmp_path):
    page = browser_page
    log_in(page, "admin")
    workflow = Workflow.objects.get(name=WORKFLOW)
    page.goto(page.base_url + workflow_url("change", workflow.pk))
    box = page.locator("#workflow-diagram-box")
    for name in STATES:
        expect(box.locator(f"g.wf-state[data-state='{name}']")).to_be_visible()
    for width, height in ((1440, 1000), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=tmp_path / f"workflow-{width}.png", full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.set_viewport_size({"width": 1440, "height": 1000})

    page.get_by_role("tab", name="状态").click()
    page.get_by_text("添加另一个 工作流状态").click()
    page.fill("input[name=states-4-idx]", "5")
    page.fill("input[name=states-4-state]", "现场核实")
    page.locator("select[name=states-4-state_type]").select_option("submitted", force=True)
    expect(box.locator("g.wf-state[data-state='现场核实']")).to_be_visible()  # redrawn, not saved
    assert not WorkflowState.objects.filter(state="现场核实").exists()

    # Picked the way a person picks it, in the theme's select2 box (which speaks through jQuery only).
    page.get_by_role("tab", name="转换").click()
    page.locator("select[name=transitions-2-next_state] + .select2-container").click()  # 初审通过 (after 撤回)
    page.locator(".select2-results__option", has_text="现场核实").click()
    expect(box.locator("tspan.wf-action[data-action='初审通过'][data-to='现场核实']")).to_have_count(1)
    page.screenshot(path=tmp_path / "workflow-edited.png", full_page=True)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_document_page_highlights_its_state_in_the_browser(browser_page, tmp_path):
    page = browser_page
    name = create_submitted_assessment()
    log_in(page, "office")
    pk = SelfAssessment.objects.get(name=name).pk
    page.goto(f"{page.base_url}/admin/innovation_action/selfassessment/{pk}/change/")
    current = page.locator("#workflow-diagram-box g.wf-current")
    expect(current).to_have_count(1)
    expect(current).to_have_attribute("data-state", "待初审")
    for width, height in ((1440, 1000), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.reload()
        page.screenshot(path=tmp_path / f"document-{width}.png", full_page=True)
        # The page keeps to the screen; a diagram wider than a phone scrolls inside its card, to the current state.
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    box = page.locator("#workflow-diagram-box")
    assert box.evaluate("b => b.scrollWidth > b.clientWidth && b.scrollLeft > 0")
    log_out_and_in(page, "leader")  # a reader sees it too (county users are not admin users, issue 18)
    page.goto(f"{page.base_url}/admin/innovation_action/selfassessment/{pk}/change/")
    expect(page.locator("#workflow-diagram-box g.wf-current")).to_have_attribute("data-state", "待初审")


@pytest.mark.django_db
def test_the_workflow_list_names_each_doctype_as_its_users_know_it(login):
    listing = login("admin").get("/admin/lowcode/workflow/").content.decode()
    table = listing[listing.index('id="result_list"') :]
    assert "自评报告" in table and "月度调度" in table
    assert "SelfAssessment" not in table and "Progress Report" not in table


@pytest.mark.django_db
def test_the_workflow_list_filter_names_each_doctype_as_its_users_know_it(login):
    from apps.lowcode.doctype.customization import PropertySetter

    PropertySetter.objects.create(doc_type="SelfAssessment", field_name="", label="自评材料")
    admin = login("admin")
    listing = admin.get("/admin/lowcode/workflow/")
    spec = next(s for s in listing.context["cl"].filter_specs if s.parameter_name == "document_type__exact")
    assert spec.lookup_choices == [
        ("Progress Report", "月度调度"),
        ("SelfAssessment", "自评材料"),
        ("Project Report", "项目月报"),
    ]  # by label
    html = listing.content.decode()
    sidebar = html[html.index('id="changelist-filter"') :] if 'id="changelist-filter"' in html else html
    shown = re.sub(r"\s+", " ", re.sub(r"<[^>]*>", " ", sidebar))  # the words on the page, not the links' values
    assert "自评材料" in shown and "SelfAssessment" not in shown and "Progress Report" not in shown

    only = admin.get("/admin/lowcode/workflow/", {"document_type__exact": "SelfAssessment"})
    assert [w.name for w in only.context["cl"].result_list] == ["自评报告审核流程"]


@pytest.mark.django_db
def test_the_workflow_log_filter_names_doctypes_by_their_labels_too(login):
    from apps.lowcode.workflow.model import WorkflowLog

    WorkflowLog.objects.create(
        reference_doctype="SelfAssessment", reference_name="x", action="提交", from_state="草稿", to_state="待初审"
    )
    listing = login("admin").get("/admin/lowcode/workflowlog/")
    spec = next(
        s for s in listing.context["cl"].filter_specs if getattr(s, "parameter_name", "") == "reference_doctype__exact"
    )
    assert ("SelfAssessment", "自评报告") in spec.lookup_choices
    assert all(label != value for value, label in spec.lookup_choices)
