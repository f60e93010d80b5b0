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

Found later, tried with their own code against a live server and replayed here: frappe-connector 0.2.0
(cmd= writes at the site root, ``limit_page_length=0`` for all rows); frappe-mcp-server 1.2.0, erpnext-mcp
0.5.0, frappe-crm-mcp 0.0.6 and erpnext-agent 1.0.1 (``token key:secret``, JSON bodies, ``/api/method/ping``,
``get_versions``, DELETE answered 202, the DocType document through frappe.client.get, uploads that go with
their document); rpa-erpnext 1.0.25 (submit by ``PUT {"docstatus": 1}``); tap-erpnext 0.2.12 (discovery and
incremental pages from a local start time).
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


# ---------------------------------------------------------------- clients found on PyPI later, requests replayed


def check_frappe_connector_reads(site, session, county):
    """frappe-connector 0.2.0: get_list (fields, filters, limit_page_length, order_by as params; 0 for all),
    get_doc by filters (frappe.client.get with filters), get_api / post_api (GET and POST /api/method)."""
    listed = session.get(
        f"{site}/api/resource/Project",
        params={
            "fields": '["name", "county"]',
            "filters": json.dumps({"county": "章贡区"}),
            "limit_page_length": 3,
            "order_by": "creation desc",
        },
        timeout=TIMEOUT,
    )
    assert listed.status_code == 200, listed.text
    assert listed.json()["data"] == [{"name": "2023-P13", "county": "章贡区"}, {"name": "2023-P12", "county": "章贡区"}]
    everything = session.get(
        f"{site}/api/resource/Project", params={"fields": '["*"]', "limit_page_length": 0}, timeout=TIMEOUT
    ).json()["data"]
    assert len(everything) == (2 if county else 29) and "project_name" in everything[0]
    by_filters = session.get(
        f"{site}/api/method/frappe.client.get",
        params={"doctype": "Project", "filters": json.dumps({"county": "章贡区"})},
        timeout=TIMEOUT,
    )
    assert by_filters.json()["message"]["county"] == "章贡区"
    count = session.get(
        f"{site}/api/method/frappe.client.get_count",
        params={"doctype": "Project", "filters": json.dumps({"county": "章贡区"})},
        timeout=TIMEOUT,
    )
    assert count.json() == {"message": 2}
    posted = session.post(
        f"{site}/api/method/frappe.client.get_list",
        data={"doctype": "Project", "fields": '["name"]', "limit_page_length": 0},
        timeout=TIMEOUT,
    )
    assert len(posted.json()["message"]) == len(everything)


def check_frappe_connector_writes(site, session, name):
    """update_doc (PUT, form field ``data``), submit_doc (the whole document as ``doc`` to cmd=frappe.client.submit),
    delete_doc (cmd=frappe.client.delete at the site root), close (GET the site root with cmd=logout)."""
    url = f"{site}/api/resource/SelfAssessment/{name}"
    updated = session.put(
        url, data={"data": json.dumps({"doctype": "SelfAssessment", "name": name, "summary": "总结"})}, timeout=TIMEOUT
    )
    assert updated.status_code == 200 and updated.json()["data"]["summary"] == "总结", updated.text
    whole = session.get(url, timeout=TIMEOUT).json()["data"]
    submit = session.post(site, data={"cmd": "frappe.client.submit", "doc": json.dumps(whole)}, timeout=TIMEOUT)
    assert frappe_refusal(submit, 417, "ValidationError").startswith("“自评报告”由工作流“自评报告审核流程”办理")
    deleted = session.post(
        site, data={"cmd": "frappe.client.delete", "doctype": "SelfAssessment", "name": name}, timeout=TIMEOUT
    )
    assert deleted.status_code == 200 and deleted.json() == {}, deleted.text  # Frappe's delete returns nothing
    frappe_refusal(session.get(url, timeout=TIMEOUT), 404, "DoesNotExistError")


def check_frappe_connector_rename(site, session):
    """rename_doc: cmd=frappe.client.rename_doc with old_name and new_name, on a doctype that allows renaming."""
    created = session.post(
        f"{site}/api/resource/Project Stage",
        data={"data": json.dumps({"doctype": "Project Stage", "name": "测试阶段", "order": 9})},
        timeout=TIMEOUT,
    )
    assert created.status_code == 200, created.text
    renamed = session.post(
        site,
        data={
            "cmd": "frappe.client.rename_doc",
            "doctype": "Project Stage",
            "old_name": "测试阶段",
            "new_name": "测试阶段二",
        },
        timeout=TIMEOUT,
    )
    assert renamed.json() == {"message": "测试阶段二"}, renamed.text
    assert session.get(f"{site}/api/resource/Project Stage/测试阶段二", timeout=TIMEOUT).status_code == 200


