"""The admin as each role uses it: Chinese pages, browsing, totals, permissions."""

import pytest
from django.urls import reverse

from apps.innovation_action.models import ActionPlan, County, Task, Unit

pytestmark = pytest.mark.django_db


def changelist(model):
    return reverse(f"admin:innovation_action_{model}_changelist")


def test_login_page_is_chinese(client):
    page = client.get(reverse("admin:login")).content.decode()
    assert "用户名" in page and "密码" in page and "科技创新赋能行动" in page


def test_anonymous_is_sent_to_login(client):
    response = client.get(changelist("task"))
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]


def test_office_sees_project_totals_per_section(login):
    page = login("office").get(changelist("project")).content.decode()
    assert "按项目类型汇总" in page
    assert "164,600（16.46亿元）" in page and "82,000（8.2亿元）" in page
    assert "2,737,260（273.73亿元）" in page and "285,080（28.51亿元）" in page
    assert "2,901,860" in page  # 合计


def test_project_totals_follow_the_county_filter(login):
    client = login("office")
    county = County.objects.get(name="崇义县")
    page = client.get(changelist("project"), {"county__id__exact": county.pk}).content.decode()
    # 崇义县 has three continuing projects: 2100 + 1000 + 6000 total, 1600 + 400 + 2000 planned.
    assert "章源钨业江西省钨制品技术创新中心项目" in page
    assert "9,100（0.91亿元）" in page and "4,000（0.4亿元）" in page
    assert "低空飞行监管平台建设项目" not in page


def test_tasks_by_unit(login):
    client = login("office")
    unit = Unit.objects.get(name="市国资委")
    response = client.get(changelist("task"), {"unit": unit.pk})
    numbers = sorted(task.number for task in response.context["cl"].result_list)
    assert numbers == [4, 16, 23, 25]
    led = client.get(changelist("task"), {"unit": unit.pk, "role": "牵头"})
    assert [t.number for t in led.context["cl"].result_list] == [4]
    shared = client.get(changelist("task"), {"unit": unit.pk, "role": "责任"})
    assert [t.number for t in shared.context["cl"].result_list] == [16, 23, 25]


def test_unit_list_counts_tasks_and_links_to_them(login):
    page = login("office").get(changelist("unit"), {"q": "市国资委"}).content.decode()
    unit = Unit.objects.get(name="市国资委")
    plan = ActionPlan.objects.get(year=2023)
    assert f'?unit={unit.pk}&role=牵头&plan__id__exact={plan.pk}">1</a>' in page


def test_liaisons_by_unit(login):
    client = login("office")
    unit = Unit.objects.get(name="市住建局")
    response = client.get(changelist("liaison"), {"unit__id__exact": unit.pk})
    assert sorted(li.person_name for li in response.context["cl"].result_list) == ["廖嘉成", "杨白明", "黄露萌"]


def test_search_tasks_by_liaison(login):
    response = login("office").get(changelist("task"), {"q": "廖秋红"})
    assert [t.number for t in response.context["cl"].result_list] == [8]


def test_task_form_shows_units_and_liaisons(login):
    task = Task.objects.get(name="2023-T08")
    page = login("office").get(reverse("admin:innovation_action_task_change", args=[task.pk])).content.decode()
    assert "牵头及责任单位" in page and "社会保障科" in page


@pytest.mark.parametrize(
    "username, url_name, expected",
    [
        ("leader", "admin:innovation_action_task_add", 403),
        ("office", "admin:innovation_action_task_add", 200),
        ("office", "admin:innovation_action_indicator_add", 403),
        ("office", "admin:innovation_action_county_add", 403),
        ("admin", "admin:innovation_action_indicator_add", 200),
        ("admin", "admin:auth_user_changelist", 200),
        ("office", "admin:auth_user_changelist", 403),
    ],
)
def test_role_permissions(login, username, url_name, expected):
    assert login(username).get(reverse(url_name)).status_code == expected


@pytest.mark.parametrize(
    "username, method, url, expected",
    [
        ("zhanggong", "get", "/api/resource/Project", 200),
        ("zhanggong", "post", "/api/resource/Project", 403),
        ("gongxin", "post", "/api/resource/Task", 403),
    ],
)
def test_county_and_unit_role_permissions_at_their_door(api, username, method, url, expected):
    """County users and unit liaisons are not admin users (issue 18): their rights hold at the API."""
    client = api.as_user(username)
    response = getattr(client, method)(url, {"title": "x", "name": "x"}, format="json")
    assert response.status_code == expected, response.content[:300]
    if expected == 403:
        assert response.json()["exc_type"] == "PermissionError"
    # The admin pages that showed them these lists send them to the workbench now.
    assert login_client(username).get(reverse("admin:innovation_action_project_changelist"))["Location"] == "/app/"


