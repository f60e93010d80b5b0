"""``/api/resource/DocType``: the doctypes as Frappe's DocType documents, read-only.

Clients read a doctype's schema this way (``GET /api/resource/DocType/<name>``, its ``fields``
rows) and list the doctypes (``GET /api/resource/DocType``). A user sees the doctypes they may
read (a child table with its parent), the same rule as ``getdoctype`` and ``/api/v2/doctype/<name>/meta``.
Doctypes are defined in code and customised through Custom Field and Property Setter:
writing a DocType document is refused.
"""

from apps.lowcode.api.params import fields_and_page, json_param
from apps.lowcode.doctype import doctype_registry
from apps.lowcode.doctype.meta import get_meta
from apps.lowcode.doctype.meta_doc import doctype_dict
from apps.lowcode.document import docstatus
from apps.lowcode.document.query import parse_int
from apps.lowcode.document.service import meta_for
from apps.lowcode.exceptions import DataError, DoesNotExistError, PermissionError, ValidationError
from apps.lowcode.permissions import can

DOCTYPE = "DocType"
READ_ONLY = "单据类型由系统定义，不能通过接口修改；请用自定义字段（Custom Field）和属性设置（Property Setter）调整"


def _readable(user, meta) -> bool:
    if not meta.istable:
        return can(user, "read", meta.model)
    return any(
        can(user, "read", get_meta(dt).model)
        for dt in doctype_registry
        if any(t.doctype == meta.doctype for t in get_meta(dt).tables.values())
    )


def _document(meta) -> dict:
    return doctype_dict(meta, docstatus.is_submittable(meta))


def get_doctype_doc(user, name) -> dict:
    meta = meta_for(name)
    if not _readable(user, meta):
        raise DoesNotExistError(f"单据类型 {name} 不存在")
    return _document(meta)


def _conditions(filters) -> list[tuple[str, str, object]]:
    """Frappe's filters as (field, operator, value); only = and != are meaningful on doctypes."""
    if filters in (None, "", "null"):
        return []
    filters = json_param(filters, "filters")
    if isinstance(filters, dict):
        items = [[key, *(value if isinstance(value, list | tuple) else ["=", value])] for key, value in filters.items()]
    elif isinstance(filters, list):
        items = [f[1:] if len(f) == 4 else f for f in filters if isinstance(f, list | tuple)]
    else:
        raise ValidationError("参数 filters 应为条件对象或条件列表")
    conditions = []
    for item in items:
        if len(item) != 3 or item[1] not in ("=", "!="):
            raise ValidationError("单据类型列表只支持 = 和 != 条件")
        conditions.append((str(item[0]), item[1], item[2]))
    return conditions


def _matches(row: dict, conditions) -> bool:
    for field, operator, value in conditions:
        if field not in row or field == "fields":
            raise DataError(f"单据类型没有字段 {field[:100]}")
        if (str(row[field]) == str(value)) != (operator == "="):
            return False
    return True


def list_doctype_docs(user, params) -> list:
    fields, page = fields_and_page(params)
    conditions = _conditions(params.get("filters"))
    rows = []
    for name in sorted(doctype_registry):
        meta = get_meta(name)
        if not _readable(user, meta):
            continue
        row = _document(meta)
        if _matches(row, conditions):
            rows.append(row)
    rows = rows[page]
    if fields in (["*"], "*"):
        return [{k: v for k, v in row.items() if k != "fields"} for row in rows]
    unknown = [field for field in fields if rows and field not in rows[0]]
    if unknown:
        raise DataError(f"单据类型没有字段 {unknown[0][:100]}")
    return [{field: row[field] for field in fields} for row in rows]


def search_doctypes(txt, filters, page_length) -> list[dict]:
    """Link search on DocType (frappectl's ``doctype list``): every doctype whatever the user's permissions,
    as Frappe's search_link ignores them for DocType (a doctype's name and label are no secret);
    ``txt`` in the name or the label, ``filters`` on the DocType document's fields."""
    text = (txt if isinstance(txt, str) else "").strip()
    conditions = _conditions(filters)
    results = []
    for name in sorted(doctype_registry):
        meta = get_meta(name)
        if text and text.lower() not in name.lower() and text not in meta.label:
            continue
        if _matches(_document(meta), conditions):
            results.append({"value": name, "description": meta.label, "label": meta.label})
    length = parse_int(page_length, "page_length", 10)
    return results[:length] if length else results


def refuse_write():
    raise PermissionError(READ_ONLY)
