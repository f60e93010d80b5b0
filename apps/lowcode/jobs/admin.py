"""django-rq's dashboard in the admin, for administrators only.

django-rq registers its dashboard (queues, jobs, workers, the Redis address,
buttons that empty a queue or delete jobs) behind the admin's login alone: any
staff user could open it. Here every one of its URLs, the JSON statistics
included, asks for the permission django-rq declares for it
(``django_rq.admin``), which only the 系统管理员 role holds.
"""

from functools import wraps

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django_rq.admin import QueueAdmin
from django_rq.models import Dashboard

DASHBOARD_PERMISSION = "django_rq.admin"


def may_see_queues(user) -> bool:
    return bool(user.is_active and user.has_perm(DASHBOARD_PERMISSION))


def administrators_only(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        # The JSON statistics also answer a monitoring token without a session: the view checks that token itself.
        if request.user.is_authenticated and not may_see_queues(request.user):
            raise PermissionDenied("只有系统管理员可以查看和操作后台任务队列")
        return view(request, *args, **kwargs)

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
        for pattern in urls:
            pattern.callback = administrators_only(pattern.callback)
        return urls


if admin.site.is_registered(Dashboard):
    admin.site.unregister(Dashboard)
admin.site.register(Dashboard, AdministratorsQueueAdmin)
