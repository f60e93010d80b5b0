"""Which projects a unit liaison reaches (issue 14, item 3).

The rule (README "record scope"): a project belongs to its county (附件2 "隶属"). A county user sees
their county's; a unit liaison sees the projects of the county their unit belongs to (a county's
人民政府), and none when the unit belongs to no county — the project list links no project to a city
unit. The office and the leading group see all. The same answer everywhere: API list, get, count,
export, the project totals method, attachments, and the admin list and pages.
"""

import io

import pytest
from django.contrib.auth.models import User
from openpyxl import load_workbook

from apps.innovation_action import roles
from apps.innovation_action.models import Project
from apps.innovation_action.services.demo_accounts import DEMO_PASSWORD
from apps.lowcode.models import UserPermission
from apps.lowcode.permissions import scope_queryset

pytestmark = [pytest.mark.django_db]

ZHANGGONG_PROJECTS = ["2023-P12", "2023-P13"]


def names(response):
    assert response.status_code == 200, response.content.decode()
    return sorted(row["name"] for row in response.json()["data"])


@pytest.fixture
def county_government_liaison(db):
    """The liaison of 章贡区人民政府, a unit that belongs to 章贡区."""
    account = User.objects.create_user("zgzf", password=DEMO_PASSWORD)
    account.groups.add(roles.group(roles.UNIT_LIAISON))
    UserPermission.objects.create(user=account, allow="Unit", for_value="章贡区人民政府")
    return account


@pytest.mark.both_databases
def test_a_city_unit_liaison_reaches_no_project_through_the_api(api):
    client = api.as_user("gongxin")
    assert names(client.resource("Project", limit=0)) == []
    assert client.get("/api/method/frappe.client.get_count", {"doctype": "Project"}).json()["message"] == 0
    response = client.get("/api/resource/Project/2023-P12")
    assert (response.status_code, response.json()["exc_type"]) == (404, "DoesNotExistError")
    listed = client.get("/api/method/frappe.client.get_list", {"doctype": "Project", "limit_page_length": 0})
    assert listed.json()["message"] == []
    totals = client.get("/api/method/innovation_action.api.get_project_totals", {"plan": "2023"})
    assert totals.json()["message"] == []
    export = client.get("/api/method/frappe.desk.reportview.export_query", {"doctype": "Project"})
    assert export.status_code == 200
    rows = list(load_workbook(io.BytesIO(export.content)).worksheets[0].iter_rows(values_only=True))
    assert len(rows) == 1  # the header only


@pytest.mark.both_databases
def test_a_county_governments_liaison_reaches_its_countys_projects(api, county_government_liaison):
    client = api.as_user("zgzf")
    assert names(client.resource("Project", limit=0)) == ZHANGGONG_PROJECTS
    assert client.get("/api/method/frappe.client.get_count", {"doctype": "Project"}).json()["message"] == 2
    assert client.get("/api/resource/Project/2023-P12").status_code == 200
    assert client.get("/api/resource/Project/2023-P21").status_code == 404
    export = client.get("/api/method/frappe.desk.reportview.export_query", {"doctype": "Project"})
    rows = list(load_workbook(io.BytesIO(export.content)).worksheets[0].iter_rows(values_only=True))
    assert len(rows) == 1 + 2


@pytest.mark.both_databases
def test_county_users_and_the_office_are_unchanged(api):
    assert names(api.as_user("zhanggong").resource("Project", limit=0)) == ZHANGGONG_PROJECTS
    assert len(names(api.as_user("office").resource("Project", limit=0))) == 29
    assert len(names(api.as_user("leader").resource("Project", limit=0))) == 29


@pytest.mark.both_databases
def test_a_user_of_a_unit_and_its_county_sees_each_project_once(county_government_liaison):
    UserPermission.objects.create(user=county_government_liaison, allow="County", for_value="章贡区")
    UserPermission.objects.create(user=county_government_liaison, allow="Unit", for_value="市工信局")
    user = User.objects.get(pk=county_government_liaison.pk)
    visible = scope_queryset(user, Project)
    assert sorted(visible.values_list("name", flat=True)) == ZHANGGONG_PROJECTS and visible.count() == 2


def scoped_desk_user(username, unit):
    """An admin (staff) user of the office's role limited to one unit: the admin's door with a unit's scope."""
    account = User.objects.create_user(username, password=DEMO_PASSWORD)
    account.groups.add(roles.group(roles.OFFICE))
    UserPermission.objects.create(user=account, allow="Unit", for_value=unit)
    return account


def test_the_admin_list_and_pages_follow_the_same_rule(login, county_government_liaison):
    # Liaisons are not admin users (issue 18): the admin sends them to the workbench; the API above is theirs.
    p12 = Project.objects.get(name="2023-P12")
    for liaison in ("gongxin", "zgzf"):
        assert login(liaison).get("/admin/innovation_action/project/")["Location"] == "/app/"
    # The same rule in the admin, for admin users limited to a unit.
    scoped_desk_user("gx_desk", "市工信局")
    city_unit = login("gx_desk")
    listing = city_unit.get("/admin/innovation_action/project/")
    assert listing.status_code == 200
    assert list(listing.context["cl"].result_list) == []
    assert city_unit.get(f"/admin/innovation_action/project/{p12.pk}/change/").status_code in (302, 404)
    assert city_unit.get(f"/admin/innovation_action/project/{p12.pk}/history/").status_code in (302, 403, 404)

    scoped_desk_user("zgzf_desk", "章贡区人民政府")
    county_unit = login("zgzf_desk")
    listing = county_unit.get("/admin/innovation_action/project/")
    assert sorted(p.name for p in listing.context["cl"].result_list) == ZHANGGONG_PROJECTS
    assert county_unit.get(f"/admin/innovation_action/project/{p12.pk}/change/").status_code == 200
