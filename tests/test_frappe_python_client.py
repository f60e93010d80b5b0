"""A Frappe client from PyPI (frappe-connector, pinned in the ``test`` extra) against a live server.

Each test uses the client's documented calls only (its README): session login (the
legacy ``cmd=login`` POST to the site root) and token login (``Basic key:secret``),
get_list, get_doc by name and by filters, create_doc, update_doc, delete_doc
(``cmd=frappe.client.delete``), submit_doc (``cmd=frappe.client.submit``), get_api /
post_api for whitelisted methods (frappe.client.get_value among them), its error
classes and close() (``GET /?cmd=logout``).
"""

import pytest
from frappe_connector import FrappeConnector, LoginFailedError, ServerError

from apps.innovation_action.models import Task
from apps.innovation_action.services.demo_accounts import (
    DEMO_PASSWORD,
    create_demo_accounts,
)
from apps.innovation_action.services.plan_loader import load_plan
from tests.conftest import PLAN_FOLDER

pytestmark = pytest.mark.django_db(transaction=True)

NEW_TASK = {
    "doctype": "Task",
    "plan": "2023",
    "section_number": 7,
    "section": "（七）广聚各类优秀人才，提升创新创业活力",
    "number": 44,
    "title": "Python 客户端创建的任务",
    "content": "由 frappe-connector 创建。",
    "lead_unit": "市科技局",
    "units": [{"unit": "市科技局", "role": "牵头"}],
}


@pytest.fixture
def site(live_server):
    load_plan(PLAN_FOLDER)  # a transactional test starts from an empty database
    create_demo_accounts()
    return live_server.url


def session(site, username="office") -> FrappeConnector:
    return FrappeConnector(site, username=username, password=DEMO_PASSWORD, timeout=60)


def token(site, username="office") -> FrappeConnector:
    with session(site, username) as client:
        keys = client.post_api("frappe.core.doctype.user.user.generate_keys")
    return FrappeConnector(site, api_key=keys["api_key"], api_secret=keys["api_secret"], timeout=60)


def test_password_and_token_login_list_get_and_methods(site):
    with pytest.raises(LoginFailedError):
        FrappeConnector(site, username="office", password="wrong")
    for client in (session(site), token(site)):
        with client:
            rows = client.get_list(
                "Project",
                fields=["name", "project_name", "county", "total_investment"],
                filters={"section": "新开工"},
                offset=0,
                page_size=3,
                order_by="number asc",
            )
            assert [r["name"] for r in rows] == ["2023-P01", "2023-P02", "2023-P03"]
            assert set(rows[0]) == {"name", "project_name", "county", "total_investment"}
            assert len(client.get_list("Task", page_size=0)) == 29
            doc = client.get_doc("Task", name="2023-T08")
            assert doc["lead_unit"] == "市卫健委" and len(doc["units"]) == 3
            by_filter = client.get_doc("Project", filters={"county": "崇义县", "number": 24}, fields=["name", "county"])
            assert by_filter == {"name": "2023-P24", "county": "崇义县"}
            assert client.get_api("frappe.auth.get_logged_user") == "office"
            assert client.get_api("frappe.client.get_count", params={"doctype": "Project"}) == 29
            totals = client.get_api("innovation_action.api.get_project_totals")
            assert [row["section"] for row in totals] == ["新开工", "续建"]
            with pytest.raises(ServerError) as missing:
                client.get_doc("Task", name="2099-T99")
            assert missing.value.exc_type == "DoesNotExistError"


def test_county_user_sees_own_scope_only(site):
    with session(site, "zhanggong") as client:
        assert sorted(r["name"] for r in client.get_list("Project", page_size=0)) == ["2023-P12", "2023-P13"]
        with pytest.raises(ServerError) as other:
            client.get_doc("Project", name="2023-P21")
        assert other.value.exc_type == "DoesNotExistError"


def test_insert_update_and_delete(site):
    with token(site) as client:
        created = client.create_doc(NEW_TASK)
        name = created["name"]
        assert created["title"] == "Python 客户端创建的任务"
        updated = client.update_doc(
            {"doctype": "Task", "name": name, "title": "已修改（Python）", "modified": created["modified"]}
        )
        assert updated["title"] == "已修改（Python）" and Task.objects.get(name=name).title == "已修改（Python）"
        client.delete_doc("Task", name)  # cmd=frappe.client.delete at the site root
        assert not Task.objects.filter(name=name).exists()


def test_get_value(site):
    with session(site) as client:
        value = client.get_api(
            "frappe.client.get_value",
            params={
                "doctype": "Project",
                "fieldname": ["county", "project_name"],
                "filters": {"name": "2023-P24"},
            },
        )
        assert value == {"county": "崇义县", "project_name": "章源钨业江西省钨制品技术创新中心项目"}
        assert client.get_api(
            "frappe.client.get_value",
            params={
                "doctype": "Project",
                "fieldname": "county",
                "filters": "2023-P24",
            },
        ) == {"county": "崇义县"}


def test_submit_is_refused_for_a_doctype_that_is_not_submittable(site):
    """No doctype of the plan is submittable: Frappe refuses to submit one (docstatus stays 0)."""
    with session(site) as client:
        with pytest.raises(ServerError) as refused:
            client.submit_doc({"doctype": "Task", "name": "2023-T08"})  # cmd=frappe.client.submit
        assert refused.value.exc_type == "ValidationError"
        assert Task.objects.get(name="2023-T08").docstatus == 0
