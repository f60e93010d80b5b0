"""Password login with a lockout after repeated failures (admin and API alike).

The lock is here, in the authentication backend, so that every way of
logging in with a password meets it; the admin's login form and
/api/method/login also ask ``lockout`` first, only to say in Chinese when to
try again (Django's ``authenticate`` turns the refusal into a plain failure).
"""

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

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
