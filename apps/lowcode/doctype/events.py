"""Document events, as Frappe's ``doc_events``: apps hook functions onto a doctype's life.

An installed app may have a ``hooks.py`` declaring, by dotted path::

    doc_events = {
        "SelfAssessment": {
            "after_insert": "apps.innovation_action.doctype.self_assessment.events.prefill_lines",
            "after_transition": "…",
        },
        "*": {"on_update": "…"},  # every doctype
    }

A handler is called as ``handler(doc, event=..., **context)``; the workflow
events pass ``user``, ``action``, ``from_state``, ``to_state`` and ``comment``.
A handler that raises stops the save or transition, and the whole of it is
rolled back.
"""

from collections import defaultdict
from functools import cache
from importlib import import_module

from django.apps import apps
from django.utils.module_loading import import_string

EVENTS = (
    "validate",  # before a save is written; raise to refuse it
    "after_insert",  # a new document and its child rows are saved
    "on_update",  # any save of the document and its child rows
    "after_delete",  # the document (and its child rows) was deleted, from the API, a method or the admin
    "before_transition",  # a workflow action is about to move the document
    "after_transition",  # it has moved (state saved, action logged)
    "on_enter_state",  # the document entered a workflow state (after_transition's twin, per state)
    "before_print",  # the document is about to be printed for a user; raise to refuse
    "before_issue",  # the document is about to be issued as a numbered notice; raise to refuse
    "before_rename",  # the document is about to be renamed (old_name, new_name); raise to refuse
    "after_rename",  # it was renamed and the references by name follow; update an app's own ones
    "onload",  # a form loads the document (getdoc): add what it shows besides its fields to context["onload"]
)


def app_hooks(attribute: str):
    """(app name, value) of one hook (``doc_events``, ``print_context``…) of every installed app's hooks.py,
    in INSTALLED_APPS order; apps without a hooks.py or without that hook are skipped."""
    for app in apps.get_app_configs():
        try:
            module = import_module(f"{app.name}.hooks")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app.name}.hooks":
                raise
            continue
        if hasattr(module, attribute):
            yield app.name, getattr(module, attribute)


@cache
def doc_events() -> dict[str, dict[str, list]]:
    """{doctype: {event: [handler, …]}} from every installed app's hooks.py, in INSTALLED_APPS order."""
    registry: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for app_name, declared in app_hooks("doc_events"):
        for doctype, events in declared.items():
            for event, handlers in events.items():
                if event not in EVENTS:
                    raise ValueError(f"{app_name}.hooks: unknown document event {event!r}")
                handlers = [handlers] if isinstance(handlers, str) else handlers
                registry[doctype][event].extend(import_string(h) for h in handlers)
    return registry


def run_doc_event(doc, event: str, **context) -> None:
    events = doc_events()
    for doctype in (type(doc).doctype, "*"):
        for handler in events.get(doctype, {}).get(event, ()):
            handler(doc, event=event, **context)


@cache
def client_data_hooks() -> dict[str, list]:
    """{doctype: [function, …]} from the apps' ``client_data`` hook, in INSTALLED_APPS order.

    A function is called as ``function(user, data, name=...)`` with the data a
    client (the API, an xlsx import) sends to save a document, before any of it
    is checked, and returns the data to save: it lets an app accept what its
    users write where a link is expected (a group of units where a unit is
    asked for). It raises a FrappeError to refuse the data.
    """
    registry: dict[str, list] = defaultdict(list)
    for _app, declared in app_hooks("client_data"):
        for doctype, handlers in declared.items():
            handlers = [handlers] if isinstance(handlers, str) else handlers
            registry[doctype].extend(import_string(h) for h in handlers)
    return registry


def prepare_client_data(user, doctype: str, data, name=None):
    """``data`` as the apps' ``client_data`` hooks of ``doctype`` rewrite it (unchanged when there are none)."""
    if not isinstance(data, dict):
        return data
    for handler in client_data_hooks().get(doctype, ()):
        data = handler(user, data, name=name)
    return data
