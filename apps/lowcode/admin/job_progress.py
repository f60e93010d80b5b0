"""The page that shows how far a long job got (opening a period, recomputing, …), for the person who started it."""

from django.http import Http404
from django.template.response import TemplateResponse

from apps.lowcode.exceptions import DoesNotExistError
from apps.lowcode.jobs import progress


def job_progress(request, job_id):
    """后台任务进度: a bar, what it is doing, and its result or error; the page polls lowcode.api.get_job_status."""
    try:
        job = progress.status(request.user, job_id)
    except DoesNotExistError as exc:
        raise Http404(exc.message) from None
    running = job["status"] not in ("finished", "failed", "stopped", "canceled")
    return TemplateResponse(
        request,
        "lowcode/job_progress.html",
        {
            "title": job["title"] or "后台任务",
            "job": job,
            "running": running,
            "back": request.GET.get("next", "") if str(request.GET.get("next", "")).startswith("/admin/") else "",
        },
    )