def test_frappe_connector_calls(site):
    """frappe-connector 0.2.0 (FrappeConnector and its fcn CLI), as its README shows it, per role."""
    county = logged_in(site, "zhanggong")
    check_frappe_connector_reads(site, county, county=True)
    check_frappe_connector_reads(site, with_token(site, "office"), county=False)
    check_frappe_connector_writes(site, county, new_assessment(county, site))
    check_frappe_connector_rename(site, logged_in(site, "office"))
    assert county.get(site, params={"cmd": "logout"}, timeout=TIMEOUT).status_code == 200
    frappe_refusal(
        county.get(f"{site}/api/method/frappe.auth.get_logged_user", timeout=TIMEOUT), 403, "PermissionError"
    )


def token_session(site, username) -> requests.Session:
    """The MCP servers and agents: ``Authorization: token key:secret`` and JSON bodies."""
    keys = logged_in(site, username).post(
        f"{site}/api/method/frappe.core.doctype.user.user.generate_keys", timeout=TIMEOUT
    )
    session = requests.Session()
    session.headers["Authorization"] = (
        f"token {keys.json()['message']['api_key']}:{keys.json()['message']['api_secret']}"
    )
    session.headers["Accept"] = "application/json"
    return session


def check_ping_and_versions(site, session):
    """frappe-mcp-server's frappe_ping (/api/method/ping), erpclasp's login check (frappe.ping), erpnext-agent's
    get_version (frappe.utils.change_log.get_versions): a health check answers anyone; versions need a login."""
    for method in ("ping", "frappe.ping"):
        assert requests.get(f"{site}/api/method/{method}", timeout=TIMEOUT).json() == {"message": "pong"}
        assert session.post(f"{site}/api/method/{method}", json={}, timeout=TIMEOUT).json() == {"message": "pong"}
    assert requests.post(site, data={"cmd": "ping"}, timeout=TIMEOUT).json() == {"message": "pong"}
    versions = session.get(f"{site}/api/method/frappe.utils.change_log.get_versions", timeout=TIMEOUT).json()
    assert versions["message"]["frappe"]["version"].startswith("15.")
    assert {"title", "version"} <= set(versions["message"]["innovation_action"])
    frappe_refusal(
        requests.get(f"{site}/api/method/frappe.utils.change_log.get_versions", timeout=TIMEOUT),
        403,
        "PermissionError",
    )


def check_json_bodies_create_update_delete(site, session):
    """frappe-mcp-server posts the document itself as JSON; erpnext-mcp posts ``{"data": "<the document as a
    JSON string>"}``; both DELETE /api/resource and read Frappe's 202 Accepted; a second create is 409."""
    created = session.post(
        f"{site}/api/resource/SelfAssessment", json={"period": "2023-Y", "county": "章贡区"}, timeout=TIMEOUT
    )
    assert created.status_code == 200, created.text
    name = created.json()["data"]["name"]
    again = session.post(
        f"{site}/api/resource/SelfAssessment",
        json={"data": json.dumps({"period": "2023-Y", "county": "章贡区"})},
        timeout=TIMEOUT,
    )
    frappe_refusal(again, 409, "DuplicateEntryError")
    updated = session.put(
        f"{site}/api/resource/SelfAssessment/{name}", json={"data": json.dumps({"summary": "MCP"})}, timeout=TIMEOUT
    )
    assert updated.json()["data"]["summary"] == "MCP", updated.text
    # erpnext-mcp's submit_document: the document with docstatus 1, as a JSON string in a JSON body.
    doc = {**updated.json()["data"], "docstatus": 1}
    submit = session.post(f"{site}/api/method/frappe.client.submit", json={"doc": json.dumps(doc)}, timeout=TIMEOUT)
    assert frappe_refusal(submit, 417, "ValidationError").endswith("你现在可以执行：提交")
    cancel = session.post(
        f"{site}/api/method/frappe.client.cancel", json={"doctype": "SelfAssessment", "name": name}, timeout=TIMEOUT
    )
    assert "不能直接作废" in frappe_refusal(cancel, 417, "ValidationError")
    return name


