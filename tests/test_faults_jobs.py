"""故障演练 (2): Redis down, and a worker killed in the middle of a notice job.

Against a private stack (tests/faults.py): its own MariaDB, Redis, gunicorn as the Procfile runs it and an
RQ worker (``manage.py rqworker --with-scheduler default``).
"""

import os
import signal
import time

import pytest

from apps.lowcode.notification.model import NotificationLog
from apps.lowcode.print_format.model import Notice, NumberSeries
from apps.lowcode.reminder.model import ReminderKind, ReminderLog
from apps.lowcode.workflow.model import WorkflowLog
from tests.faults import Stack, apply_workflow, submitted_assessment, wait_for

pytestmark = [pytest.mark.faults, pytest.mark.mariadb, pytest.mark.redis]


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    stack = Stack.start(tmp_path_factory.mktemp("faults_jobs"), worker=True)
    yield stack
    stack.stop()


def notified(stack, name) -> dict[str, list[tuple[int, int]]]:
    """{workflow action: [(user id, how many notifications of that move)]} of a document."""
    rows = stack.sql(
        f"SELECT w.action, n.for_user_id, COUNT(*) FROM {NotificationLog._meta.db_table} n "
        f"JOIN {WorkflowLog._meta.db_table} w ON n.event_key = CONCAT('workflow-log:', w.id) "
        "WHERE n.document_name = %s GROUP BY w.action, n.for_user_id",
        name,
    )
    found: dict[str, list[tuple[int, int]]] = {}
    for action, user, count in rows:
        found.setdefault(action, []).append((user, count))
    return found


# ------------------------------------------------------------------ Redis down


def test_redis_down_pages_and_api_work_and_no_notification_is_lost_or_doubled(stack):
    name = submitted_assessment(stack)
    wait_for(lambda: "提交" in notified(stack, name), 60, "the worker's notification of 提交")
    office = stack.session("office")
    # A late draft to be reminded of: the year's reports were due on 31 January 2024.
    deadline = office.put(stack.url("/api/resource/Assessment Period/2023-Y"), json={"deadline": "2024-01-31"})
    assert deadline.status_code == 200, deadline.text
    late = stack.session("xinfeng").post(
        stack.url("/api/resource/SelfAssessment"), json={"period": "2023-Y", "county": "信丰县"}
    )
    assert late.status_code == 200, late.text
    late = late.json()["data"]["name"]
    # Redis stops while the worker is idle. (Stopped in the middle of a job, RQ's worker exits or hangs on
    # its way out: the process manager's business, see README "故障演练".)
    wait_for(stack.jobs_idle, 60, "the queued notifications done")
    stack.stop_redis()
    try:
        # Pages and the API keep working; logging in (its failure counts live in the cache) too.
        assert office.get(stack.url("/admin/")).status_code == 200
        listed = office.get(stack.url("/api/resource/Project"), params={"limit_page_length": 5})
        assert listed.status_code == 200 and len(listed.json()["data"]) == 5, listed.text
        leader = stack.session("leader")
        assert leader.get(stack.url("/admin/inbox/")).status_code == 200
        # A workflow action commits and its notification, which cannot be queued now, is sent at once.
        passed = apply_workflow(stack, office, name, "初审通过")
        assert passed.status_code == 200, passed.text
        assert passed.json()["message"]["workflow_state"] == "待审定"
        assert notified(stack, name).get("初审通过"), "the notification of 初审通过 was lost"
        # A long job started now runs in the request instead of waiting for a queue that is not there.
        recomputed = office.post(
            stack.url("/api/method/innovation_action.api.recompute_scores"), json={"period": "2023-Y"}
        )
        assert recomputed.status_code == 200, recomputed.text
        assert recomputed.json()["message"]["status"] == "finished", recomputed.text
        # 催办 of the late reports reaches their authors.
        reminded = office.post(stack.url("/api/method/innovation_action.api.remind_late"), json={"period": "2023-Y"})
        assert reminded.status_code == 200 and reminded.json()["message"]["documents"] == [late], reminded.text
        assert reminded.json()["message"]["reminders"] >= 1
        worker_survived = stack.worker.poll() is None
    finally:
        stack.start_redis()

    # RQ's worker waits for Redis while it is idle, but exits when Redis goes away in the middle of a job;
    # the process manager (systemd's Restart=always, a Procfile runner that restarts) starts it again.
    if not worker_survived:
        stack.start_worker()
    # The scheduler's daily reminder run, twice (a run missed while Redis was down is made up; an overlap
    # sends nothing twice).
    from rq import Queue

    queue = Queue("default", connection=stack.redis_client())
    runs = [
        queue.enqueue(
            "apps.lowcode.jobs.scheduler.run_scheduled_job", "apps.lowcode.reminder.service.send_due_reminders"
        )
        for _ in range(2)
    ]
    wait_for(lambda: all(run.get_status(refresh=True) == "finished" for run in runs), 60, "the reminder runs")
    reminders = stack.sql(
        f"SELECT kind, occasion, recipient_id, channel, COUNT(*) FROM {ReminderLog._meta.db_table} "
        "WHERE document_name = %s GROUP BY kind, occasion, recipient_id, channel",
        late,
    )
    assert {row[0] for row in reminders} == {ReminderKind.MANUAL, ReminderKind.AUTOMATIC}, reminders
    assert all(row[-1] == 1 for row in reminders), reminders
    approved = apply_workflow(stack, stack.session("leader"), name, "审定通过")
    assert approved.status_code == 200, approved.text
    wait_for(lambda: "审定通过" in notified(stack, name), 60, "the queued notification of 审定通过, run by the worker")
    moves = notified(stack, name)
    assert set(moves) == {"提交", "初审通过", "审定通过"}, moves
    assert all(count == 1 for told in moves.values() for _, count in told), moves  # nobody told twice


