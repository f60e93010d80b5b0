"""Password login with a lockout after repeated failures (admin and API alike).

The lock is here, in the authentication backend, so that every way of
logging in with a password meets it; the admin's login form and
/api/method/login also ask ``lockout`` first, only to say in Chinese when to
try again (Django's ``authenticate`` turns the refusal into a plain failure).
"""

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.db.models import Q

from apps.lowcode.auth import lockout
from apps.lowcode.auth.client_address import client_address


class LockoutModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get("email") or kwargs.get("usr")
        address = client_address(request)
        until = lockout.locked_until(username, address)
        if until is not None:
            raise PermissionDenied(lockout.message(until))  # stops the other backends too
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None and username:
            lockout.record_failure(username, address)
        elif user is not None:
            lockout.clear(username, address)
        return user

    def get_all_permissions(self, user_obj, obj=None):
        """The user's own and their roles' permissions in one query, not Django's two.

        Every API request checks a role permission; this is a database round trip
        fewer each time. Still read per request (kept on the user object for it),
        so a change of roles applies to the next request.
        """
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            if user_obj.is_superuser:
                return super().get_all_permissions(user_obj, obj)
            rows = (
                Permission.objects.filter(Q(user=user_obj) | Q(group__in=user_obj.groups.values("pk")))
                .values_list("content_type__app_label", "codename")
                .distinct()
            )
            user_obj._perm_cache = {f"{app_label}.{codename}" for app_label, codename in rows}
        return user_obj._perm_cache
