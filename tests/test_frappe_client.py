"""A real Frappe client library (frappe-js-sdk, from npm) against a live server."""

import pytest

from apps.innovation_action.services.demo_accounts import (
    DEMO_PASSWORD,
    create_demo_accounts,
)
from apps.innovation_action.services.plan_loader import load_plan
from tests.conftest import PLAN_FOLDER
from tests.node_client import run_script

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sdk_results(live_server):
    load_plan(PLAN_FOLDER)  # a transactional test starts from an empty database
    create_demo_accounts()
    results = run_script("roundtrip.mjs", live_server.url, "office", DEMO_PASSWORD)
    assert "error" not in results, results
    return results


def test_frappe_js_sdk_session_and_token(sdk_results):
    assert sdk_results["login"]["message"] == "Logged In"
    assert sdk_results["afterLogout"] == {"httpStatus": 403, "exc_type": "PermissionError"}  # a guest, as in Frappe
    assert sdk_results["wrongToken"] == {"httpStatus": 401, "exc_type": "AuthenticationError"}
    for mode in ("session", "token"):
        run = sdk_results[mode]
        assert [p["name"] for p in run["list"]] == ["2023-P24", "2023-P25", "2023-P26"]
        assert run["list"][0] == {
            "name": "2023-P24",
            "project_name": "章源钨业江西省钨制品技术创新中心项目",
            "county": "崇义县",
            "total_investment": 2100.0,
        }
        assert [p["name"] for p in run["orList"]] == ["2023-P01", "2023-P28"]
        assert run["count"] == 11
        assert run["doc"]["lead_unit"] == "市卫健委" and len(run["doc"]["units"]) == 3
        child = run["childValue"]
        assert (child["parent"], child["parenttype"], child["parentfield"]) == ("2023-T08", "Task", "units")
        assert {"unit": child["unit"], "idx": child["idx"]} in [
            {"unit": row["unit"], "idx": row["idx"]} for row in run["doc"]["units"]
        ]
        assert run["updatedTitle"] == f"已修改（{mode}）"
        assert run["value"] == {"title": f"已修改（{mode}）", "lead_unit": "市科技局"}
        assert run["valueName"] == {"name": run["created"]}
        assert run["setValue"] == f"setValue（{mode}）"
        assert run["submit"] == {"httpStatus": 417, "exc_type": "ValidationError"}  # Task is not submittable
        assert run["staleUpdate"]["httpStatus"] == 417
        assert run["staleUpdate"]["exc_type"] == "TimestampMismatchError"
        assert run["deleted"] == {"message": "ok"}
        assert run["afterDelete"] == {"httpStatus": 404, "exc_type": "DoesNotExistError"}
        assert run["user"] == "office"


@pytest.mark.redis
def test_frappe_js_sdk_forget_password(live_server, redis_queue):
    """auth().forgetPassword(user) sends the link (an RQ job); its key sets the password once (issue 15)."""
    import re

    from django.contrib.auth import get_user_model
    from django.core import mail
    from rq import SimpleWorker

    create_demo_accounts()
    get_user_model().objects.filter(username="office").update(email="office@example.cn")

    def run(*args):
        return run_script("password_reset.mjs", live_server.url, *args)

    assert run("forget", "office") == {"forget": {"ok": True, "value": None}}
    assert run("forget", "nobody-here") == {"forget": {"ok": True, "value": None}}  # the same, nothing sent
    SimpleWorker([redis_queue], connection=redis_queue.connection).work(burst=True)
    assert [m.to for m in mail.outbox] == [["office@example.cn"]]
    key = re.search(r"/app/update-password\?key=([\w.\-]+)", mail.outbox[0].body)[1]

    results = run("update", key, "office", "Sdk-new-password-2026")
    home_page = "/admin/" if get_user_model().objects.get(username="office").is_staff else "/app/"
    assert results["update"] == {"ok": True, "value": {"message": home_page}}
    assert results["again"]["ok"] is False and results["again"]["httpStatus"] == 410
    assert results["again"]["exc_type"] == "LinkExpired"
    assert results["login"]["ok"] is True and results["login"]["value"]["message"] == "Logged In"


def test_frappe_ui_request_shapes(live_server):
    """frappe-ui's resources, data-fetching composables and uploader, in the shapes its source sends
    (frappe_ui.mjs, plain fetch: frappe-ui itself needs a browser), as a county clerk and as the office."""
    load_plan(PLAN_FOLDER)
    create_demo_accounts()
    for username, writes in (("office", True), ("zhanggong", False)):
        results = run_script("frappe_ui.mjs", live_server.url, username, DEMO_PASSWORD, timeout=180)
        assert [r for r in results if not r["ok"]] == [], username
        labels = {r["label"] for r in results}
        assert "Link.vue search_link (POST doctype, txt '', filters undefined)" in labels
        assert ("documentResource.save (fieldname = whole doc minus doctype/name)" in labels) is writes
        assert ("county clerk refused frappe.client.insert Task (4xx, Chinese)" in labels) is not writes


def test_more_npm_clients_request_shapes(live_server):
    """frappe-js-client, node-erpnext, frappe-straw, @rustedcompiler/frappe-hooks and frappe-ui's data
    composables, in the shapes their source sends (npm_clients.mjs, plain fetch, token and session auth),
    as the office (writes) and as a county clerk (reads, refusals in Chinese)."""
    load_plan(PLAN_FOLDER)
    create_demo_accounts()
    for username, writes in (("office", True), ("zhanggong", False)):
        results = run_script("npm_clients.mjs", live_server.url, username, DEMO_PASSWORD, timeout=180)
        assert [r for r in results if not r["ok"]] == [], username
        labels = {r["label"] for r in results}
        assert "frappe-js-client call.get('frappe.ping')" in labels
        assert ("frappe-straw useSave (savedocs: doc as JSON text, action Save) then useDelete" in labels) is writes
        assert ("frappe-straw useSave refused for a county clerk" in labels) is not writes
