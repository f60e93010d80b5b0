"""Frappe's readable login cookies: ``user_id``, ``full_name``, ``system_user`` and ``user_image``.

Frappe sets them at every login (beside its HttpOnly ``sid``) and deletes them at
logout. Browser clients read them to know who is logged in without a request:
frappe-react-sdk's ``useFrappeAuth`` only asks ``frappe.auth.get_logged_user`` when a
``user_id`` cookie is there, and frappe-ui apps (Frappe HR among them) take the
session user from it. They identify, they never authenticate: the session cookie
alone does that, so these are not HttpOnly, as in Frappe.

Set on every door that logs in (the API's ``login``, the legacy ``cmd=login`` form,
the sign-in pages), through Django's login signals.
"""

from urllib.parse import quote

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

COOKIES = ("user_id", "full_name", "system_user", "user_image")


def http_request(request):
    """Django's request under a REST framework Request (an attribute set on the wrapper stays on it)."""
    return getattr(request, "_request", request)


@receiver(user_logged_in, dispatch_uid="lowcode_user_cookies_in")
def _logged_in(sender, request, user, **kwargs):
    if request is not None:
        http_request(request).frappe_user_cookies = {
            "user_id": user.get_username(),
            "full_name": user.get_full_name() or user.get_username(),
            "system_user": "yes" if user.is_staff else "no",
        }  # user_image: none here (no user pictures); deleted at logout like the others


@receiver(user_logged_out, dispatch_uid="lowcode_user_cookies_out")
def _logged_out(sender, request, user, **kwargs):
    if request is not None:
        http_request(request).frappe_user_cookies = {}


class UserCookieMiddleware:
    """Writes (or deletes) the cookies a login or logout in this request asked for."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        values = getattr(request, "frappe_user_cookies", None)
        if values is None:
            return response
        if not values:
            for name in COOKIES:
                response.delete_cookie(name, path="/", samesite="Lax")
            return response
        max_age = None if settings.SESSION_EXPIRE_AT_BROWSER_CLOSE else settings.SESSION_COOKIE_AGE
        for name, value in values.items():
            response.set_cookie(
                name,
                quote(value, safe=""),  # Frappe quotes the values (a Chinese full name)
                max_age=max_age,
                path="/",
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=False,
                samesite="Lax",
            )
        return response
