"""Task roles as data (Task Role), a unit in several roles on one task, and unit groups (Unit Group).

Every door: the API, the admin's inline, the xlsx import; and what reads roles: scope, monthly
reports, the task list's print context.
"""

import pytest
from django.urls import reverse

from apps.innovation_action.doctype.action_plan.print import context as plan_print_context
from apps.innovation_action.models import Task, TaskRole, TaskUnit, Unit, UnitGroup
from apps.innovation_action.services.monthly_reports import tasks_of_unit
from apps.lowcode.data_import import import_workbook, template
from tests.test_api_resource import error
from tests.test_data_import import fill, upload, user

pytestmark = pytest.mark.django_db


def new_task(number, units, **values):
    return {
        "plan": "2023",
        "section_number": 7,
        "section": "（七）广聚各类优秀人才，提升创新创业活力",
        "number": number,
        "title": f"职责测试任务{number}",
        "content": "测试。",
        "units": units,
        **values,
    }


def data(response, status=200):
    assert response.status_code == status, response.content.decode()
    return response.json()["data"]


def roles_of(task: Task) -> list[tuple[str, str]]:
    return [(row.unit.name, row.role.name) for row in task.units.select_related("unit", "role")]


# ------------------------------------------------------------------ the roles are data


def test_default_roles_ship_as_data(plan):
    assert list(TaskRole.objects.values_list("name", "label", "is_leading")) == [
        ("牵头", "牵头单位", True),
        ("责任", "责任单位", False),
        ("配合", "配合单位", False),
    ]


def test_a_unit_as_both_lead_and_responsible_through_the_api(api, plan):
    client = api.as_user("office")
    units = [
        {"unit": "市科技局", "role": "牵头"},
        {"unit": "市科技局", "role": "责任单位"},
        {"unit": "市科协", "role": "配合"},
    ]
    created = data(client.post("/api/resource/Task", new_task(50, units), format="json"))
    assert created["lead_unit"] == "市科技局"  # from the 牵头 row; the role written by its label is stored by name
    assert [(r["unit"], r["role"]) for r in created["units"]] == [
        ("市科技局", "牵头"),
        ("市科技局", "责任"),
        ("市科协", "配合"),
    ]
    task = Task.objects.get(name="2023-T50")
    assert [u.name for u in task.responsible_units] == ["市科技局"] and task.units_in("配合")[0].name == "市科协"
    # The same unit twice in the same role is refused, and nothing is written.
    twice = new_task(51, [{"unit": "市科技局", "role": "牵头"}, {"unit": "市科技局", "role": "牵头"}])
    error(client.post("/api/resource/Task", twice, format="json"), 409, "DuplicateEntryError")
    assert not Task.objects.filter(number=51).exists()


def test_the_lead_unit_is_the_lead_row(api, plan):
    client = api.as_user("office")
    # Given alone, the lead unit writes the 牵头 row.
    created = data(client.post("/api/resource/Task", new_task(52, [], lead_unit="市科技局"), format="json"))
    assert [(r["unit"], r["role"]) for r in created["units"]] == [("市科技局", "牵头")]
    # Changed alone, it moves the 牵头 row to the new unit; the other rows stay.
    rows = [*created["units"], {"unit": "市工信局", "role": "配合"}]
    updated = data(client.put("/api/resource/Task/2023-T52", {"units": rows}, format="json"))
    updated = data(client.put("/api/resource/Task/2023-T52", {"lead_unit": "市科协"}, format="json"))
    assert [(r["unit"], r["role"]) for r in updated["units"]] == [("市科协", "牵头"), ("市工信局", "配合")]
    assert Task.objects.get(name="2023-T52").lead_unit.name == "市科协"
    # Given with rows naming another lead, it is refused whole.
    message = error(
        client.put(
            "/api/resource/Task/2023-T52",
            {"lead_unit": "市财政局", "units": [{"unit": "市科协", "role": "牵头"}]},
            format="json",
        ),
        417,
        "ValidationError",
    )
    assert "牵头单位“市财政局”与单位表中的牵头单位“市科协”不一致" in message
    assert Task.objects.get(name="2023-T52").lead_unit.name == "市科协"
    # Without a 牵头 row the task has no lead unit.
    cleared = data(
        client.put("/api/resource/Task/2023-T52", {"units": [{"unit": "市工信局", "role": "配合"}]}, format="json")
    )
    assert cleared["lead_unit"] is None