def check_upload_list_and_delete_with_the_document(site, session, name):
    """erpnext-mcp's upload_file (multipart, doctype/docname/is_private) and list_files (/api/resource/File
    filtered by attachment): deleting the document deletes its files, as Frappe's delete_doc does, so the
    next report of the same county and period (the same name) starts without them."""
    uploaded = session.post(
        f"{site}/api/method/upload_file",
        files={"file": ("依据.txt", "统计局年报数据".encode())},
        data={"is_private": "1", "doctype": "SelfAssessment", "docname": name},
        headers={"Expect": ""},
        timeout=TIMEOUT,
    )
    assert uploaded.status_code == 200, uploaded.text
    file_url = uploaded.json()["message"]["file_url"]
    params = {
        "fields": '["name", "file_name", "file_url", "attached_to_doctype", "attached_to_name", "is_private"]',
        "filters": json.dumps({"attached_to_doctype": "SelfAssessment", "attached_to_name": name}),
        "order_by": "creation desc",
        "limit_page_length": 20,
    }
    listed = session.get(f"{site}/api/resource/File", params=params, timeout=TIMEOUT).json()["data"]
    assert [row["file_name"] for row in listed] == ["依据.txt"]
    assert session.get(f"{site}{file_url}", timeout=TIMEOUT).content == "统计局年报数据".encode()
    gone = session.delete(f"{site}/api/resource/SelfAssessment/{name}", timeout=TIMEOUT)
    assert (gone.status_code, gone.json()) == (202, {"message": "ok"})
    assert session.get(f"{site}/api/resource/File", params=params, timeout=TIMEOUT).json()["data"] == []
    assert session.get(f"{site}{file_url}", timeout=TIMEOUT).status_code == 404
    again = session.post(
        f"{site}/api/resource/SelfAssessment", json={"period": "2023-Y", "county": "章贡区"}, timeout=TIMEOUT
    )
    assert again.json()["data"]["name"] == name
    assert session.get(f"{site}/api/resource/File", params=params, timeout=TIMEOUT).json()["data"] == []


def check_erpnext_mcp_helpers(site, session):
    """erpnext-mcp's list_documents with or_filters, get_count, list_doctypes and search_link."""
    listed = session.get(
        f"{site}/api/resource/Project",
        params={
            "limit_start": 0,
            "limit_page_length": 20,
            "filters": json.dumps([["county", "=", "章贡区"]]),
            "or_filters": json.dumps(
                [["Project", "name", "like", "%P12%"], ["Project", "project_name", "like", "%稀土%"]]
            ),
        },
        timeout=TIMEOUT,
    )
    assert listed.json()["data"] == [{"name": "2023-P12"}], listed.text
    submittable = session.get(
        f"{site}/api/resource/DocType",
        params={
            "limit_start": 0,
            "limit_page_length": 100,
            "fields": '["name"]',
            "filters": json.dumps({"module": "innovation_action", "is_submittable": 1}),
            "order_by": "name asc",
        },
        timeout=TIMEOUT,
    ).json()["data"]
    assert [row["name"] for row in submittable] == ["Progress Report", "Project Report", "SelfAssessment"]
    counties = session.get(
        f"{site}/api/method/frappe.desk.search.search_link",
        params={"doctype": "County", "txt": "章", "page_length": 20, "filters": "{}"},
        timeout=TIMEOUT,
    )
    assert [row["value"] for row in counties.json()["message"]] == ["章贡区"]


def check_field_options_from_the_doctype(site, session):
    """frappe-crm-mcp's get_field_options: the DocType document through frappe.client.get (POST, JSON), then a
    Select field's options from it, or a Link field's records; the same doctypes as /api/resource/DocType."""
    meta = session.post(
        f"{site}/api/method/frappe.client.get", json={"doctype": "DocType", "name": "SelfAssessment"}, timeout=TIMEOUT
    )
    assert meta.status_code == 200, meta.text
    fields = {row["fieldname"]: row for row in meta.json()["message"]["fields"]}
    assert fields["scheme"]["fieldtype"] == "Select" and fields["scheme"]["options"].split("\n") == ["县级", "市直"]
    assert fields["period"]["fieldtype"] == "Link"
    periods = session.get(
        f"{site}/api/resource/{fields['period']['options']}",
        params={"limit_page_length": 200, "limit_start": 0, "fields": '["name"]', "order_by": "name asc"},
        timeout=TIMEOUT,
    ).json()["data"]
    assert {"name": "2023-Y"} in periods
    hidden = session.post(
        f"{site}/api/method/frappe.client.get", json={"doctype": "DocType", "name": "Workflow"}, timeout=TIMEOUT
    )
    assert frappe_refusal(hidden, 404, "DoesNotExistError") == "单据类型 Workflow 不存在"
    tables = session.get(
        f"{site}/api/method/frappe.client.get_list",
        params={"doctype": "DocType", "filters": '{"istable": 1}', "fields": '["name"]', "limit_page_length": 0},
        timeout=TIMEOUT,
    ).json()["message"]
    assert {"name": "SelfAssessment Line"} in tables and {"name": "Workflow Transition"} not in tables


