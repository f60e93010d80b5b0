"""Background jobs: RQ on Redis when the site configures it, inline otherwise.

Callers use :func:`enqueue` and never care which; a development site with no
Redis still runs every job, synchronously, with the same result record.
"""

from dataclasses import dataclass
from typing import Any, Callable

import django_rq
from django.conf import settings


@dataclass
class InlineJob:
    """What :func:`enqueue` returns when there is no Redis: the finished job."""

    id: str
    result: Any

    def get_status(self) -> str:
        return "finished"

    def return_value(self):
        return self.result


def redis_configured() -> bool:
    return bool(settings.REDIS_URL)


def enqueue(func: Callable, *args, queue: str = "default", **kwargs):
    """Run ``func(*args, **kwargs)`` as a background job.

    On Redis the job is put on the queue when the current database transaction
    commits (django-rq's default), so it never runs against data the caller
    may still roll back; inside a transaction this returns None.
    """
    if not redis_configured():
        return InlineJob(id="inline", result=func(*args, **kwargs))
    return django_rq.get_queue(queue).enqueue(func, *args, **kwargs)
