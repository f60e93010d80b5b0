"""Counting failed logins per user name and client address, and locking that pair for a while.

Five wrong passwords for one user name from one address within 15 minutes
lock that name *from that address* for 15 minutes, as django-axes does with
its username + IP combination. Counting by name alone let anyone lock the
office out from anywhere; the real office, at its own address, still logs
in. As in Frappe, the failure that reaches the limit is answered as a wrong
password; the attempts after it are told when to try again. The counts live in the cache (Redis when the site has it, so every web
process sees the same count).
"""

import hashlib
import math
import time
from datetime import UTC, datetime

from django.core.cache import cache
from django.utils import timezone

MAX_FAILURES = 5
WINDOW_SECONDS = 15 * 60  # failures counted from the first one
LOCKOUT_SECONDS = 15 * 60


def _key(kind: str, username, address: str) -> str:
    # Hashed: a user name may hold anything, and cache keys may not.
    who = f"{str(username).strip().lower()}\n{address or '-'}"
    return f"login-{kind}:{hashlib.sha256(who.encode()).hexdigest()[:40]}"


def locked_until(username, address: str) -> datetime | None:
    """When the lock of this name at this address ends, or None when it is not locked."""
    if not username:
        return None
    until = cache.get(_key("locked", username, address))
    if until is None or until <= time.time():
        return None
    return datetime.fromtimestamp(until, tz=UTC)


def record_failure(username, address: str) -> datetime | None:
    """Count a wrong password; returns the end of the lock when this failure starts one."""
    key = _key("failures", username, address)
    if cache.add(key, 1, WINDOW_SECONDS):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, WINDOW_SECONDS)
            count = 1
    if count < MAX_FAILURES:
        return None
    until = time.time() + LOCKOUT_SECONDS
    cache.set(_key("locked", username, address), until, LOCKOUT_SECONDS)
    cache.delete(key)  # after the lock, counting starts again
    return datetime.fromtimestamp(until, tz=UTC)


def clear(username, address: str) -> None:
    """A successful login forgets the failures of this name at this address."""
    cache.delete(_key("failures", username, address))


def message(until: datetime) -> str:
    """ "登录失败次数过多…请在 15 分钟后（14:32 以后）再试", in the site's time zone."""
    minutes = max(1, math.ceil((until.timestamp() - time.time()) / 60))
    return (
        f"登录失败次数过多，该账号在你当前的网络上已被暂时锁定；"
        f"请在 {minutes} 分钟后（{timezone.localtime(until):%H:%M} 以后）再试"
    )
