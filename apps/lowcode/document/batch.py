"""Several documents in one call: Frappe's ``insert_many`` and ``bulk_update``.

``insert_many`` is all or nothing, as in Frappe (whose request is one
transaction): one refused document and none is inserted. ``bulk_update``
saves each document in its own savepoint and reports the ones refused, as
Frappe's ``failed_docs``; the others stay saved. Every document goes through
:func:`save_document` with every rule.
"""

from django.db import transaction

from apps.lowcode.document.children import insert_document
from apps.lowcode.document.service import meta_for, save_document
from apps.lowcode.exceptions import FrappeError, ValidationError

MAX_DOCS = 200


def client_doc(data) -> dict:
    """A document from a Desk-style client without its client-only keys (``__islocal``, ``__unsaved``…)."""
    if not isinstance(data, dict):
        raise ValidationError("单据数据应为 JSON 对象")
    return {
        k: _client_rows(v) for k, v in data.items() if not (isinstance(k, str) and k.startswith("__")) and k != "flags"
    }


def _client_rows(value):
    """A child table's rows come from the same form with the same client-only keys (``__islocal`` on a new row)."""
    if isinstance(value, list) and all(isinstance(row, dict) for row in value) and value:
        return [client_doc(row) for row in value]
    return value


def _check_count(docs, what: str):
    if not isinstance(docs, list):
        raise ValidationError(f"参数 {what} 应为单据列表")
    if len(docs) > MAX_DOCS:
        raise ValidationError(f"一次最多处理 {MAX_DOCS} 张单据")


@transaction.atomic
def insert_many(user, docs: list) -> list[str]:
    """Insert every document or none; returns their names (a child row gives its parent's), each once."""
    _check_count(docs, "docs")
    names: list[str] = []
    for idx, data in enumerate(docs, start=1):
        try:
            name = insert_document(user, client_doc(data)).name
        except FrappeError as exc:
            exc.message = f"第{idx}张单据：{exc.message}"
            exc.args = (exc.message,)
            raise
        if name not in names:
            names.append(name)
    return names


def bulk_update(user, docs: list) -> list[dict]:
    """Update each ``{"doctype", "docname", field: value…}``; returns the failures with their messages."""
    _check_count(docs, "docs")
    failed = []
    for data in docs:
        try:
            values = client_doc(data)
            doctype, docname = values.pop("doctype", None), values.pop("docname", None)
            if not isinstance(docname, str | int) or isinstance(docname, bool):
                raise ValidationError("每张单据须包含 doctype 和 docname")
            save_document(user, meta_for(doctype), values, name=str(docname))
        except FrappeError as exc:
            failed.append({"doc": data, "exc": f"{exc.exc_type}: {exc.message}", "exc_type": exc.exc_type})
    return failed
