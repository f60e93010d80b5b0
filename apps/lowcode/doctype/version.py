"""When to rebuild doctype metadata after an administrator changed a doctype.

Metadata is cached per process and per version. A change in this process
bumps the version at once. Other processes (web workers) notice at their
request a second or more after their last look: the middleware compares a
stamp of the customisation tables (their row counts and last change) with the
one it last saw. The stamp is read from the shared cache (Redis); a change
deletes it when its transaction commits, and whoever misses it first reads it
again from the database. Looking once a second, not on every request, keeps
the cost off the API's hot path (a Redis round trip is ~10% of a small read). RQ work horses are forked per job from a worker that never
built metadata, so every job starts fresh.
"""

import time

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Max

STAMP_KEY = "lowcode:customization-stamp"
LOOK_EVERY = 1.0  # seconds
_state = {"version": 0, "stamp": None, "looked": float("-inf")}
# Models whose rows the metadata (or what is cached with it: labels, the site's words) is built from.
_watched: list = []


def watch(model) -> None:
    """Rebuild what is cached per version whenever a row of ``model`` is saved or deleted, in every process."""
    from django.db.models import signals

    _watched.append(model)
    signals.post_save.connect(_changed, sender=model, weak=False)
    signals.post_delete.connect(_changed, sender=model, weak=False)


def _changed(sender, **kwargs):
    bump()


def current() -> int:
    return _state["version"]


def forget() -> None:
    """Rebuild this process's metadata at its next use (tests do so after rolling a test back)."""
    _state["version"] += 1
    _state["stamp"] = None


def bump() -> None:
    """This process changed a customisation: rebuild here now, everywhere once it is committed."""
    forget()
    cache.delete(STAMP_KEY)
    transaction.on_commit(lambda: cache.delete(STAMP_KEY))


def _database_stamp() -> str:
    return repr([model.objects.aggregate(n=Count("id"), last=Max("modified")) for model in _watched])


def refresh(now=None) -> None:
    now = time.monotonic() if now is None else now
    if now - _state["looked"] < LOOK_EVERY:
        return
    _state["looked"] = now
    stamp = cache.get(STAMP_KEY)
    if stamp is None:
        stamp = _database_stamp()
        cache.set(STAMP_KEY, stamp, None)
    if stamp != _state["stamp"]:
        _state["version"] += 1
        _state["stamp"] = stamp


class CustomizationMiddleware:
    """Sees another process's customisation before the request reads any metadata."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        refresh()
        return self.get_response(request)
