"""Background jobs: RQ on Redis when the site configures it, inline otherwise.

Callers use :func:`enqueue` and never care which; a development site with no
Redis still runs every job, synchronously, with the same result record. Long
operations that a person waits for start through :mod:`.progress`, which records
who started them and how far they got.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

import django_rq
from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)


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


# What RQ's Queue.enqueue takes for itself rather than for the job's function (rq.Queue.parse_args).
RQ_OPTIONS = frozenset(
    "job_timeout description result_ttl ttl failure_ttl depends_on job_id at_front meta retry repeat "
    "on_success on_failure on_stopped rate_limit webhooks pipeline unique".split()
)
# Redis cannot be reached: refused, reset, or no answer in time.
UNREACHABLE = (RedisConnectionError, RedisTimeoutError)


def enqueue(func: Callable | str, *args, queue: str = "default", fallback: Callable | None = None, **kwargs):
    """Run ``func(*args, **kwargs)`` as a background job; ``func`` may be a dotted path, as in Frappe.

    On Redis the job is put on the queue when the current database transaction
    commits, so it never runs against data the caller may still roll back; inside
    a transaction this returns None. ``kwargs`` may carry RQ's own options
    (``job_id``, ``meta``, ``retry``, …).

    When Redis cannot be reached at that moment the job runs here and now instead,
    as on a site without Redis (``fallback()`` when given, else the function), so
    nothing the caller committed waits for a job that was never queued: a
    workflow's notification is still sent, once (jobs are idempotent, see
    notification.service). The caller's request neither fails nor loses the job.
    """
    if not redis_configured():
        return InlineJob(id="inline", result=_call(func, args, kwargs))

    def now():
        try:
            return _queue(queue, settings.RQ_QUEUES[queue]["URL"]).enqueue(func, *args, **kwargs)
        except UNREACHABLE as exc:
            logger.warning("Redis unreachable (%s): running job %s in this process instead", exc, _name(func))
            return InlineJob(id="inline", result=fallback() if fallback is not None else _call(func, args, kwargs))

    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(now)
        return None
    return now()


def _call(func: Callable | str, args, kwargs):
    if isinstance(func, str):
        func = import_string(func)
    return func(*args, **{k: v for k, v in kwargs.items() if k not in RQ_OPTIONS})


def _name(func: Callable | str) -> str:
    return func if isinstance(func, str) else f"{func.__module__}.{func.__qualname__}"


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
