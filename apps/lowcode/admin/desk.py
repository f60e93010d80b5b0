"""The admin is the Desk of users whose roles have desk access (apps/lowcode/roles/desk.py); everyone else
works in the site's workbench (settings.WORKBENCH_URL) and is sent there from any admin page.

A middleware rather than the admin site's own check: Django's admin answers a logged-in user without
``is_staff`` with its login page and an English "not authorized" sentence, and the pages beside the admin
site (待我处理, the print page, API keys) are covered the same way. The admin's logout is no exception: Django's
admin logs out only its own users; the workbench logs everyone else out (/api/method/logout).
"""

from django.http import HttpResponseRedirect
from django.urls import reverse

from apps.lowcode.roles.desk import workbench_url


class DeskAccessMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not user.is_staff and self._is_desk(request.path_info):
            return HttpResponseRedirect(workbench_url())
        return self.get_response(request)

    @staticmethod
    def _is_desk(path: str) -> bool:
        return path.startswith(reverse("admin:index"))
