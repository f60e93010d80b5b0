"""Two people saving the same document at the same moment: exactly one wins."""

import threading

import pytest
from django.contrib.auth.models import User
from django.db import connection

from apps.innovation_action.models import Project
from apps.innovation_action.services.demo_accounts import create_demo_accounts
from apps.innovation_action.services.plan_loader import load_plan
from apps.lowcode.doctype.meta import get_meta
from apps.lowcode.doctype.serialize import doc_to_dict
from apps.lowcode.document.service import save_document
from apps.lowcode.exceptions import TimestampMismatchError
from tests.conftest import PLAN_FOLDER

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_updates_with_the_same_modified(settings):
    load_plan(PLAN_FOLDER)
    create_demo_accounts()
    meta = get_meta("Project")
    seen = doc_to_dict(Project.objects.get(name="2023-P03"))["modified"]
    office = User.objects.get(username="office")
    barrier = threading.Barrier(2)
    outcomes = {}

    def edit(leader):
        try:
            barrier.wait()
            save_document(office, meta, {"responsible_leader": leader, "modified": seen}, name="2023-P03")
            outcomes[leader] = "saved"
        except TimestampMismatchError:
            outcomes[leader] = "refused"
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=edit, args=(leader,)) for leader in ("甲", "乙")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes.values()) == ["refused", "saved"], outcomes
    winner = next(leader for leader, outcome in outcomes.items() if outcome == "saved")
    project = Project.objects.get(name="2023-P03")
    assert project.responsible_leader == winner
    assert project.history.count() == 2  # the load, then exactly one edit


# ------------------------------------------------------------------ two reviewers over HTTP, on both databases


def _session(base_url, username):
    import requests

    from apps.innovation_action.services.demo_accounts import DEMO_PASSWORD

    session = requests.Session()
    response = session.post(f"{base_url}/api/method/login", json={"usr": username, "pwd": DEMO_PASSWORD}, timeout=30)
    assert response.status_code == 200, response.text
    return session


@pytest.mark.both_databases
def test_two_reviewers_at_once_against_a_live_server(live_server, settings):
    """Real threads of a real server: of two reviewers acting at the same moment exactly one moves the document,
    the other gets the clear answer that it has been handled (on SQLite too, where a deferred transaction used
    to fail with "database is locked")."""
    from django.contrib.auth.models import Group

    from tests.test_workflow_api import submitted

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    load_plan(PLAN_FOLDER)
    create_demo_accounts()
    from apps.innovation_action.services.demo_accounts import DEMO_PASSWORD

    second = User.objects.create(username="office2")
    second.set_password(DEMO_PASSWORD)
    second.save()
    second.groups.add(Group.objects.get(name="领导小组办公室"))
    sessions = {u: _session(live_server.url, u) for u in ("office", "office2")}

    for county, filler, actions in (
        ("章贡区", "zhanggong", ("初审通过", "初审通过")),
        ("信丰县", "xinfeng", ("初审通过", "退回修改")),
    ):
        name = submitted(county, filler)
        barrier = threading.Barrier(2)
        outcomes = {}

        def take(username, action):
            barrier.wait()
            response = sessions[username].post(
                f"{live_server.url}/api/method/frappe.model.workflow.apply_workflow",
                json={"doc": {"doctype": "SelfAssessment", "name": name}, "action": action, "comment": "同时办理"},
                timeout=60,
            )
            is_json = response.headers.get("Content-Type", "").startswith("application/json")
            outcomes[username] = (action, response.status_code, response.json() if is_json else response.text[:300])

        threads = [threading.Thread(target=take, args=(u, a)) for u, a in zip(("office", "office2"), actions)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=90)
        assert sorted(status for _, status, _ in outcomes.values()) == [200, 417], outcomes
        [(won, _, body)] = [o for o in outcomes.values() if o[1] == 200]
        [(lost, _, refusal)] = [o for o in outcomes.values() if o[1] == 417]
        state = {"初审通过": "待审定", "退回修改": "草稿"}[won]
        assert body["message"]["workflow_state"] == state
        assert refusal["exc_type"] == "WorkflowTransitionError"
        assert refusal["message"].startswith(f"单据当前状态为“{state}”，不能执行“{lost}”"), refusal
