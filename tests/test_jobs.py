"""Background jobs: real RQ on Redis, inline without it."""

import pytest
from django.test import override_settings
from rq import SimpleWorker

from apps.innovation_action.models import Project
from apps.innovation_action.services.plan_loader import load_plan
from apps.lowcode import jobs
from tests.conftest import PLAN_FOLDER


@pytest.mark.redis
@pytest.mark.django_db
def test_plan_loads_as_an_rq_job(redis_queue, django_capture_on_commit_callbacks):
    Project.objects.filter(number=29).delete()
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.enqueue(load_plan, str(PLAN_FOLDER)) is None  # deferred to commit
        assert redis_queue.count == 0
    [job] = redis_queue.jobs
    assert job.get_status() == "queued"
    # SimpleWorker runs the job in this process, on the test's database connection.
    SimpleWorker([redis_queue], connection=redis_queue.connection).work(burst=True)
    job.refresh()
    assert job.get_status() == "finished", job.latest_result().exc_string
    assert job.return_value().name == "2023"
    assert Project.objects.filter(number=29).exists()


@pytest.mark.django_db
@override_settings(REDIS_URL=None)
def test_jobs_run_inline_without_redis():
    Project.objects.filter(number=29).delete()
    job = jobs.enqueue(load_plan, str(PLAN_FOLDER))
    assert job.get_status() == "finished"
    assert job.return_value().name == "2023"
    assert Project.objects.filter(number=29).exists()