# ------------------------------------------------------------------ a worker killed in the middle of a notice job


def test_a_notice_job_whose_worker_dies_runs_again_and_keeps_its_number(stack):
    others = stack.worker_children()  # the worker's scheduler; the work horse is forked when the job starts
    office = stack.session("office")
    issued = office.post(
        stack.url("/api/method/frappe.utils.print_format.issue_notice"),
        json={"doctype": "Action Plan", "name": "2023", "format": "工作方案印发通知"},
        timeout=60,
    )
    assert issued.status_code == 200, issued.text
    notice = issued.json()["message"]
    table = Notice._meta.db_table
    series = f"SELECT prefix, current FROM {NumberSeries._meta.db_table}"
    numbers_given = dict(stack.sql(series))  # the number was taken when the notice was issued, before the job

    def state():
        return stack.sql(f"SELECT status, number, progress FROM {table} WHERE name = %s", notice["name"])[0]

    # The work horse (the process RQ forks for the job) is killed as the kernel's OOM killer would: SIGKILL,
    # while it lays out the PDF.
    def horse():
        forked = stack.worker_children() - others
        return state()[0] == Notice.Status.RENDERING and len(forked) == 1 and forked.pop()

    killed = wait_for(horse, 60, "the job running", 0.01)
    os.kill(killed, signal.SIGKILL)
    killed_at = time.monotonic()

    wait_for(lambda: state()[0] == Notice.Status.READY, 120, "the job run again to the end")
    status, number, progress = state()
    assert (number, progress) == (notice["number"], 100)
    log = (stack.folder / "worker.log").read_text(errors="replace")
    assert "Work-horse terminated unexpectedly" in log and "signal 9" in log, log[-2000:]
    started = "default: apps.lowcode.jobs.progress.run('apps.lowcode.print_format.service.generate_notice_pdf'"
    assert log.count(started) == 2, log[-2000:]  # started, killed, started again
    # One notice for the plan, with the number it was given; no number taken a second time.
    assert stack.scalar(f"SELECT COUNT(*) FROM {table} WHERE reference_name = '2023'") == 1
    assert dict(stack.sql(series)) == numbers_given
    assert notice["number"] == "赣市科赋字〔2023〕1号" and numbers_given["赣市科赋字〔2023〕"] == 1
    pdf = office.get(stack.url(f"/api/resource/Notice/{notice['name']}")).json()["data"]
    assert pdf["status"] == "已生成" and pdf["pages"] > 1, pdf
    assert time.monotonic() - killed_at < 120
