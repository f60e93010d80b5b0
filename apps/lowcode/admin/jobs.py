"""django-rq's dashboard in the admin, for administrators only.

django-rq registers its dashboard (queues, jobs, workers, the Redis address,
buttons that empty a queue or delete jobs) behind the admin's login alone: any
staff user could open it. Here every one of its URLs, the JSON statistics
included, asks for the permission django-rq declares for it
(``django_rq.admin``), which only the 系统管理员 role holds. Addresses of
queues, jobs or workers that do not exist (any more) answer 404 rather than
django-rq's crash,
and the rq-scheduler page is left out (that package is not installed: RQ 3
schedules jobs itself).
"""

from functools import wraps
from importlib.util import find_spec

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django_rq.admin import QueueAdmin
from django_rq.models import Dashboard
from rq.exceptions import NoSuchJobError

from apps.lowcode.jobs import may_see_queues
from apps.lowcode.roles import roles_phrase


def administrators_only(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        # The JSON statistics also answer a monitoring token without a session: the view checks that token itself.
        if request.user.is_authenticated and not may_see_queues(request.user):
            raise PermissionDenied(f"只有{roles_phrase('django_rq.admin')}可以查看和操作后台任务队列")
        return view(request, *args, **kwargs)

    return wrapper


def missing_is_not_found(view, errors):
    """django-rq looks queues up by list index, jobs by id and workers by key without checking that they exist."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except errors:
            raise Http404("没有这个后台任务队列、任务或任务进程") from None

    return wrapper


class AdministratorsQueueAdmin(QueueAdmin):
    def has_module_permission(self, request):
        return may_see_queues(request.user)

    def has_view_permission(self, request, obj=None):
        return may_see_queues(request.user)

    def has_change_permission(self, request, obj=None):
        return may_see_queues(request.user)

    def get_urls(self):
        urls = super().get_urls()
        if find_spec("rq_scheduler") is None:
            urls = [u for u in urls if u.name != "django_rq_scheduler_jobs"]
        for pattern in urls:
            errors = (IndexError, NoSuchJobError)
            if pattern.name == "django_rq_worker_details":
                errors += (ValueError, AssertionError)
            pattern.callback = administrators_only(missing_is_not_found(pattern.callback, errors))
        return urls


if admin.site.is_registered(Dashboard):
    admin.site.unregister(Dashboard)
admin.site.register(Dashboard, AdministratorsQueueAdmin)
