"""Running a document's declared method (Frappe's ``run_doc_method``) with the document's own rules.

Only methods the doctype declares with :func:`apps.lowcode.doctype.methods.doc_method`
are found. The document is loaded through the same role permission and
record scope as every read; a method declared ``perm="write"`` also needs
the role's write permission and the workflow's edit rights in the current
state. The whole call is one transaction: a method that raises leaves nothing behind.
"""

import inspect

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction

from apps.lowcode.doctype.meta import DocTypeMeta
from apps.lowcode.doctype.methods import find_doc_method
from apps.lowcode.document import docstatus, lifecycle
from apps.lowcode.document.service import (
    check_timestamp,
    ensure_can_or_403,
    get_document,
)
from apps.lowcode.exceptions import (
    MethodNotAllowedError,
    PermissionError,
    ValidationError,
)

# Methods every document has in Frappe (Document.submit, Document.cancel), unless a doctype declares its own.
DOCSTATUS_METHODS = {"submit": docstatus.submit_document, "cancel": docstatus.cancel_document}


def run_doc_method(user, meta: DocTypeMeta, name, method, args=None, seen_modified=None, http_method="POST"):
    """Call ``method`` on document ``name``; returns (the document, the method's result)."""
    declared = find_doc_method(meta.model, method)
    if declared is None and method in DOCSTATUS_METHODS:
        # Frappe's Document whitelists submit() and cancel(): the same rules as frappe.client.submit/cancel.
        if http_method != "POST":
            raise MethodNotAllowedError(f"方法 {method} 只接受 POST 请求")
        DOCSTATUS_METHODS[method](user, meta, name)
        return get_document(user, meta, name), None
    if declared is None:
        raise PermissionError(f"方法 {str(method)[:100]} 不是“{meta.label}”开放调用的方法")
    if http_method not in declared.http_methods:
        raise MethodNotAllowedError(f"方法 {declared.name} 不支持 {http_method} 请求")
    if args is None or args == "":
        args = {}
    if not isinstance(args, dict):
        raise ValidationError("参数 args 应为 JSON 对象")
    with transaction.atomic():
        doc = get_document(user, meta, name, for_update=declared.perm == "write")
        check_timestamp(meta, doc, {"modified": seen_modified})
        if declared.perm == "write":
            ensure_can_or_403(user, "write", meta)
            lifecycle.ensure_editable(user, doc)
        try:
            inspect.signature(declared.func).bind(doc, user, **args)
        except TypeError as exc:
            raise ValidationError(f"方法 {declared.name} 的参数不正确：{exc}") from None
        try:
            result = declared.func(doc, user, **args)
        except DjangoValidationError as exc:  # a model's own refusal, as its clean() raises them
            raise ValidationError("；".join(exc.messages)) from None
    return doc, result
