"""Writing one child row, or a few fields, the way Frappe's client methods do: through the parent's save.

Frappe lets ``set_value``, ``insert`` and ``delete`` address a child row
directly (by its doctype and name, or with parent/parenttype/parentfield);
it loads the parent, changes the row and saves the parent. We do the same
through :func:`save_document`, so the parent's permissions, scope, workflow
rights, validation, events and history all apply to the row's change.
"""

from apps.lowcode.doctype.meta import (
    CHILD_FIELDS,
    STANDARD_FIELDS,
    DocTypeMeta,
    get_meta,
)
from apps.lowcode.doctype.serialize import doc_to_dict
from apps.lowcode.document.service import check_timestamp, get_document, meta_for, save_document
from apps.lowcode.exceptions import DataError, DoesNotExistError, ValidationError


def parent_of_row(user, meta: DocTypeMeta, name):
    """(parent meta, parent record, table fieldname) of a child row the user may reach through its parent."""
    row = meta.model._default_manager.filter(name=str(name)).first()
    parent = getattr(row, meta.parent_fk) if row is not None else None
    if parent is None:
        raise DoesNotExistError(f"{meta.label} {name} 不存在")
    parent_meta = get_meta(type(parent).doctype)
    try:
        parent = get_document(user, parent_meta, parent.name)
    except DoesNotExistError:
        raise DoesNotExistError(f"{meta.label} {name} 不存在") from None  # never name a parent out of scope
    table = next(t.fieldname for t in parent_meta.tables.values() if t.doctype == meta.doctype)
    return parent_meta, parent, table


def check_settable(meta: DocTypeMeta, values: dict) -> None:
    """Frappe's set_value refuses standard fields; a field the server computes is refused too, not ignored."""
    if not isinstance(values, dict) or not values:
        raise ValidationError("请指定要修改的字段和值")
    for key in values:
        if not isinstance(key, str):
            raise ValidationError("字段名应为文本")
        if key in STANDARD_FIELDS or key in CHILD_FIELDS or key in ("doctype", "custom_values"):
            raise ValidationError(f"不能修改标准字段 {key}")
        if key in meta.tables:
            continue
        if key not in meta.fields:
            raise DataError(f"{meta.doctype} 没有字段 {key}")
        if meta.fields[key].read_only:
            raise ValidationError(f"字段“{meta.fields[key].label}”由系统计算，不能修改")


def _unchanged_fixed_fields(user, meta: DocTypeMeta, name, values: dict, seen=None) -> dict:
    """``values`` less the standard and computed fields it sends back unchanged.

    A client that saves a whole document through set_value (frappe-ui's
    ``createDocumentResource().save`` sends every field it read, minus doctype and
    name) sends owner, creation, modified and the computed fields as it got them; in
    Frappe they go through ``doc.update`` unnoticed. Here an unchanged one is dropped and
    a changed one is still refused by check_settable; ``seen`` (the copy's ``modified``)
    is compared first, so a stale copy is told as such (Frappe's check_if_latest).
    """
    fixed = [
        key
        for key in values
        if isinstance(key, str)
        and (
            key in STANDARD_FIELDS
            or key in CHILD_FIELDS
            or key == "doctype"
            or (key in meta.fields and meta.fields[key].read_only)
        )
    ]
    if not fixed:
        return values
    doc = get_document(user, meta, name)
    check_timestamp(meta, doc, {"modified": seen})  # a stale copy differs everywhere: say so first
    current = doc_to_dict(doc, meta)
    current["doctype"] = meta.doctype
    kept = dict(values)
    for key in fixed:
        if key in current and current[key] == values[key]:
            del kept[key]
    return kept


def set_values(user, meta: DocTypeMeta, name, values: dict, whole: bool = False):
    """Change some fields of a document, or of a child row through its parent; returns the saved (parent) record.

    ``whole``: ``values`` is a document as the client read it (set_value with a dict of fields), whose
    unchanged standard and computed fields are dropped and whose ``modified`` is the stale-write check.
    """
    if whole and isinstance(values, dict) and values and not meta.istable:
        seen = values.get("modified")
        values = _unchanged_fixed_fields(user, meta, name, {k: v for k, v in values.items() if k != "modified"}, seen)
        if values:
            check_settable(meta, values)
        # Nothing new is saved as it is (a new modified), as Frappe's doc.save() does.
        return save_document(user, meta, {**values, **({"modified": seen} if seen is not None else {})}, name=name)
    check_settable(meta, values)
    if not meta.istable:
        return save_document(user, meta, values, name=name)
    parent_meta, parent, table = parent_of_row(user, meta, name)
    rows = doc_to_dict(parent, parent_meta)[table]
    for row in rows:
        if row["name"] == str(name):
            row.update(values)
    return save_document(user, parent_meta, {table: rows}, name=parent.name)


def insert_document(user, data: dict):
    """Frappe's insert: a new document, or a new child row appended to its parent; returns the saved record."""
    if not isinstance(data, dict):
        raise ValidationError("单据数据应为 JSON 对象")
    meta = meta_for(data.get("doctype"))
    if not data.get("parenttype") and not meta.istable:
        return save_document(user, meta, data)
    if not meta.istable:
        raise ValidationError(f"{meta.doctype} 不是子表，不能指定 parenttype")
    parent_meta = meta_for(data.get("parenttype"))
    table = data.get("parentfield")
    if table not in parent_meta.tables or parent_meta.tables[table].doctype != meta.doctype:
        raise ValidationError(f"{parent_meta.doctype} 没有 {meta.doctype} 子表 {table}")
    if not isinstance(data.get("parent"), str | int):
        raise ValidationError("请指定上级单据 parent")
    parent = get_document(user, parent_meta, data["parent"])
    rows = doc_to_dict(parent, parent_meta)[table]
    rows.append({k: v for k, v in data.items() if k not in ("parent", "parenttype", "parentfield", "name")})
    return save_document(user, parent_meta, {table: rows}, name=parent.name)


def delete_row(user, meta: DocTypeMeta, name):
    """Remove one child row through its parent's save."""
    parent_meta, parent, table = parent_of_row(user, meta, name)
    rows = [row for row in doc_to_dict(parent, parent_meta)[table] if row["name"] != str(name)]
    return save_document(user, parent_meta, {table: rows}, name=parent.name)
