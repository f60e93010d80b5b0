"""``/health/``: status for everyone, details for administrators only."""

from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from apps.lowcode.health.checks import healthy, run_all
from apps.lowcode.jobs import may_see_queues


@never_cache
@require_safe
def health(request):
    checks = run_all()
    ok = healthy(checks)
    body = {"status": "ok" if ok else "error"}
    if may_see_queues(request.user):  # the same people, and the same kind of detail, as the job queues
        body["checks"] = [check.as_dict() for check in checks]
    return JsonResponse(body, status=200 if ok else 503, json_dumps_params={"ensure_ascii": False})
