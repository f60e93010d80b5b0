"""The requests other Frappe clients from PyPI make, made exactly as they make them, against a live server.

Each test names the client and the call it reproduces (the client itself is not installed: its
request is). The official frappe-client (frappeclient: frappe-client, frappeclient2, pyfrappeclient,
ctg-frappeclient on PyPI are copies of it): ``login`` (``cmd=login`` POSTed to the site root),
``authenticate`` (``Basic key:secret``), ``get_value`` without filters (``filters=null``),
``submit`` (the document as ``doclist``), ``get_pdf``
(``/api/method/frappe.templates.pages.print.download_pdf`` with ``format=Standard``) and
``get_html`` (``/print``). frappectl (Frappe's own CLI, REST API v2): ``doc submit`` / ``doc cancel``
(``POST /api/v2/document/<DocType>/<name>/method/submit``), ``doctype list``
(``frappe.desk.search.search_link`` on DocType). frappe-remote-cli: ``schema``
(``/api/resource/DocType/<name>``).
"""

import base64
import json

import pytest
import requests

from apps.innovation_action.models import SelfAssessment
from apps.innovation_action.services.demo_accounts import DEMO_PASSWORD, create_demo_accounts
from apps.innovation_action.services.plan_loader import load_plan
from tests.conftest import PLAN_FOLDER

pytestmark = pytest.mark.django_db(transaction=True)

TIMEOUT = 60


@pytest.fixture
def site(live_server):
    load_plan(PLAN_FOLDER)  # a transactional test starts from an empty database
    create_demo_accounts()
    return live_server.url


def logged_in(site, username) -> requests.Session:
    """frappeclient.FrappeClient(url).login(usr, pwd): a form POST of cmd=login to the site root."""
    session = requests.Session()
    session.headers["Accept"] = "application/json"
    answer = session.post(site, data={"cmd": "login", "usr": username, "pwd": DEMO_PASSWORD}, timeout=TIMEOUT)
    assert answer.json()["message"] == "Logged In", answer.text
    return session


