"""Which print formats fit a document: one rule for the formats offered, the preview and 印发.

A doctype may have formats written for some of its documents only (a period's 季度排名通报 is
for quarters, its 年度考评结果通报 for the year). The app says why a format does not fit with a
``print_format_fit`` hook (hooks.py), a function ``(doc, print_format) -> str`` that returns the
reason in Chinese, or "" when the format fits::

    print_format_fit = {"Assessment Period": "apps.innovation_action.doctype.assessment_period.print.format_fit"}
"""

from collections.abc import Callable
from functools import cache

from django.utils.module_loading import import_string

from apps.lowcode.doctype.events import app_hooks


@cache
def fit_hooks() -> dict[str, list[Callable]]:
    hooks: dict[str, list[Callable]] = {}
    for _app, declared in app_hooks("print_format_fit"):
        for doctype, path in declared.items():
            hooks.setdefault(doctype, []).append(import_string(path))
    return hooks


def unfit_reason(print_format, doc) -> str:
    """Why ``print_format`` does not fit ``doc``, in Chinese; "" when it fits."""
    for hook in fit_hooks().get(type(doc).doctype, ()):
        reason = hook(doc, print_format)
        if reason:
            return reason
    return ""