def test_mcp_servers_and_agents(site):
    """frappe-mcp-server 1.2.0, erpnext-mcp 0.5.0 and frappe-crm-mcp 0.0.6 (MCP tools over the REST API, token
    auth, JSON bodies), and erpnext-agent 1.0.1 (the same, plus its password login by JSON): a county clerk's
    tools, end to end."""
    session = token_session(site, "zhanggong")
    check_ping_and_versions(site, session)
    name = check_json_bodies_create_update_delete(site, session)
    check_upload_list_and_delete_with_the_document(site, session, name)
    check_erpnext_mcp_helpers(site, session)
    check_field_options_from_the_doctype(site, session)
    # erpnext-agent's login and logout: JSON {"usr", "pwd"} to /api/method/login, GET /api/method/logout.
    agent = requests.Session()
    login = agent.post(f"{site}/api/method/login", json={"usr": "office", "pwd": DEMO_PASSWORD}, timeout=TIMEOUT)
    assert login.json()["message"] == "Logged In", login.text
    assert agent.get(f"{site}/api/method/frappe.auth.get_logged_user", timeout=TIMEOUT).json() == {"message": "office"}
    assert agent.get(f"{site}/api/method/logout", timeout=TIMEOUT).status_code == 200
    frappe_refusal(agent.get(f"{site}/api/method/frappe.auth.get_logged_user", timeout=TIMEOUT), 403, "PermissionError")


def test_rpa_erpnext_submit_by_save_is_refused_not_ignored(site):
    """rpa-erpnext 1.0.25's Submit Document keyword: PUT /api/resource/<DocType>/<name> with {"docstatus": 1}.
    Frappe submits by save; here the workflow does, so the save is refused as frappe.client.submit is, and
    the document stays a draft. A client echoing the document back (docstatus unchanged) saves as before."""
    session = token_session(site, "zhanggong")
    name = new_assessment(session, site)
    url = f"{site}/api/resource/SelfAssessment/{name}"
    submit = session.put(url, json={"docstatus": 1}, timeout=TIMEOUT)
    assert frappe_refusal(submit, 417, "ValidationError") == (
        "“自评报告”由工作流“自评报告审核流程”办理，不能直接提交；"
        "请使用工作流操作（frappe.model.workflow.apply_workflow），你现在可以执行：提交"
    )
    assert "不能直接作废" in frappe_refusal(
        session.put(url, json={"docstatus": 2}, timeout=TIMEOUT), 417, "ValidationError"
    )
    assert frappe_refusal(session.put(url, json={"docstatus": "x"}, timeout=TIMEOUT), 417, "ValidationError") == (
        "docstatus 应为 0、1 或 2，收到：x"
    )
    assert SelfAssessment.objects.get(name=name).docstatus == 0
    echoed = session.put(url, json={"docstatus": 0, "summary": "rpa"}, timeout=TIMEOUT)
    assert echoed.status_code == 200 and echoed.json()["data"]["summary"] == "rpa", echoed.text
    # Inserting a submitted document is refused the same way (Frappe's insert with docstatus 1 submits).
    session.delete(url, timeout=TIMEOUT)
    born_submitted = session.post(
        f"{site}/api/resource/SelfAssessment",
        json={"period": "2023-Y", "county": "章贡区", "docstatus": 1},
        timeout=TIMEOUT,
    )
    assert frappe_refusal(born_submitted, 417, "ValidationError").startswith("不能把 docstatus 从 0 改为 1")
    assert not SelfAssessment.objects.filter(name=name).exists()