def login_client(username):
    from django.contrib.auth.models import User
    from django.test import Client

    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def test_office_edits_a_task_and_history_records_who(login):
    client = login("office")
    task = Task.objects.get(name="2023-T03")
    url = reverse("admin:innovation_action_task_change", args=[task.pk])
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data["title"] = "支持企业融通创新（已修订）"
    rows = list(task.units.all())
    data.update(
        {
            "units-TOTAL_FORMS": len(rows),
            "units-INITIAL_FORMS": len(rows),
            "units-MIN_NUM_FORMS": 0,
            "units-MAX_NUM_FORMS": 1000,
        }
    )
    for i, row in enumerate(rows):
        data.update(
            {
                f"units-{i}-id": row.pk,
                f"units-{i}-task": task.pk,
                f"units-{i}-idx": row.idx,
                f"units-{i}-role": row.role_id,
                f"units-{i}-unit": row.unit_id,
                f"units-{i}-liaison": row.liaison_id or "",
            }
        )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    task.refresh_from_db()
    assert task.title == "支持企业融通创新（已修订）"
    assert task.history.first().history_user.username == "office"
    history_page = client.get(reverse("admin:innovation_action_task_history", args=[task.pk])).content.decode()
    assert "office" in history_page


def test_county_form_requires_a_name(login):
    response = login("admin").post(reverse("admin:innovation_action_county_add"), {"name": "", "order": 0})
    assert response.status_code == 200
    assert "必填项" in response.content.decode()


def test_county_user_lists_only_own_county(api):
    client = api.as_user("zhanggong")

    def names(doctype, **params):
        response = client.resource(doctype, limit_page_length=0, **params)
        assert response.status_code == 200, response.content[:300]
        return sorted(row["name"] for row in response.json()["data"])

    assert names("Project") == ["2023-P12", "2023-P13"]
    assert names("County") == ["章贡区"]
    assert names("Unit", filters=[["name", "like", "%人民政府%"]]) == ["章贡区人民政府"]


def test_county_user_cannot_open_another_countys_record(api):
    client = api.as_user("zhanggong")
    assert client.get("/api/resource/Project/2023-P21").status_code in (403, 404)
    assert client.get("/api/resource/Project/2023-P12").status_code == 200
    # Frappe's form load answers a document the user cannot see as a missing one: nothing.
    load = client.get("/api/method/frappe.desk.form.load.getdoc", {"doctype": "Project", "name": "2023-P21"})
    assert load.status_code == 200 and "docs" not in load.json() and "2023-P21" not in load.content.decode()


def test_scoped_editor_link_choices_are_scoped(login, django_user_model):

    from apps.innovation_action import roles
    from apps.lowcode.models import UserPermission

    user = django_user_model.objects.create_user("zg_office2", password="pw-123456")
    user.groups.add(roles.group(roles.OFFICE))
    UserPermission.objects.create(user=user, allow="County", for_value="章贡区")
    from django.test import Client

    client = Client()
    client.login(username="zg_office2", password="pw-123456")
    form = client.get(reverse("admin:innovation_action_project_add")).context["adminform"].form
    assert [c.name for c in form.fields["county"].queryset] == ["章贡区"]


def test_every_app_and_model_in_the_menu_has_an_icon_of_its_own(login):
    """No model in the side menu falls back to jazzmin's generic icon, and every icon is one the bundled
    Font Awesome draws (a misspelt class shows nothing)."""
    import re
    from pathlib import Path

    import jazzmin
    from django.contrib import admin
    from jazzmin.settings import get_settings

    options = get_settings()
    icons, generic = options["icons"], {options["default_icon_children"], options["default_icon_parents"]}
    registered = {model._meta.label.lower() for model in admin.site._registry}
    apps = {label.split(".")[0] for label in registered}
    assert sorted(label for label in registered | apps if label not in icons) == []
    assert not generic & {icons[label] for label in registered | apps}

    css = (Path(jazzmin.__file__).parent / "static/vendor/fontawesome-free/css/all.min.css").read_text()
    drawn = set(re.findall(r"\.fa-([a-z0-9-]+):before", css))
    assert sorted(i for i in icons.values() if i.split()[-1].removeprefix("fa-") not in drawn) == []

    # The side menu of an administrator shows them: the newer doctypes included.
    html = login("admin").get("/admin/").content.decode()
    for label in ("innovation_action.assesseetarget", "innovation_action.unitgroup", "lowcode.websitesettings"):
        assert icons[label] in html, label
