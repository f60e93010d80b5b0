"""Password login with a lockout after repeated failures (admin and API alike).

Five wrong passwords for one user name within 15 minutes lock that name for
15 minutes, whatever the address; the count lives in the cache (Redis when
the site has it, so every web process sees the same count).
"""

from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.exceptions import PermissionDenied

MAX_FAILURES = 5
LOCKOUT_SECONDS = 15 * 60


def _key(username) -> str:
    return f"login-failures:{str(username).strip().lower()}"


def is_locked(username) -> bool:
    return cache.get(_key(username), 0) >= MAX_FAILURES


def record_failure(username) -> None:
    key = _key(username)
    if cache.add(key, 1, LOCKOUT_SECONDS):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, LOCKOUT_SECONDS)


class LockoutModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get("email") or kwargs.get("usr")
        if username and is_locked(username):
            raise PermissionDenied("登录失败次数过多，请 15 分钟后再试")  # stops the other backends too
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None and username:
            record_failure(username)
        elif user is not None:
            cache.delete(_key(username))
        return user