def test_a_role_added_as_data_is_used_and_printed(api, plan):
    admin = api.as_user("admin")
    data(admin.post("/api/resource/Task Role", {"name": "协办", "label": "协办单位", "order": 4}, format="json"))
    office = api.as_user("office")
    units = [
        {"unit": "市科技局", "role": "牵头"},
        {"unit": "市工信局", "role": "协办单位"},
        {"unit": "市科协", "role": "配合"},
    ]
    data(office.post("/api/resource/Task", new_task(53, units), format="json"))
    row = next(row for row in plan_print_context(plan).tasks if row.number == 53)
    assert [(entry.label, entry.units) for entry in row.roles] == [
        ("牵头单位", ["市科技局"]),
        ("配合单位", ["市科协"]),
        ("协办单位", ["市工信局"]),
    ]
    assert row.units["协办"] == ["市工信局"] and row.lead_unit == "市科技局" and row.responsible_units == []
    # The 赣州 list's columns read as before.
    task8 = next(row for row in plan_print_context(plan).tasks if row.number == 8)
    assert task8.lead_unit == "市卫健委" and [entry.role for entry in task8.roles] == ["牵头", "责任"]


def test_the_admin_list_and_inline_take_a_unit_in_two_roles(login, plan):
    client = login("office")
    task = Task.objects.get(name="2023-T03")
    url = reverse("admin:innovation_action_task_change", args=[task.pk])
    form = client.get(url).context["adminform"].form
    post = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    rows = list(task.units.all())
    post.update(
        {
            "units-TOTAL_FORMS": len(rows) + 1,
            "units-INITIAL_FORMS": len(rows),
            "units-MIN_NUM_FORMS": 0,
            "units-MAX_NUM_FORMS": 1000,
        }
    )
    for i, row in enumerate(rows):
        post.update(
            {
                f"units-{i}-id": row.pk,
                f"units-{i}-task": task.pk,
                f"units-{i}-idx": row.idx,
                f"units-{i}-role": row.role_id,
                f"units-{i}-unit": row.unit_id,
                f"units-{i}-liaison": row.liaison_id or "",
            }
        )
    lead = task.lead_unit
    n = len(rows)
    post.update(
        {
            f"units-{n}-task": task.pk,
            f"units-{n}-idx": n + 1,
            f"units-{n}-role": TaskRole.objects.get(name="配合").pk,
            f"units-{n}-unit": lead.pk,
        }
    )
    response = client.post(url, post)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert (lead.name, "牵头") in roles_of(task) and (lead.name, "配合") in roles_of(task)
    page = client.get(reverse("admin:innovation_action_task_changelist"), {"q": task.title}).content.decode()
    assert f"配合：{lead.name}" in page


# ------------------------------------------------------------------ groups of units, the xlsx import


@pytest.fixture
def county_governments(api):
    admin = api.as_user("admin")
    members = [{"unit": "章贡区人民政府"}, {"unit": "信丰县人民政府"}]
    data(admin.post("/api/resource/Unit Group", {"name": "各县级人民政府", "members": members}, format="json"))
    return UnitGroup.objects.get(name="各县级人民政府")


def task_sheet_row(number, unit, role, **values):
    return {
        "工作方案": "2023",
        "板块序号": 7,
        "任务板块": "（七）广聚各类优秀人才，提升创新创业活力",
        "序号": number,
        "任务名称": f"导入职责任务{number}",
        "具体任务及要求": "导入测试。",
        "牵头及责任单位.单位": unit,
        "牵头及责任单位.职责": role,
        **values,
    }


def unit_row(unit, role):
    return {"牵头及责任单位.单位": unit, "牵头及责任单位.职责": role}


def test_a_group_expands_on_import_and_a_unit_holds_two_roles(county_governments, plan):
    office = user("office")
    rows = [
        task_sheet_row(60, "市科技局", "牵头单位"),
        unit_row("市科技局", "责任单位"),
        unit_row("各县级人民政府", "配合单位"),
    ]
    report = import_workbook(office, "Task", upload(fill(template(office, "Task"), rows)), dry_run=False)
    assert [(r.status, r.message) for r in report.rows] == [("新建", "")], report.rows
    task = Task.objects.get(name="2023-T60")
    assert roles_of(task) == [
        ("市科技局", "牵头"),
        ("市科技局", "责任"),
        ("章贡区人民政府", "配合"),
        ("信丰县人民政府", "配合"),
    ]
    assert task.lead_unit.name == "市科技局"
    # The list prints the members, where the source wrote the group.
    row = next(row for row in plan_print_context(plan).tasks if row.number == 60)
    assert row.units["配合"] == ["章贡区人民政府", "信丰县人民政府"]
    # The same sheet again changes nothing: the members keep their rows.
    names = set(task.units.values_list("name", flat=True))
    again = import_workbook(office, "Task", upload(fill(template(office, "Task"), rows)), dry_run=False)
    assert [r.status for r in again.rows] == ["未变化"], again.rows
    assert set(task.units.values_list("name", flat=True)) == names
    # A county user sees the task its government supports through the group.
    assert tasks_visible_to("zhanggong").filter(pk=task.pk).exists()
    assert tasks_visible_to("xinfeng").filter(pk=task.pk).exists()


