"""Documents as dicts in Frappe's shape: what clients, templates, history and workflow conditions read.

Standard fields, links as the linked record's name, custom fields from
``custom_values``, child tables as lists of rows with parent/parentfield/
parenttype/idx. Values are JSON-ready: datetimes as Frappe's text, decimals as
floats, checks as 0/1, files as their path in storage.
"""

from datetime import date, datetime
from decimal import Decimal

from django.db.models.fields.files import FieldFile
from django.utils import timezone

from apps.lowcode.doctype.meta import DocTypeMeta, get_meta


def format_value(value):
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S.%f") if timezone.is_aware(value) \
            else value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, FieldFile):  # a stored file: its path in storage ("" when none)
        return value.name or ""
    return value


def link_value(obj, fieldname):
    target = getattr(obj, fieldname)
    if target is None:
        return None
    return target.get_username() if hasattr(target, "get_username") else target.name


def link_fields(meta: DocTypeMeta) -> list[str]:
    return [name for name, docfield in meta.fields.items() if docfield.is_link]


def doc_to_dict(obj, meta: DocTypeMeta | None = None, parent=None) -> dict:
    meta = meta or get_meta(type(obj).doctype)
    data = {"doctype": meta.doctype}
    for fieldname, docfield in meta.fields.items():
        if docfield.custom:
            data[fieldname] = (obj.custom_values or {}).get(fieldname)
        elif docfield.is_link:
            data[fieldname] = link_value(obj, fieldname)
        else:
            data[fieldname] = format_value(getattr(obj, fieldname))
    if meta.istable:
        parent = parent or getattr(obj, meta.parent_fk)
        table = next(t for t in get_meta(parent.doctype).tables.values() if t.doctype == meta.doctype)
        data.update(parent=parent.name, parentfield=table.fieldname, parenttype=parent.doctype)
    for table in meta.tables.values():
        child_meta = get_meta(table.doctype)
        rows = getattr(obj, table.fieldname).select_related(*link_fields(child_meta))
        data[table.fieldname] = [doc_to_dict(row, child_meta, obj) for row in rows]
    return data
