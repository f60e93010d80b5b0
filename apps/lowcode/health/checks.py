"""The checks behind ``/health/``: each returns a Check, never raises."""

import time
from dataclasses import asdict, dataclass

from django.db import connection

from apps.lowcode.jobs import redis_configured


@dataclass
class Check:
    name: str
    label: str
    ok: bool
    detail: str
    critical: bool = True  # a failing critical check makes the node unhealthy (503)
    milliseconds: float | None = None

    def as_dict(self) -> dict:
        return asdict(self)


def _timed(name: str, label: str, probe, *, critical: bool = True) -> Check:
    started = time.perf_counter()
    try:
        ok, detail = probe()
    except Exception as exc:  # any failure of a dependency is a finding, not a crash
        ok, detail = False, f"{type(exc).__name__}: {exc}"
    return Check(name, label, ok, detail, critical, round((time.perf_counter() - started) * 1000, 1))


def database() -> Check:
    def probe():
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return True, f"{connection.vendor} 连接正常"

    return _timed("database", "数据库", probe)


def redis() -> Check:
    if not redis_configured():
        return Check("redis", "Redis", True, "本站点未配置 Redis：后台任务在请求内执行", critical=False)

    def probe():
        import django_rq

        django_rq.get_connection("default").ping()
        return True, "连接正常"

    # Not critical: every web node shares the one Redis, and without it pages and the API keep working (the
    # cache falls back per process, jobs run in the request); taking every node out would stop the site.
    return _timed("redis", "Redis", probe, critical=False)


def workers() -> Check:
    """RQ workers and queue backlog. Not critical: a stopped worker must not take web nodes out."""
    if not redis_configured():
        return Check("workers", "后台任务进程", True, "无需后台任务进程（任务在请求内执行）", critical=False)

    def probe():
        import django_rq
        from rq import Worker
        from rq.registry import FailedJobRegistry

        queue = django_rq.get_queue("default")
        count = Worker.count(queue=queue)
        failed = len(FailedJobRegistry(queue=queue))
        detail = f"运行中 {count} 个；排队 {queue.count} 个；失败 {failed} 个"
        return count > 0, detail

    return _timed("workers", "后台任务进程", probe, critical=False)


def run_all() -> list[Check]:
    return [database(), redis(), workers()]


def healthy(checks: list[Check]) -> bool:
    return all(check.ok for check in checks if check.critical)