def with_token(site, username) -> requests.Session:
    """frappeclient's authenticate(api_key, api_secret): ``Authorization: Basic base64(key:secret)``."""
    keys = logged_in(site, username).post(
        f"{site}/api/method/frappe.core.doctype.user.user.generate_keys", timeout=TIMEOUT
    )
    pair = f"{keys.json()['message']['api_key']}:{keys.json()['message']['api_secret']}"
    session = requests.Session()
    session.headers["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode()
    return session


def frappe_refusal(response, status, exc_type) -> str:
    """A refusal in Frappe's v1 JSON (never an HTML page), with its Chinese message."""
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["exc_type"] == exc_type and json.loads(body["exc"]) == [body["exception"]]
    return body["message"]


def new_assessment(session, site) -> str:
    created = session.post(
        f"{site}/api/resource/SelfAssessment",
        data={"data": json.dumps({"doctype": "SelfAssessment", "period": "2023-Y", "county": "章贡区"})},
        timeout=TIMEOUT,
    )
    assert created.status_code == 200, created.text
    return created.json()["data"]["name"]


def check_get_value_without_filters_answers_the_first_row(site):
    """frappeclient get_value(doctype, fieldname) sends filters=json.dumps(None), i.e. "null": any row."""
    session = with_token(site, "office")
    answer = session.get(
        site,
        params={"cmd": "frappe.client.get_value", "doctype": "Project", "fieldname": "name", "filters": "null"},
        timeout=TIMEOUT,
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["message"]["name"].startswith("2023-P")
    # A county user's "first row" is one of its own.
    county = logged_in(site, "zhanggong").get(
        site,
        params={"cmd": "frappe.client.get_value", "doctype": "Project", "fieldname": "county", "filters": "null"},
        timeout=TIMEOUT,
    )
    assert county.json()["message"] == {"county": "章贡区"}


def check_submit_sends_doclist_and_is_told_to_use_the_workflow(site, session, name):
    answer = session.post(
        site,
        data={"cmd": "frappe.client.submit", "doclist": json.dumps({"doctype": "SelfAssessment", "name": name})},
        timeout=TIMEOUT,
    )
    message = frappe_refusal(answer, 417, "ValidationError")
    assert message.startswith("“自评报告”由工作流“自评报告审核流程”办理，不能直接提交")
    assert SelfAssessment.objects.get(name=name).docstatus == 0
    # Neither doc nor doclist: the missing parameter is named.
    assert frappe_refusal(
        session.post(site, data={"cmd": "frappe.client.submit"}, timeout=TIMEOUT), 417, "ValidationError"
    ) == ("缺少参数 doc")


def check_get_pdf_and_get_html(site, session, name):
    params = {"doctype": "SelfAssessment", "name": name, "format": "Standard", "no_letterhead": 0}
    pdf = session.get(
        f"{site}/api/method/frappe.templates.pages.print.download_pdf", params=params, stream=True, timeout=TIMEOUT
    )
    assert pdf.status_code == 200, pdf.text
    assert pdf.headers["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    named = session.get(
        f"{site}/api/method/frappe.utils.print_format.download_pdf",
        params={**params, "format": "自评报告表"},
        timeout=TIMEOUT,
    )
    assert named.status_code == 200 and named.content.startswith(b"%PDF")
    for path in ("/print", "/printview"):
        page = session.get(f"{site}{path}", params=params, timeout=TIMEOUT)
        assert page.status_code == 200, page.text
        assert page.headers["Content-Type"].startswith("text/html")
        assert "章贡区2023年度科技创新赋能行动自评报告表" in page.text
        assert "<table>" in page.text and "科技管理部门能力建设" in page.text  # the lines, as the PDF has them
    # With a token, as a script would.
    assert with_token(site, "zhanggong").get(f"{site}/printview", params=params, timeout=TIMEOUT).status_code == 200


def check_print_view_keeps_scope_and_answers_refusals_in_json(site, session):
    other = session.get(
        f"{site}/printview", params={"doctype": "Project", "name": "2023-P24"}, timeout=TIMEOUT
    )  # 崇义县's project
    assert frappe_refusal(other, 404, "DoesNotExistError") == "重点项目 2023-P24 不存在"
    missing = session.get(f"{site}/printview", params={"doctype": "SelfAssessment"}, timeout=TIMEOUT)
    assert frappe_refusal(missing, 417, "ValidationError") == "缺少参数 name"
    anonymous = requests.get(f"{site}/print", params={"doctype": "Project", "name": "2023-P12"}, timeout=TIMEOUT)
    assert frappe_refusal(anonymous, 403, "PermissionError") == "请先登录"  # Frappe refuses a guest with 403


def check_doc_submit_and_cancel_run_the_document_methods(site, session, name):
    """frappectl doc submit / cancel: POST /api/v2/document/<DocType>/<name>/method/submit (or cancel)."""
    for method, verb in (("submit", "提交"), ("cancel", "作废")):
        answer = session.post(
            f"{site}/api/v2/document/SelfAssessment/{name}/method/{method}/", json={}, timeout=TIMEOUT
        )
        assert answer.status_code == 417, answer.text
        [error] = answer.json()["errors"]
        assert error["type"] == "ValidationError"
        assert error["message"].startswith(f"“自评报告”由工作流“自评报告审核流程”办理，不能直接{verb}")
        # The same through v1's run_doc_method, as Desk calls it.
        v1 = session.post(
            f"{site}/api/method/run_doc_method",
            data={"method": method, "dt": "SelfAssessment", "dn": name},
            timeout=TIMEOUT,
        )
        assert frappe_refusal(v1, 417, "ValidationError") == error["message"]
    assert SelfAssessment.objects.get(name=name).docstatus == 0
    # Another county's document stays out of reach.
    other = session.post(f"{site}/api/v2/document/Project/2023-P24/method/submit", json={}, timeout=TIMEOUT)
    assert other.status_code == 404 and other.json()["errors"][0]["type"] == "DoesNotExistError"
    # Frappe's Document.submit takes POST only.
    get = session.get(f"{site}/api/v2/document/SelfAssessment/{name}/method/submit", timeout=TIMEOUT)
    assert get.status_code == 405, get.text


def check_method_call_apply_workflow_answers_v2s_envelope(site, session, name):
    """frappectl method call frappe.model.workflow.apply_workflow: v2 answers {"data": doc}, as Frappe does."""
    doc = session.get(f"{site}/api/v2/document/SelfAssessment/{name}", timeout=TIMEOUT).json()["data"]
    lines = [{"name": line["name"], "self_score": 2, "evidence": "统计局年报数据"} for line in doc["lines"]]
    filled = session.patch(f"{site}/api/v2/document/SelfAssessment/{name}/", json={"lines": lines}, timeout=TIMEOUT)
    assert filled.status_code == 200, filled.text
    moved = session.post(
        f"{site}/api/v2/method/frappe.model.workflow.apply_workflow",
        json={"doc": json.dumps({"doctype": "SelfAssessment", "name": name}), "action": "提交"},
        timeout=TIMEOUT,
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["data"]["name"] == name and moved.json()["data"]["workflow_state"] == "待初审"
    assert "message" not in moved.json()


def check_doctype_list_and_link_search(site, session):
    """frappectl doctype list: GET /api/v2/method/frappe.desk.search.search_link with doctype=DocType."""
    url = f"{site}/api/v2/method/frappe.desk.search.search_link"
    everything = session.get(url, params={"doctype": "DocType", "txt": "", "filters": "{}", "page_length": 10000})
    assert everything.status_code == 200, everything.text
    names = [row["value"] for row in everything.json()["data"]]
    assert {"SelfAssessment", "Project", "Workflow"} <= set(names)  # all doctypes, as Frappe lists them
    tables = session.get(url, params={"doctype": "DocType", "txt": "self", "filters": '{"istable": 1}'}).json()
    assert tables["data"] == [{"value": "SelfAssessment Line", "description": "自评明细", "label": "自评明细"}]
    # A link search on a doctype: its records in the user's scope only.
    projects = session.get(
        f"{site}/api/method/frappe.desk.search.search_link", params={"doctype": "Project", "txt": "P"}
    )
    assert sorted(row["value"] for row in projects.json()["message"]) == ["2023-P12", "2023-P13"]
    first = session.get(
        f"{site}/api/method/frappe.desk.search.search_link", params={"doctype": "Task", "txt": "T0", "page_length": 2}
    )
    assert len(first.json()["message"]) == 2 and all("T0" in row["value"] for row in first.json()["message"])


def test_official_frappe_client_calls(site):
    """One site for the official frappe-client's calls (each check takes the same county clerk's report)."""
    check_get_value_without_filters_answers_the_first_row(site)
    session = logged_in(site, "zhanggong")
    name = new_assessment(session, site)
    check_submit_sends_doclist_and_is_told_to_use_the_workflow(site, session, name)
    check_get_pdf_and_get_html(site, session, name)
    check_print_view_keeps_scope_and_answers_refusals_in_json(site, session)


def test_frappectl_calls(site):
    session = with_token(site, "zhanggong")
    name = new_assessment(session, site)
    check_doc_submit_and_cancel_run_the_document_methods(site, session, name)
    check_method_call_apply_workflow_answers_v2s_envelope(site, session, name)
    check_doctype_list_and_link_search(site, session)


def test_frappe_remote_cli_schema_reads_doctype_documents(site):
    """frappe-remote-cli schema / meta doctypes: GET /api/resource/DocType/<name>, /api/resource/DocType."""
    session = with_token(site, "zhanggong")
    schema = session.get(f"{site}/api/resource/DocType/SelfAssessment", timeout=TIMEOUT)
    assert schema.status_code == 200, schema.text
    doc = schema.json()["data"]
    assert doc["name"] == "SelfAssessment" and doc["istable"] == 0
    fields = {row["fieldname"]: row for row in doc["fields"]}
    assert fields["period"]["fieldtype"] == "Link" and fields["period"]["options"] == "Assessment Period"
    assert fields["lines"]["fieldtype"] == "Table" and fields["lines"]["options"] == "SelfAssessment Line"
    listed = session.get(
        f"{site}/api/resource/DocType",
        params={"fields": '["name", "module", "issingle", "istable"]', "limit_page_length": 500},
        timeout=TIMEOUT,
    ).json()["data"]
    assert {"name": "SelfAssessment", "module": "innovation_action", "issingle": 0, "istable": 0} in listed
    assert "Workflow" not in {row["name"] for row in listed}  # a county user cannot read the workflows
    refused = session.get(f"{site}/api/resource/DocType/Workflow", timeout=TIMEOUT)
    assert frappe_refusal(refused, 404, "DoesNotExistError") == "单据类型 Workflow 不存在"
    write = session.put(f"{site}/api/resource/DocType/SelfAssessment", json={"istable": 1}, timeout=TIMEOUT)
    assert frappe_refusal(write, 403, "PermissionError").startswith("单据类型由系统定义，不能通过接口修改")
    admin = with_token(site, "admin").get(f"{site}/api/resource/DocType/Workflow", timeout=TIMEOUT)
    assert admin.status_code == 200 and admin.json()["data"]["name"] == "Workflow"
