"""Long jobs that show their progress (Frappe's ``publish_progress`` and its RQ Job status).

``start(user, title, func, *args)`` runs ``func`` as a background job on RQ (inline when the site has
no Redis) and answers its id at once. Inside, the operation calls ``publish_progress(done, total,
text)`` wherever it is, without knowing whether it runs in a job: on RQ the progress goes into the
job's ``meta`` (Redis), where any web process reads it; inline into the cache, so a site without
Redis answers the same questions about a job that already finished. Outside a job it does nothing.

``status(user, job_id)`` answers what a client polls: state, progress, result and, when it failed, a
Chinese message; only to the user who started the job and to those who may see the job queues.
"""

import dataclasses
import threading
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.utils import timezone
from django.utils.module_loading import import_string

from apps.lowcode.exceptions import DoesNotExistError, FrappeError, ServiceUnavailableError

STATUS_TEXT = {
    "queued": "排队中",
    "deferred": "排队中",
    "scheduled": "排队中",
    "started": "进行中",
    "finished": "已完成",
    "failed": "失败",
    "stopped": "已停止",
    "canceled": "已取消",
}
KEEP_FOR = 24 * 3600  # how long a finished job's record is kept, on RQ and inline alike
_inline = threading.local()  # the record of the job running inline in this thread, if any


@dataclass
class Progress:
    done: int = 0
    total: int = 0
    text: str = ""

    @property
    def percent(self) -> int:
        if not self.total:
            return 0
        return max(0, min(100, int(self.done * 100 / self.total)))

    def as_dict(self) -> dict:
        return {"done": self.done, "total": self.total, "percent": self.percent, "text": self.text}


@dataclass
class Tracked:
    """What is known about a job: who started it, what it is, how far it got, and how it ended."""

    id: str
    title: str
    owner: int | None
    status: str = "queued"
    progress: Progress = field(default_factory=Progress)
    result: Any = None
    error: str = ""
    problems: list[str] = field(default_factory=list)  # a refused sheet's problems by row ("第5行：…")
    creation: str = ""
    # A job run inline: what it raised, for the caller to answer as it would have without a job.
    exception: Exception | None = field(default=None, repr=False, compare=False)

    def as_dict(self) -> dict:
        return {
            "job_id": self.id,
            "title": self.title,
            "status": self.status,
            "status_text": STATUS_TEXT.get(self.status, self.status),
            "progress": self.progress.as_dict(),
            "result": self.result,
            "error": self.error,
            "problems": self.problems,
            "creation": self.creation,
        }


def _cache_key(job_id: str) -> str:
    return f"lowcode-job:{job_id}"


def _meta_of(tracked: Tracked) -> dict:
    return {
        "lowcode_title": tracked.title,
        "lowcode_owner": tracked.owner,
        "lowcode_progress": tracked.progress.as_dict(),
        "lowcode_error": tracked.error,
        "lowcode_result": tracked.result,
        "lowcode_creation": tracked.creation,
    }


def start(
    user, title: str, func, *args, queue: str = "default", retries: int = 0, inline: bool = False, **kwargs
) -> Tracked:
    """Run ``func(*args, **kwargs)`` (a function or its dotted path) as a tracked job; its record at once.

    ``inline`` runs it here and now even on Redis (an import of a small file answers at once).

    Its result must be JSON-ready (a dict of plain values): a client reads it from the status. On RQ
    the job is queued when the caller's transaction commits, as :func:`apps.lowcode.jobs.enqueue` does;
    the id is chosen here, so it is known before then; when Redis cannot be reached it runs inline.
    ``retries``: how many times RQ runs the job again when it fails or its worker dies in the middle
    (killed, out of memory), for jobs that are safe to run twice.
    """
    from apps.lowcode import jobs

    path = func if isinstance(func, str) else f"{func.__module__}.{func.__qualname__}"
    tracked = Tracked(
        id=uuid.uuid4().hex,
        title=title,
        owner=getattr(user, "pk", None),
        creation=timezone.localtime().strftime("%Y-%m-%d %H:%M:%S"),
    )
    if inline or not jobs.redis_configured():
        _run_inline(tracked, path, args, kwargs)
        return tracked
    from rq import Retry

    jobs.enqueue(
        run,
        path,
        args,
        kwargs,
        queue=queue,
        fallback=lambda: _run_inline(tracked, path, args, kwargs),
        retry=Retry(max=retries) if retries else None,
        job_id=tracked.id,
        meta=_meta_of(tracked),
        result_ttl=KEEP_FOR,  # RQ's default (500 s) would forget the job while its page may still be open
        failure_ttl=KEEP_FOR,
    )
    return tracked


def run(path: str, args, kwargs):
    """The job RQ runs: the operation, with a Chinese error recorded where the status reads it."""
    from rq import get_current_job

    job = get_current_job()
    try:
        result = import_string(path)(*args, **kwargs)
    except Exception as exc:
        if job is not None:
            job.meta["lowcode_error"] = failure_text(exc)
            job.meta["lowcode_problems"] = problems_of(exc)
            job.save_meta()
        raise
    if job is not None:
        progress = job.meta.get("lowcode_progress") or {}
        if progress.get("total"):
            job.meta["lowcode_progress"] = {**progress, "done": progress["total"], "percent": 100}
        job.meta["lowcode_result"] = result
        job.save_meta()
    return result


