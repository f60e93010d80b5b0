"""Which documents have deadlines, and when each is due: the apps say, through their ``deadlines`` hook.

An app's hooks.py maps a doctype to the dotted path of a function ``due_date(doc) -> date | None``::

    deadlines = {"Progress Report": "apps.innovation_action.services.deadlines.due_date"}

The platform knows no report kinds; it asks.
"""

from datetime import date
from functools import cache

from django.utils.module_loading import import_string

from apps.lowcode.doctype.events import app_hooks


@cache
def providers() -> dict:
    found = {}
    for _app, declared in app_hooks("deadlines"):
        for doctype, path in declared.items():
            found[doctype] = import_string(path)
    return found


def doctypes() -> list[str]:
    return list(providers())


def due_date(doc) -> date | None:
    provider = providers().get(type(doc).doctype)
    return provider(doc) if provider else None
