"""Issue 18: county and unit users work only in the workbench; the admin is the Desk of the roles that have desk access.

One rule (apps/lowcode/roles/desk.py): a user is an admin (staff) user when a role of theirs has 可进入后台, or
they are a superuser. ``is_staff`` follows it through every door that changes roles; the admin sends everyone
else to the workbench.
"""

import importlib
import re

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group, User
from django.urls import reverse

from apps.innovation_action import roles
from apps.innovation_action.services.demo_accounts import DEMO_PASSWORD, create_demo_accounts
from apps.lowcode.models import RoleProfile
from apps.lowcode.roles.desk import has_desk_access, refresh_staff, set_desk_access

pytestmark = pytest.mark.django_db

ENGLISH = re.compile(r"\b(You are authenticated|not authorized|Please enter|Log in|Forgotten)\b")


def staff(username) -> bool:
    return User.objects.get(username=username).is_staff


def test_demo_accounts_staff_follows_their_roles():
    assert {u: staff(u) for u in ("zhanggong", "xinfeng", "gongxin", "office", "leader", "admin")} == {
        "zhanggong": False,
        "xinfeng": False,
        "gongxin": False,
        "office": True,
        "leader": True,
        "admin": True,
    }
    profiles = dict(RoleProfile.objects.values_list("group__role_key__key", "desk_access"))
    assert profiles == roles.DESK_ACCESS
    # Setting the demo up again does not make anyone staff by hand.
    create_demo_accounts()
    assert not staff("zhanggong") and staff("office")


def test_role_changes_through_any_door_move_is_staff():
    county, office = roles.group(roles.COUNTY_USER), roles.group(roles.OFFICE)
    user = User.objects.create_user("new_county", password="pw-123456", is_staff=True)  # by hand: not kept
    assert not user.is_staff and not staff("new_county")
    user.groups.add(county)
    assert not staff("new_county")
    user.groups.add(office)
    assert staff("new_county")
    user.groups.remove(office)
    assert not staff("new_county")
    office.user_set.add(user)  # from the role's side
    assert staff("new_county")
    office.user_set.clear()
    assert not staff("new_county")
    user.groups.set([office])
    user.refresh_from_db()
    user.is_staff = False  # ticked off by hand and saved: the rule puts it back
    user.save()
    assert staff("new_county")
    user.groups.clear()
    assert not staff("new_county")


def test_a_roles_desk_access_moves_its_users_and_a_deleted_role_takes_it_away():
    role = Group.objects.create(name="数据维护员")
    user = User.objects.create_user("maintainer", password="pw-123456")
    user.groups.add(role)
    assert not staff("maintainer")  # a new role opens nothing until ticked
    set_desk_access(role, True)
    assert staff("maintainer") and has_desk_access(User.objects.get(username="maintainer"))
    set_desk_access(role, False)
    assert not staff("maintainer")
    set_desk_access(role, True)
    role.delete()
    assert not staff("maintainer")


def test_superusers_are_always_staff():
    root = User.objects.create_superuser("root2", password="pw-123456")
    assert root.is_staff and staff("root2")
    User.objects.filter(pk=root.pk).update(is_staff=False)
    assert refresh_staff([root.pk]) == 1 and staff("root2")


def test_the_migration_derives_is_staff_for_existing_users():
    """A site from before: every demo account was staff. The migration leaves the counties and units out."""
    User.objects.all().update(is_staff=True)
    RoleProfile.objects.all().delete()
    User.objects.all().update(is_staff=True)  # deleting the settings derived it already: undo, as before
    migration = importlib.import_module("apps.innovation_action.migrations.0017_roles_desk_access")
    migration.derive_staff(django_apps, None)
    assert not staff("zhanggong") and not staff("gongxin") and staff("office") and staff("leader")
    assert dict(RoleProfile.objects.values_list("group__role_key__key", "desk_access")) == roles.DESK_ACCESS


