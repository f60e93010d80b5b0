"""Background jobs: RQ on Redis when the site configures it, inline otherwise.

Callers use :func:`enqueue` and never care which; a development site with no
Redis still runs every job, synchronously, with the same result record. Long
operations that a person waits for start through :mod:`.progress`, which records
who started them and how far they got.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

import django_rq
from django.conf import settings
from django.utils.module_loading import import_string


@dataclass
class InlineJob:
    """What :func:`enqueue` returns when there is no Redis: the finished job."""

    id: str
    result: Any

    def get_status(self) -> str:
        return "finished"

    def return_value(self):
        return self.result


# Who may see the job queues (the admin's dashboard, the health page's details): django-rq's own permission.
DASHBOARD_PERMISSION = "django_rq.admin"


def may_see_queues(user) -> bool:
    return bool(user.is_active and user.has_perm(DASHBOARD_PERMISSION))


def redis_configured() -> bool:
    return bool(settings.REDIS_URL)


def enqueue(func: Callable | str, *args, queue: str = "default", **kwargs):
    """Run ``func(*args, **kwargs)`` as a background job; ``func`` may be a dotted path, as in Frappe.

    On Redis the job is put on the queue when the current database transaction
    commits (django-rq's default), so it never runs against data the caller
    may still roll back; inside a transaction this returns None.
    """
    if not redis_configured():
        if isinstance(func, str):
            func = import_string(func)
        return InlineJob(id="inline", result=func(*args, **kwargs))
    return _queue(queue, settings.RQ_QUEUES[queue]["URL"]).enqueue(func, *args, **kwargs)


def connection(queue: str = "default"):
    """The Redis connection of a queue (where RQ keeps jobs, their meta and results)."""
    return _queue(queue, settings.RQ_QUEUES[queue]["URL"]).connection


@cache
def _queue(name: str, url: str):
    """One queue (and so one Redis connection pool) per process and queue, not a new connection per job.

    django-rq builds a Redis client each time it is asked for a queue; a workflow action that enqueues
    its notification then opened fresh connections on every request. The URL is part of the key, so a
    site whose settings change (tests do) gets a queue on the new server.
    """
    return django_rq.get_queue(name)
