"""When to rebuild doctype metadata after an administrator changed a doctype.

Metadata is cached per process and per version. A change in this process
bumps the version at once; other processes (web workers) notice at their next
request, when the middleware compares a cheap stamp of the customisation
tables with the one they last saw. RQ work horses are forked per job from a
worker that never built metadata, so every job starts fresh.
"""

from django.db.models import Count, Max

_state = {"version": 0, "stamp": None}


def current() -> int:
    return _state["version"]


def bump() -> None:
    _state["version"] += 1
    _state["stamp"] = None


def _stamp():
    from apps.lowcode.customize.model import CustomField, PropertySetter

    return tuple(
        tuple(model.objects.aggregate(n=Count("id"), last=Max("modified")).values())
        for model in (CustomField, PropertySetter)
    )


def refresh() -> None:
    stamp = _stamp()
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
