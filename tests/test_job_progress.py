"""Long jobs show progress: real RQ jobs (a SimpleWorker in burst mode), their status per user, their errors.

Opening a period and recomputing its scores run as jobs started through the API and the admin; the
operations report progress with publish_progress wherever they run, and the person who started a job
(or an administrator) reads its status, progress, result or Chinese error from lowcode.api.get_job_status.
"""

import pytest
from django.contrib.auth.models import User
from django.test import override_settings
from rq import SimpleWorker

from apps.innovation_action.models import AssessmentPeriod, SelfAssessment
from apps.innovation_action.services import periods
from apps.lowcode.jobs import progress
from tests.test_workflow_api import client, ok, refused

STATUS = "/api/method/lowcode.api.get_job_status"
OPEN = "/api/method/innovation_action.api.open_period"
RECOMPUTE = "/api/method/innovation_action.api.recompute_scores"


def work(queue):
    SimpleWorker([queue], connection=queue.connection).work(burst=True)


def status(username, job_id):
    return client(username).get(STATUS, {"job_id": job_id})


def fail_loudly():
    raise RuntimeError("disk full")


@pytest.mark.redis
def test_opening_a_period_runs_as_a_job_whose_progress_reaches_the_total(
    db, redis_queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        answer = ok(client("office").post(OPEN, {"period": "2023-Q2"}, format="json"))
    assert answer == {"job_id": answer["job_id"], "status": "queued"}
    assert not SelfAssessment.objects.filter(period__name="2023-Q2").exists()  # not yet: the worker opens it
    queued = ok(status("office", answer["job_id"]))
    assert (queued["title"], queued["status"], queued["status_text"]) == (
        "开启考评：2023年第二季度",
        "queued",
        "排队中",
    )

    work(redis_queue)
    done = ok(status("office", answer["job_id"]))
    assert SelfAssessment.objects.filter(period__name="2023-Q2").count() == 30
    assert (done["status"], done["status_text"], done["error"]) == ("finished", "已完成", "")
    assert done["progress"] == {"done": 30, "total": 30, "percent": 100, "text": "2023年第二季度：已生成 30 份"}
    assert len(done["result"]["created"]) == 30 and done["result"]["message"] == "已生成 30 份"

    # Only whoever started it, and administrators, see it; to anyone else it does not exist.
    assert ok(status("admin", answer["job_id"]))["result"] == done["result"]
    for someone in ("zhanggong", "leader"):
        assert refused(status(someone, answer["job_id"]), 404, "DoesNotExistError") == (
            f"后台任务 {answer['job_id']} 不存在"
        )
    refused(status("office", "no-such-job"), 404, "DoesNotExistError")
    # An RQ job not started as a tracked job (a notification) is not answered here either.
    with django_capture_on_commit_callbacks(execute=True):
        redis_queue.enqueue(periods.named, "2023-Q2", job_id="plain-rq-job")
    refused(status("admin", "plain-rq-job"), 404, "DoesNotExistError")


@pytest.mark.redis
def test_recomputing_reports_each_assessment_then_the_ranking(db, redis_queue, django_capture_on_commit_callbacks):
    office = User.objects.get(username="office")
    periods.open_period(office, AssessmentPeriod.objects.get(name="2023-Q2"))
    seen = []
    original = progress.publish_progress

    def spy(done, total, text=""):
        seen.append((done, total))
        original(done, total, text)

    with django_capture_on_commit_callbacks(execute=True):
        answer = ok(client("office").post(RECOMPUTE, {"period": "2023-Q2"}, format="json"))
    import apps.innovation_action.services.scoring as scoring_service

    scoring_service.publish_progress = spy
    try:
        work(redis_queue)
    finally:
        scoring_service.publish_progress = original
    done = ok(status("office", answer["job_id"]))
    assert done["status"] == "finished"
    assert (done["result"]["refreshed"], done["result"]["frozen"]) == (30, 0)
    assert done["progress"]["done"] == done["progress"]["total"] == 30
    assert done["progress"]["text"].startswith("2023年第二季度：")
    assert [d for d, _ in seen[:30]] == list(range(30)) and all(t == 30 for _, t in seen)


@pytest.mark.redis
def test_a_failed_job_says_why_in_chinese(db, redis_queue, django_capture_on_commit_callbacks):
    office = User.objects.get(username="office")
    with django_capture_on_commit_callbacks(execute=True):
        missing = progress.start(office, "开启考评：2023-Q9", periods.open_period_job, office.pk, "2023-Q9")
        broken = progress.start(office, "出错的任务", f"{__name__}.fail_loudly")
    work(redis_queue)
    failed = ok(status("office", missing.id))
    assert (failed["status"], failed["status_text"], failed["error"]) == ("failed", "失败", "考评周期 2023-Q9 不存在")
    crashed = ok(status("office", broken.id))
    assert crashed["status"] == "failed"
    assert crashed["error"] == "任务执行出错（RuntimeError），请联系系统管理员查看日志"
    assert "disk full" not in crashed["error"]


@pytest.mark.redis
def test_the_admin_action_follows_the_job_on_its_progress_page(db, redis_queue, django_capture_on_commit_callbacks):
    period = AssessmentPeriod.objects.get(name="2023-Q2")
    office = client("office")
    with django_capture_on_commit_callbacks(execute=True):
        response = office.post(
            "/admin/innovation_action/assessmentperiod/",
            {"action": "open_periods", "_selected_action": [period.pk]},
        )
    assert response.status_code == 302 and response["Location"].startswith("/admin/jobs/")
    page = office.get(response["Location"])
    assert page.status_code == 200
    assert "排队中" in page.content.decode() and "job_progress.js" in page.content.decode()
    work(redis_queue)
    page = office.get(response["Location"]).content.decode()
    assert "已完成" in page and "已生成 30 份" in page
    assert client("zhanggong").get(response["Location"]).status_code in (302, 404)  # not staff, or not theirs
    assert client("leader").get(response["Location"]).status_code == 404


@pytest.mark.django_db
@override_settings(REDIS_URL=None)
def test_without_redis_the_job_runs_inline_and_answers_at_once():
    answer = ok(client("office").post(OPEN, {"period": "2023-Q2"}, format="json"))
    assert answer["status"] == "finished" and len(answer["created"]) == 30 and answer["message"] == "已生成 30 份"
    done = ok(status("office", answer["job_id"]))
    assert done["progress"] == {"done": 30, "total": 30, "percent": 100, "text": "2023年第二季度：已生成 30 份"}
    refused(status("zhanggong", answer["job_id"]), 404, "DoesNotExistError")
    # An error is answered as it always was: the period's own message, with its status code.
    assert refused(client("office").post(OPEN, {"period": "2023-Q9"}, format="json"), 404, "DoesNotExistError")
    office = User.objects.get(username="office")
    failed = progress.start(office, "出错的任务", f"{__name__}.fail_loudly")
    assert ok(status("office", failed.id))["error"] == "任务执行出错（RuntimeError），请联系系统管理员查看日志"