def test_an_administrator_ticks_desk_access_on_the_role_form(login):
    county = roles.group(roles.COUNTY_USER)
    admin = login("admin")
    form = admin.get(reverse("admin:auth_group_change", args=[county.pk])).content.decode()
    assert "可进入后台" in form
    response = admin.post(
        reverse("admin:auth_group_change", args=[county.pk]),
        {
            "name": county.name,
            "permissions": list(county.permissions.values_list("pk", flat=True)),
            "desk_access": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert staff("zhanggong") and staff("xinfeng")
    # The user form shows 职员状态 as the roles make it, not as a box to tick.
    page = admin.get(reverse("admin:auth_user_change", args=[User.objects.get(username="zhanggong").pk]))
    assert 'name="is_staff"' not in page.content.decode()


@pytest.mark.parametrize("username", ["zhanggong", "xinfeng", "gongxin"])
def test_county_and_unit_users_are_sent_from_every_admin_page_to_the_workbench(client, username):
    client.force_login(User.objects.get(username=username))
    for url in (
        "/admin/",
        "/admin/login/",
        "/admin/innovation_action/selfassessment/",
        "/admin/innovation_action/selfassessment/add/",
        "/admin/inbox/",
        "/admin/my-api-keys/",
        "/admin/rankings/",
        "/admin/print/Project/2023-P01/",
        "/admin/no/such/page/",
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == "/app/", (url, response.status_code)
        assert client.post(url, {"name": "x"})["Location"] == "/app/"
    # The root goes to the admin, which sends them on; the workbench answers them.
    assert client.get("/admin/", follow=True).redirect_chain[-1] == ("/app/", 302)
    # They log out where they work (the workbench calls Frappe's logout); the admin's logout sends them there too.
    assert client.post(reverse("admin:logout"))["Location"] == "/app/"
    assert client.post("/api/method/logout").status_code == 200
    assert "_auth_user_id" not in client.session


def test_the_admin_login_refuses_them_in_chinese_and_points_to_the_workbench(client):
    page = client.get("/admin/login/").content.decode()
    assert 'href="/app/login"' in page and "工作台" in page
    response = client.post("/admin/login/", {"username": "zhanggong", "password": DEMO_PASSWORD})
    html = response.content.decode()
    assert response.status_code == 200
    assert "请到工作台登录：/app/login" in html
    assert not ENGLISH.search(html), ENGLISH.search(html)
    assert "_auth_user_id" not in client.session
    # A wrong password still says only that the login failed (no hint about who works where).
    wrong = client.post("/admin/login/", {"username": "zhanggong", "password": "wrong-password"}).content.decode()
    assert "/app/login" not in wrong.replace('href="/app/login"', "")
    # The office logs in to the admin as before.
    assert client.post("/admin/login/", {"username": "office", "password": DEMO_PASSWORD}).status_code == 302


def test_the_workbench_and_the_api_need_no_admin_access(api):
    """A county user, not staff, logs in through the API (as the workbench does) and does their work."""
    assert not staff("zhanggong")
    county = api.as_user("zhanggong")
    session = county.get("/api/method/innovation_action.api.get_workbench_session")
    assert session.status_code == 200 and "county_user" in str(session.json()["message"])
    from tests.test_workflow_api import act, create_assessment, fill_in, ok

    name = create_assessment("zhanggong", "章贡区")["name"]
    fill_in("zhanggong", name)
    assert ok(act("zhanggong", name, "提交"))["workflow_state"] == "待初审"
    pdf = county.get("/api/method/frappe.utils.print_format.download_pdf", {"doctype": "SelfAssessment", "name": name})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    for method in ("get_todo", "get_self_assessments", "get_monthly_reports", "get_project_reports", "get_done"):
        assert county.get(f"/api/method/innovation_action.api.{method}").status_code == 200, method
    notes = county.get("/api/method/frappe.desk.doctype.notification_log.notification_log.get_notification_logs")
    assert notes.status_code == 200


@pytest.mark.parametrize(("username", "home"), [("zhanggong", "/app/"), ("gongxin", "/app/"), ("office", "/admin/")])
def test_the_api_login_names_the_home_of_each_user(api, username, home):
    """Frappe's login answers where the user works (the Desk for system users): the workbench for counties."""
    response = api.post("/api/method/login", {"usr": username, "pwd": DEMO_PASSWORD}, format="json")
    assert response.status_code == 200 and response.json()["home_page"] == home