def test_tap_erpnext_discovers_and_syncs(site):
    """tap-erpnext 0.2.12 (a Singer tap): DocType discovery without singles, each parent's DocType for its
    tables, then fields=["*"] pages in modified order from a start date, and child rows read from parents."""
    session = with_token(site, "office")
    doctypes = session.get(
        f"{site}/api/resource/DocType",
        params={"fields": '["name", "istable"]', "filters": '[["issingle", "=", 0]]', "limit_page_length": "1000"},
        timeout=TIMEOUT,
    ).json()["data"]
    assert {"name": "SelfAssessment Line", "istable": 1} in doctypes and {"name": "Project", "istable": 0} in doctypes
    meta = session.get(f"{site}/api/resource/DocType/SelfAssessment", timeout=TIMEOUT).json()["data"]
    assert {(f["fieldname"], f["options"]) for f in meta["fields"] if f["fieldtype"] == "Table"} == {
        ("lines", "SelfAssessment Line"),
        ("bonus_claims", "Bonus Claim"),
    }
    pages, start = [], 0
    while True:
        page = session.get(
            f"{site}/api/resource/Project",
            params={
                "fields": '["*"]',
                "limit_page_length": 10,
                "limit_start": start,
                "order_by": "modified asc",
                "filters": json.dumps([["modified", ">=", "2020-01-01 00:00:00"]]),
            },
            timeout=TIMEOUT,
        ).json()["data"]
        pages.append(page)
        if len(page) < 10:
            break
        start += 10
    rows = [row for page in pages for row in page]
    assert len(rows) == 29 and len({row["name"] for row in rows}) == 29
    assert [row["modified"] for row in rows] == sorted(row["modified"] for row in rows)
    name = new_assessment(logged_in(site, "zhanggong"), site)
    [parent] = session.get(
        f"{site}/api/resource/SelfAssessment", params={"fields": '["name"]', "limit_page_length": "1"}, timeout=TIMEOUT
    ).json()["data"]
    assert parent["name"] == name
    lines = session.get(f"{site}/api/resource/SelfAssessment/{name}", timeout=TIMEOUT).json()["data"]["lines"]
    assert lines and {"parent", "parentfield", "idx"} <= set(lines[0])


def test_frappe_auth_bridge_reads_the_user_and_the_sid(site):
    """frappe-auth-bridge 0.2.3 (SSO on the official frappeclient): login, then the ``sid`` cookie as the session
    token, GET /api/resource/User/<name> for the profile (email, full_name, user_type, roles), get_list("User").
    Everyone reads their own account; other accounts only who may view users; nobody writes them here."""
    from django.contrib.auth import get_user_model

    get_user_model().objects.filter(username="zhanggong").update(email="zhanggong@example.com")
    county = logged_in(site, "zhanggong")
    assert county.cookies.get("sid", path="/")  # Frappe's session cookie, by its name
    own = county.get(f"{site}/api/resource/User/zhanggong", timeout=TIMEOUT)
    assert own.status_code == 200, own.text
    doc = own.json()["data"]
    assert (doc["name"], doc["email"], doc["full_name"], doc["user_type"]) == (
        "zhanggong",
        "zhanggong@example.com",
        "章贡区 填报员",
        "Website User",
    )
    assert [row["role"] for row in doc["roles"]] == ["县级填报员"]
    assert not {"password", "api_key", "api_secret"} & set(doc)
    assert county.get(f"{site}/api/resource/User", params={"fields": '["name", "email"]'}, timeout=TIMEOUT).json()[
        "data"
    ] == [{"name": "zhanggong", "email": "zhanggong@example.com"}]
    other = county.get(f"{site}/api/resource/User/office", timeout=TIMEOUT)
    assert frappe_refusal(other, 404, "DoesNotExistError") == "用户 office 不存在"
    by_method = county.post(
        f"{site}/api/method/frappe.client.get", data={"doctype": "User", "name": "zhanggong"}, timeout=TIMEOUT
    )
    assert by_method.json()["message"]["full_name"] == "章贡区 填报员"
    value = county.get(
        f"{site}/api/method/frappe.client.get_value",
        params={"doctype": "User", "fieldname": '["full_name", "email"]', "filters": "zhanggong"},
        timeout=TIMEOUT,
    )
    assert value.json() == {"message": {"full_name": "章贡区 填报员", "email": "zhanggong@example.com"}}
    hidden = county.get(
        f"{site}/api/method/frappe.client.get_value",
        params={"doctype": "User", "fieldname": "email", "filters": '{"name": "office"}'},
        timeout=TIMEOUT,
    )
    assert frappe_refusal(hidden, 404, "DoesNotExistError") == "用户 office 不存在"
    write = county.put(f"{site}/api/resource/User/zhanggong", json={"first_name": "张"}, timeout=TIMEOUT)
    assert frappe_refusal(write, 403, "PermissionError").startswith("用户账号请在后台")
    admin = with_token(site, "admin").get(f"{site}/api/resource/User", params={"limit_page_length": 0}, timeout=TIMEOUT)
    assert {"admin", "office", "zhanggong", "xinfeng"} <= {row["name"] for row in admin.json()["data"]}
