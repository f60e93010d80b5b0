"""frappectl (Frappe's own command-line client, pinned in the ``test`` extra) against a live server.

Its README's commands, as a user runs them, with the headless authentication it documents
(``FRAPPE_SITE``, ``FRAPPE_API_KEY``, ``FRAPPE_API_SECRET``; the keyring is never touched): it
speaks REST API v2 (``/api/v2/document``, ``/api/v2/method``, ``/api/v2/doctype/<DocType>/meta``),
which frappe-connector does not. ``auth whoami``, ``doc list`` with filters, fields and limit,
``doc get``, ``doc create``, ``doc update`` (optimistic, with ``modified``), ``doc submit`` (the
workflow decides here: refused, naming the action), ``method call`` (the workflow action),
``file upload`` / ``file download``, ``doctype show`` / ``doctype list``, ``api`` (a raw v2 call)
and ``doc delete``; and a county user's refusals for another county's documents.
"""

import json
import subprocess
import sys

import pytest
from django.contrib.auth.models import User

from apps.innovation_action.models import ProjectReport, SelfAssessment
from apps.innovation_action.services.demo_accounts import create_demo_accounts
from apps.innovation_action.services.plan_loader import load_plan
from apps.lowcode.auth.api_key import generate_keys
from tests.conftest import PLAN_FOLDER

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def site(live_server):
    load_plan(PLAN_FOLDER)  # a transactional test starts from an empty database
    create_demo_accounts()
    return live_server.url


@pytest.fixture
def frappectl(site, tmp_path):
    """``frappectl(user, *args)``: (exit code, stdout, stderr) of the CLI run as that demo user."""
    keys = {}

    def run(username, *args, stdin=None):
        if username not in keys:
            keys[username] = generate_keys(User.objects.get(username=username))
        key, secret = keys[username]
        env = {
            "PATH": "/usr/bin:/bin",
            "HOME": str(tmp_path),  # no profile of the machine's user is read or written
            "FRAPPE_SITE": site,
            "FRAPPE_API_KEY": key,
            "FRAPPE_API_SECRET": secret,
        }
        done = subprocess.run(
            [sys.executable, "-m", "frappectl", "--json", *args],
            input=stdin,
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        return done.returncode, done.stdout, done.stderr

    return run


def ok(result):
    code, out, err = result
    assert code == 0, err
    return json.loads(out)


def refused(result) -> str:
    """frappectl's failure: exit code 1 and the server's Chinese message on stderr (one line)."""
    code, _out, err = result
    assert code == 1, err
    assert "error:" in err, err
    # The message follows "error:", wrapped to the terminal's width; anything a library warned is before it.
    return "".join(line.strip() for line in err.split("error:", 1)[1].splitlines()).replace(" ", "")


def test_readme_commands_as_the_county_clerk_and_the_office(frappectl, tmp_path):
    assert ok(frappectl("zhanggong", "auth", "whoami"))["user"] == "zhanggong"
    rows = ok(
        frappectl("office", "doc", "list", "Project", "-f", "section=新开工", "--fields", "name,county", "--limit", "3")
    )
    assert len(rows) == 3 and set(rows[0]) == {"name", "county"}
    mine = ok(frappectl("zhanggong", "doc", "list", "Project", "--fields", "name", "--all"))
    assert sorted(r["name"] for r in mine) == ["2023-P12", "2023-P13"]
    filtered = ok(
        frappectl("office", "doc", "list", "Project", "--filters-json", '[["county","in",["章贡区","崇义县"]]]')
    )
    assert {r["name"] for r in filtered} == {"2023-P12", "2023-P13", "2023-P24", "2023-P25", "2023-P26"}
    assert ok(frappectl("office", "doc", "get", "Task", "2023-T08"))["lead_unit"] == "市卫健委"

    # The county clerk's self-assessment: create, fill in, submit through the workflow.
    created = ok(
        frappectl("zhanggong", "doc", "create", "SelfAssessment", "--set", "period=2023-Y", "--set", "county=章贡区")
    )
    name = created["name"]
    assert created["workflow_state"] == "草稿"
    lines = SelfAssessment.objects.get(name=name).lines.all()
    body = json.dumps({"lines": [{"name": line.name, "self_score": 2, "evidence": "统计局年报数据"} for line in lines]})
    assert (
        ok(frappectl("zhanggong", "doc", "update", "SelfAssessment", name, stdin=body))["lines"][0]["self_score"] == 2
    )
    message = refused(frappectl("zhanggong", "doc", "submit", "SelfAssessment", name))
    assert "由工作流“自评报告审核流程”办理，不能直接提交" in message and "你现在可以执行：提交" in message
    moved = ok(
        frappectl(
            "zhanggong",
            "method",
            "call",
            "frappe.model.workflow.apply_workflow",
            "-F",
            f"doc:={json.dumps({'doctype': 'SelfAssessment', 'name': name})}",
            "-F",
            "action=提交",
        )
    )
    assert moved["workflow_state"] == "待初审"

    # A project report with its evidence attached, then removed.
    report = ok(
        frappectl(
            "zhanggong", "doc", "create", "Project Report", "--set", "period=2023-M11", "--set", "project=2023-P12"
        )
    )["name"]
    evidence = tmp_path / "进度证明.txt"
    evidence.write_text("月度进度证明", encoding="utf-8")
    uploaded = ok(
        frappectl("zhanggong", "file", "upload", str(evidence), "--doctype", "Project Report", "--name", report)
    )
    assert uploaded["attached_to_name"] == report and uploaded["file_name"] == "进度证明.txt"
    saved = tmp_path / "下载.txt"
    ok(frappectl("zhanggong", "file", "download", uploaded["name"], "-o", str(saved)))
    assert saved.read_text(encoding="utf-8") == "月度进度证明"
    assert ok(frappectl("zhanggong", "doc", "delete", "Project Report", report)) == {
        "deleted": report,
        "doctype": "Project Report",
    }
    assert not ProjectReport.objects.filter(name=report).exists()

    # Schema discovery and a raw v2 call.
    fields = {f["fieldname"]: f for f in ok(frappectl("zhanggong", "doctype", "show", "SelfAssessment"))["fields"]}
    assert fields["period"]["fieldtype"] == "Link" and fields["period"]["options"] == "Assessment Period"
    assert {"SelfAssessment", "Project Report"} <= set(ok(frappectl("zhanggong", "doctype", "list")))
    assert ok(frappectl("office", "api", "method/frappe.client.get_count", "-F", "doctype=Project")) == 29

    # Another county's project: not there for 章贡区's clerk, whatever the command.
    assert refused(frappectl("zhanggong", "doc", "get", "Project", "2023-P24")) == "重点项目2023-P24不存在"
    assert refused(frappectl("zhanggong", "doc", "update", "Project", "2023-P24", "--set", "project_name=改名")) == (
        "重点项目2023-P24不存在"
    )