def failure_text(exc: Exception) -> str:
    """What the person who started the job reads when it failed: the error's own Chinese message if it has one."""
    if isinstance(exc, FrappeError):
        return exc.message
    return f"任务执行出错（{type(exc).__name__}），请联系系统管理员查看日志"


def problems_of(exc: Exception) -> list[str]:
    """What a refused sheet lists row by row (SheetProblemsError.problems), for the page to list them."""
    return [str(problem) for problem in getattr(exc, "problems", None) or []]


def answer(job: Tracked) -> dict:
    """A long operation's answer over the API: the job to poll (lowcode.api.get_job_status), and its result
    once it is done. A job that ran inline is done: its result is there at once, and its error is raised,
    answered with its own status code as it always was."""
    if job.exception is not None:
        raise job.exception
    return {"job_id": job.id, "status": job.status, **(job.result or {})}


def _run_inline(tracked: Tracked, path: str, args, kwargs) -> None:
    tracked.status = "started"
    _inline.current = tracked
    try:
        tracked.result = import_string(path)(*args, **kwargs)
    except Exception as exc:  # noqa: BLE001 - recorded for the status, as RQ records a failed job
        tracked.status, tracked.error, tracked.exception = "failed", failure_text(exc), exc
        tracked.problems = problems_of(exc)
    else:
        tracked.status = "finished"
        if tracked.progress.total:
            tracked.progress.done = tracked.progress.total
    finally:
        _inline.current = None
    cache.set(_cache_key(tracked.id), dataclasses.replace(tracked, exception=None), KEEP_FOR)


def publish_progress(done: int, total: int, text: str = "") -> None:
    """Report how far the current job got (``done`` of ``total``, and what it is doing, in Chinese).

    Cheap enough to call per item: on RQ the job's meta is written at most once per percent.
    Outside a job (a call from a request, a test) it does nothing.
    """
    current = getattr(_inline, "current", None)
    if current is not None:
        current.progress = Progress(int(done), int(total), str(text)[:200])
        return
    try:
        from rq import get_current_job
    except ImportError:  # pragma: no cover - rq is a dependency
        return
    job = get_current_job()
    if job is None:
        return
    before = Progress(**{k: v for k, v in (job.meta.get("lowcode_progress") or {}).items() if k != "percent"})
    now = Progress(int(done), int(total), str(text)[:200])
    if now.percent == before.percent and done not in (0, total) and before.total == now.total:
        return
    job.meta["lowcode_progress"] = now.as_dict()
    job.save_meta()


def tracked(job_id: str) -> Tracked | None:
    """The record of a tracked job, wherever it ran; None when there is no such job (or no longer)."""
    from apps.lowcode import jobs

    job_id = str(job_id or "")
    found = cache.get(_cache_key(job_id)) if job_id else None
    if found is not None or not job_id or not jobs.redis_configured():
        return found
    from rq.exceptions import NoSuchJobError
    from rq.job import Job

    try:
        job = Job.fetch(job_id, connection=jobs.connection())
    except (NoSuchJobError, ValueError):  # ValueError: RQ refuses ids with other characters, so no such job
        return None
    except jobs.UNREACHABLE:
        raise ServiceUnavailableError("后台任务服务暂时无法连接，请稍后再查看任务进度") from None
    meta = job.meta or {}
    if "lowcode_title" not in meta:
        return None  # an RQ job, but not one started here: its details are for the queues' dashboard
    progress = meta.get("lowcode_progress") or {}
    record = Tracked(
        id=job.id,
        title=meta.get("lowcode_title", ""),
        owner=meta.get("lowcode_owner"),
        status=_status_value(job.get_status(refresh=False)),
        progress=Progress(progress.get("done", 0), progress.get("total", 0), progress.get("text", "")),
        result=meta.get("lowcode_result"),
        error=meta.get("lowcode_error", ""),
        problems=meta.get("lowcode_problems") or [],
        creation=meta.get("lowcode_creation", ""),
    )
    if record.status == "failed" and not record.error:
        record.error = "任务执行出错，请联系系统管理员查看日志"
    return record


def _status_value(value) -> str:
    """RQ's JobStatus (an enum in RQ 3) as its plain value: "queued", "finished", …"""
    return str(getattr(value, "value", value) or "queued")


def status(user, job_id) -> dict:
    """A job's status for ``user``: theirs, or anyone's for those who may see the job queues; else 404."""
    from apps.lowcode import jobs

    record = tracked(job_id)
    if record is None or not (record.owner == user.pk or jobs.may_see_queues(user) or user.is_superuser):
        raise DoesNotExistError(f"后台任务 {job_id} 不存在")
    return record.as_dict()
