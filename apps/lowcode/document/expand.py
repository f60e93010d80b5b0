"""Frappe's expanded links: a Link field's value replaced by the linked document itself.

``GET /api/resource/<DocType>?expand=["county"]`` and ``frappe.client.get_list(expand=...)``
expand the named Link fields of each row (only those among ``fields``, as Frappe does);
``GET /api/resource/<DocType>/<name>?expand_links=1`` expands every Link field of the
document and of its child rows. Each linked document is read as its reader reads it
(:func:`get_document`: rights, scope, hidden fields); one the reader may not see keeps its
plain name, so expanding never shows more than asking for the linked document would.
"""

from apps.lowcode.doctype.meta import DocTypeMeta, get_meta
from apps.lowcode.doctype.serialize import doc_to_dict
from apps.lowcode.document.service import get_document
from apps.lowcode.exceptions import FrappeError


def _target_meta(meta: DocTypeMeta, fieldname: str) -> DocTypeMeta | None:
    field = meta.fields.get(fieldname)
    if field is None or field.fieldtype != "Link" or not field.options:
        return None
    try:
        return get_meta(field.options)
    except KeyError:  # a link to a doctype the API does not serve (User)
        return None


def expand_rows(user, meta: DocTypeMeta, rows: list, fieldnames) -> list:
    """Replace, in each row (a dict), the value of each Link field in ``fieldnames`` by the linked document."""
    seen: dict[tuple[str, str], dict | None] = {}
    for fieldname in dict.fromkeys(f for f in fieldnames if isinstance(f, str)):
        target = _target_meta(meta, fieldname)
        if target is None:
            continue
        for row in rows:
            value = row.get(fieldname) if isinstance(row, dict) else None
            if not isinstance(value, str) or not value:
                continue
            key = (target.doctype, value)
            if key not in seen:
                try:
                    seen[key] = doc_to_dict(get_document(user, target, value), target)
                except FrappeError:  # not there, or not the reader's to see
                    seen[key] = None
            if seen[key] is not None:
                row[fieldname] = seen[key]
    return rows


def expand_document(user, meta: DocTypeMeta, data: dict) -> dict:
    """Frappe's read with ``expand_links``: every Link field of the document and of its child rows."""
    expand_rows(user, meta, [data], list(meta.fields))
    for table in meta.tables.values():
        rows = data.get(table.fieldname)
        if isinstance(rows, list):
            child = get_meta(table.doctype)
            expand_rows(user, child, rows, list(child.fields))
    return data
