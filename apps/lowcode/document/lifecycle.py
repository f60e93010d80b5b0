"""What happens around every save of a document, from the API and the admin alike.

Before the write: the workflow state cannot be set by hand, a new document
enters its workflow's first state, and editing is refused outside the roles
the current state allows. After the document and its child rows are written
(in the same transaction): fields the state does not open for editing must be
unchanged, the workflow logs the creation, and the apps' document events run.
Raising anywhere undoes the whole save. A deletion, from any door, is checked
against the workflow first and runs the apps' after_delete events after.
"""

from apps.lowcode.doctype.events import run_doc_event
from apps.lowcode.exceptions import PermissionError, ValidationError
from apps.lowcode.workflow import engine


def before_save(user, doc, creating: bool, incoming_state=None) -> dict | None:
    """Call before changing ``doc``; returns what after_save needs to compare with."""
    engine.ensure_state_not_set(doc, incoming_state, creating)
    if creating:
        engine.start(doc)
        return None
    rights = ensure_editable(user, doc)
    return snapshot(doc) if rights.fields else None


def before_delete(user, doc) -> None:
    refusal = engine.delete_refusal(user, doc)
    if refusal:
        raise PermissionError(refusal)


def after_delete(user, doc) -> None:
    """Call once ``doc`` is deleted, in the same transaction: the apps' after_delete events see it gone
    from the database (``doc`` keeps its fields and links in memory)."""
    run_doc_event(doc, "after_delete", user=user)


def ensure_editable(user, doc) -> "engine.EditRights":
    """Refuse when the document's workflow state does not let this user edit it (its attachments included)."""
    rights = engine.edit_rights(user, doc)
    if not rights.allowed:
        raise PermissionError(rights.reason)
    return rights


def after_save(user, doc, creating: bool, before: dict | None = None) -> None:
    if not creating and before is not None:
        ensure_only_editable_fields_changed(user, doc, before)
    if creating:
        engine.log_creation(user, doc)
        run_doc_event(doc, "after_insert", user=user)
    run_doc_event(doc, "on_update", user=user)


def snapshot(doc) -> dict:
    from apps.lowcode.doctype.serialize import doc_to_dict

    return doc_to_dict(doc)


def ensure_only_editable_fields_changed(user, doc, before: dict) -> None:
    rights = engine.edit_rights(user, doc)
    if not rights.fields:
        return
    changed = changed_fields(before, snapshot(doc))
    forbidden = sorted(changed - set(rights.fields))
    if forbidden:
        labels = "、".join(field_label(type(doc).doctype, f) for f in forbidden)
        raise ValidationError(f"单据处于“{doc.workflow_state}”状态，不能修改：{labels}")


IGNORED = {
    "modified",
    "modified_by",
    "idx",
    "name",
    "parent",
    "parentfield",
    "parenttype",
    "doctype",
    "owner",
    "creation",
    "docstatus",
    "workflow_state",
}


def changed_fields(before: dict, after: dict) -> set[str]:
    """Fields that differ, child-table fields as ``table.field``; an added or removed row as ``table``."""
    changed = set()
    for key in before.keys() | after.keys():
        if key in IGNORED:
            continue
        old, new = before.get(key), after.get(key)
        if _is_table(old) or _is_table(new):
            old_rows = {row["name"]: row for row in old or []}
            new_rows = {row["name"]: row for row in new or []}
            if old_rows.keys() != new_rows.keys():
                changed.add(key)
            for name in old_rows.keys() & new_rows.keys():
                changed.update(f"{key}.{f}" for f in changed_fields(old_rows[name], new_rows[name]))
        elif old != new:
            changed.add(key)
    return changed


def _is_table(value) -> bool:
    """Child rows come as a list of dicts; a multi-link custom field is a list of names, compared whole."""
    return isinstance(value, list) and any(isinstance(row, dict) for row in value)


def field_label(doctype: str, fieldname: str) -> str:
    from apps.lowcode.doctype.meta import get_meta

    meta = get_meta(doctype)
    table, _, child_field = fieldname.partition(".")
    if not child_field:
        found = meta.fields.get(fieldname) or meta.tables.get(fieldname)
        return found.label if found else fieldname
    child = get_meta(meta.tables[table].doctype) if table in meta.tables else None
    return (
        f"{meta.tables[table].label}·{child.fields[child_field].label}"
        if child and child_field in child.fields
        else fieldname
    )