def tasks_visible_to(username):
    from apps.lowcode.permissions import scope_queryset

    return scope_queryset(user(username), Task)


def test_an_unknown_unit_or_group_is_refused_on_its_row(county_governments, plan):
    office = user("office")
    rows = [
        task_sheet_row(61, "市科技局", "牵头单位"),
        unit_row("各乡镇", "配合单位"),
        task_sheet_row(62, "市科技局", "牵头单位"),
    ]
    report = import_workbook(office, "Task", upload(fill(template(office, "Task"), rows)), dry_run=False)
    first, second = report.rows
    assert first.status == "错误" and "找不到单位或单位组“各乡镇”" in first.message, first
    assert "表格第3行" in first.message  # the sheet row that names it
    assert second.status == "新建"
    assert not Task.objects.filter(plan__name="2023", number=61).exists()
    assert not TaskUnit.objects.filter(task__number=61).exists()
    # The same through the API: a Chinese 417, nothing written.
    empty = UnitGroup.objects.create(name="空组")
    response = api_post_task(new_task(63, [{"unit": "市科技局", "role": "牵头"}, {"unit": empty.name, "role": "配合"}]))
    assert response.status_code == 417 and "单位组“空组”还没有成员单位" in response.json()["message"]
    assert not Task.objects.filter(number=63).exists()


def api_post_task(payload):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(user("office"))
    return client.post("/api/resource/Task", payload, format="json")


# ------------------------------------------------------------------ who sees and reports on a task


def test_a_unit_liaison_sees_and_reports_a_task_where_it_only_supports(api, plan):
    office = api.as_user("office")
    units = [{"unit": "市科技局", "role": "牵头"}, {"unit": "市工信局", "role": "配合"}]
    data(office.post("/api/resource/Task", new_task(54, units), format="json"))
    gongxin = Unit.objects.get(name="市工信局")
    visible = set(tasks_visible_to("gongxin").values_list("name", flat=True))
    involved = set(Task.objects.filter(units__unit=gongxin).values_list("name", flat=True))
    assert "2023-T54" in visible and visible == involved
    liaison = api.__class__().as_user("gongxin")
    assert data(liaison.get("/api/resource/Task/2023-T54"))["name"] == "2023-T54"
    assert "2023-T54" in {task.name for task in tasks_of_unit(plan, gongxin)}


def test_the_admin_adds_a_group_in_one_role(login, county_governments, plan):
    client = login("office")
    task = Task.objects.get(name="2023-T03")
    url = reverse("admin:innovation_action_task_change", args=[task.pk])
    page = client.get(url)
    assert "按单位组添加" in page.content.decode()
    form = page.context["adminform"].form
    post = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    rows = list(task.units.all())
    post.update(
        {
            "units-TOTAL_FORMS": len(rows),
            "units-INITIAL_FORMS": len(rows),
            "units-MIN_NUM_FORMS": 0,
            "units-MAX_NUM_FORMS": 1000,
        }
    )
    for i, row in enumerate(rows):
        post.update(
            {
                f"units-{i}-id": row.pk,
                f"units-{i}-task": task.pk,
                f"units-{i}-idx": row.idx,
                f"units-{i}-role": row.role_id,
                f"units-{i}-unit": row.unit_id,
                f"units-{i}-liaison": row.liaison_id or "",
            }
        )
    # A group without a role is refused on the form.
    refused = client.post(url, {**post, "add_group": county_governments.pk})
    assert refused.status_code == 200 and "请选择单位组成员担任的职责" in refused.content.decode()
    supporting = TaskRole.objects.get(name="配合")
    response = client.post(url, {**post, "add_group": county_governments.pk, "add_group_role": supporting.pk})
    assert response.status_code == 302
    assert roles_of(task)[-2:] == [("章贡区人民政府", "配合"), ("信丰县人民政府", "配合")]
    assert len(roles_of(task)) == len(rows) + 2


@pytest.mark.parametrize(
    "payload",
    [
        {"lead_unit": "市科技局", "units": ["市科技局"]},
        {"lead_unit": "市科技局", "units": [{"unit": ["各县级人民政府"], "role": "配合"}]},
        {"units": [{"unit": "市科技局", "role": {"name": "牵头"}}]},
        {"lead_unit": ["市科技局"]},
        {"lead_unit": "市科技局", "units": "市科技局"},
    ],
)
def test_malformed_rows_are_4xx_not_500(api, plan, payload):
    response = api.as_user("office").post("/api/resource/Task", {**new_task(64, []), **payload}, format="json")
    assert 400 <= response.status_code < 500, response.content.decode()
    assert not Task.objects.filter(number=64).exists()
