"""故障演练 (1): the database restarted under load, and 50 approvals of one document at once.

Against a private stack (tests/faults.py): its own MariaDB, Redis and gunicorn as the Procfile runs it.
"""

import threading
import time
import uuid

import pytest

from apps.innovation_action.models import Liaison, SelfAssessment
from apps.lowcode.notification.model import NotificationLog
from apps.lowcode.workflow.model import WorkflowLog
from tests.faults import Stack, is_json, submitted_assessment, wait_for

pytestmark = [pytest.mark.faults, pytest.mark.mariadb, pytest.mark.redis]


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    stack = Stack.start(tmp_path_factory.mktemp("faults_database"), worker=True)
    yield stack
    stack.stop()


def history_table(model) -> str:
    return model.history.model._meta.db_table


# ------------------------------------------------------------------ the database restarted during load


def test_a_database_restart_under_load_fails_cleanly_and_recovers(stack):
    office = stack.session("office")
    unit = office.get(stack.url("/api/resource/Unit"), params={"limit_page_length": 1}).json()["data"][0]["name"]
    marker = f"故障{uuid.uuid4().hex[:6]}"
    stop = threading.Event()
    lock = threading.Lock()
    api_answers: list[tuple[float, int, bool, dict | str, str]] = []  # (time, status, json?, body, person)
    page_answers: list[tuple[float, int, str, str]] = []  # (time, status, content type, text)

    sessions = [stack.session("office") for _ in range(5)]  # logged in before the fault

    def write(worker: int):
        session = sessions[worker]
        n = 0
        while not stop.is_set():
            n += 1
            person = f"{marker}-{worker}-{n}"
            try:
                response = session.post(
                    stack.url("/api/resource/Liaison"),
                    json={"unit": unit, "organization": "故障演练", "person_name": person},
                    timeout=30,
                )
            except Exception as exc:  # noqa: BLE001 - a reset connection would be a finding
                with lock:
                    api_answers.append((time.monotonic(), 0, False, repr(exc), person))
                continue
            body = response.json() if is_json(response) else response.text[:500]
            with lock:
                api_answers.append((time.monotonic(), response.status_code, is_json(response), body, person))
            time.sleep(0.05)

    def browse():
        session = sessions[4]
        while not stop.is_set():
            try:
                response = session.get(stack.url("/admin/"), timeout=30)
                entry = (
                    time.monotonic(),
                    response.status_code,
                    response.headers.get("Content-Type", ""),
                    response.text,
                )
            except Exception as exc:  # noqa: BLE001
                entry = (time.monotonic(), 0, "", repr(exc))
            with lock:
                page_answers.append(entry)
            time.sleep(0.1)

    def successes(after: float = 0.0) -> int:
        with lock:
            return sum(1 for t, status, *_ in api_answers if status == 200 and t > after)

    threads = [threading.Thread(target=write, args=(i,)) for i in range(4)] + [threading.Thread(target=browse)]
    for thread in threads:
        thread.start()
    try:
        wait_for(lambda: successes() >= 10, 60, "writes before the restart")
        down_at = time.monotonic()
        stack.restart_mariadb(down_for=2.0, kill=True)  # killed mid-transaction, as a crash or OOM would
        up_at = time.monotonic()
        wait_for(lambda: successes(after=up_at) >= 10, 90, "writes after the restart: the service recovers by itself")
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)

    # Every answer is clean: a saved record, or Frappe's JSON 503 that says the database is away, in Chinese.
    failures = [a for a in api_answers if a[1] != 200]
    assert failures, "no request met the restart: the fault was not exercised"
    for _, status, json_body, body, _ in failures:
        assert status == 503 and json_body, (status, body)
        assert body["exc_type"] == "ServiceUnavailableError", body
        assert body["message"] == "数据库暂时无法连接，本次操作未生效，请稍后重试", body
    assert all(a[2] for a in api_answers), "an API answer that is not JSON"
    assert all(down_at - 1 <= t <= up_at + 30 for t, *_ in failures), "failures long after the restart: no recovery"

    # The web: a Chinese 503 page while the database was away, the admin again afterwards.
    down_pages = [p for p in page_answers if p[1] != 200]
    assert down_pages, "no page request met the restart"
    for _, status, content_type, text in down_pages:
        assert status == 503 and content_type.startswith("text/html"), (status, text[:300])
        assert "服务暂时不可用" in text and "数据库暂时无法连接" in text, text[:300]
    assert page_answers[-1][1] == 200, page_answers[-1][3][:300]

    # None half-applied: each liaison written has exactly its one history row, and none is missing;
    # every write answered 200 is there (a write answered 503 may or may not have committed before the kill).
    rows = dict(
        stack.sql(f"SELECT person_name, id FROM {Liaison._meta.db_table} WHERE person_name LIKE %s", marker + "%")
    )
    history = stack.sql(
        f"SELECT person_name, id, history_type FROM {history_table(Liaison)} WHERE person_name LIKE %s", marker + "%"
    )
    assert sorted((name, pk) for name, pk, _ in history) == sorted(rows.items())
    assert {kind for *_, kind in history} == {"+"}
    acknowledged = {person for _, status, _, _, person in api_answers if status == 200}
    assert acknowledged <= set(rows)
    assert set(rows) <= {person for *_, person in api_answers}


# ------------------------------------------------------------------ 50 approvals of one document at once


def test_fifty_concurrent_approvals_apply_once(stack):
    name = submitted_assessment(stack)
    apply = stack.url("/api/method/frappe.model.workflow.apply_workflow")

    office = stack.session("office")  # one login, 50 connections carrying its session
    barrier = threading.Barrier(50)
    answers = []

    def approve():
        import requests

        session = requests.Session()
        session.cookies.update(office.cookies)
        barrier.wait()
        response = session.post(
            apply, json={"doc": {"doctype": "SelfAssessment", "name": name}, "action": "初审通过"}, timeout=120
        )
        answers.append((response.status_code, response.json() if is_json(response) else response.text[:300]))

    threads = [threading.Thread(target=approve) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)

    assert len(answers) == 50
    assert sorted(status for status, _ in answers) == [200] + [417] * 49, answers
    [applied] = [body for status, body in answers if status == 200]
    assert applied["message"]["workflow_state"] == "待审定"
    for status, body in answers:
        if status == 417:
            assert body["exc_type"] == "WorkflowTransitionError", body
            assert body["message"].startswith("单据当前状态为“待审定”，不能执行“初审通过”"), body
    # Exactly one move in the log, one state, and the leaders told once.
    moves = stack.sql(
        f"SELECT action FROM {WorkflowLog._meta.db_table} WHERE reference_doctype='SelfAssessment' AND reference_name=%s",
        name,
    )
    assert sorted(action for (action,) in moves) == ["初审通过", "提交", "新建"]
    assert stack.scalar(f"SELECT workflow_state FROM {SelfAssessment._meta.db_table} WHERE name=%s", name) == "待审定"

    def told():
        return stack.sql(
            f"SELECT event_key, for_user_id, COUNT(*) FROM {NotificationLog._meta.db_table} "
            "WHERE document_name=%s GROUP BY event_key, for_user_id",
            name,
        )

    wait_for(lambda: len(told()) >= 2, 30, "the notifications of both moves")
    assert all(count == 1 for *_, count in told())
