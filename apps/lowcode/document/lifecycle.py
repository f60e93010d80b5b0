"""What happens around every save of a document, from the API and the admin alike.

Before the write: the workflow state cannot be set by hand, a new document
enters its workflow's first state, and editing is refused outside the roles
the current state allows. After the document and its child rows are written
(in the same transaction): fields the state does not open for editing must be
unchanged, the workflow logs the creation, and the apps' document events run.
Raising anywhere undoes the whole save. A deletion, from any door, is checked
against the workflow first, and after it the document's attachments go and the apps' after_delete
events run. A save changing ``docstatus`` is a submit or cancel, refused as those are.
"""

from django.apps import apps

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


DOCSTATUS_VERBS = {1: "提交", 2: "作废"}


def ensure_docstatus_not_set(user, meta, doc, incoming, creating: bool) -> None:
    """A save whose ``docstatus`` differs from the document's is Frappe's submit or cancel by save (a
    ``PUT {"docstatus": 1}``): refused as submit and cancel are, never ignored, so no client is told it
    submitted when it did not. A client echoing the document back unchanged passes."""
    if incoming in (None, ""):
        return
    try:
        wanted = int(incoming)
    except (TypeError, ValueError):
        raise ValidationError(f"docstatus 应为 0、1 或 2，收到：{incoming}") from None
    if wanted not in (0, 1, 2):
        raise ValidationError(f"docstatus 应为 0、1 或 2，收到：{incoming}")
    if wanted == doc.docstatus:
        return
    if creating or wanted not in DOCSTATUS_VERBS:
        # Frappe's DocstatusTransitionError: a new document starts in its workflow's first state, and no
        # document goes back to draft.
        raise ValidationError(f"不能把 docstatus 从 {doc.docstatus} 改为 {wanted}：请先保存，再使用工作流操作")
    refuse_docstatus_change(user, meta, doc, wanted, DOCSTATUS_VERBS[wanted])


def refuse_docstatus_change(user, meta, doc, docstatus: int, verb: str):
    """Submit and cancel name no workflow action: refused, naming the actions the user may take instead."""
    workflow = engine.workflow_of(doc)
    if workflow is None:
        raise ValidationError(f"“{meta.label}”不是可提交的单据类型，不能{verb}")
    offered = []
    for transition in engine.get_transitions(user, doc, workflow):
        state = engine.get_state(workflow, transition.next_state)
        if state is not None and state.docstatus_value == docstatus:
            offered.append(transition.action)
    hint = f"你现在可以执行：{'、'.join(offered)}" if offered else f"你现在没有可以{verb}它的操作"
    raise ValidationError(
        f"“{meta.label}”由工作流“{workflow.name}”办理，不能直接{verb}；"
        f"请使用工作流操作（frappe.model.workflow.apply_workflow），{hint}"
    )


def before_delete(user, doc) -> None:
    refusal = engine.delete_refusal(user, doc)
    if refusal:
        raise PermissionError(refusal)


def after_delete(user, doc) -> None:
    """Call once ``doc`` is deleted, in the same transaction: the apps' after_delete events see it gone
    from the database (``doc`` keeps its fields and links in memory)."""
    remove_attachments(doc)
    run_doc_event(doc, "after_delete", user=user)


def remove_attachments(doc) -> None:
    """Frappe's delete_doc removes the document's files with it: left behind, they would be listed as the
    attachments of the next document given the same name (a county's report for the same period, made
    again). Each File is deleted as a File, so its bytes go once the transaction commits."""
    file_model = apps.get_model("lowcode", "File")  # by label: the file service builds on this layer
    if isinstance(doc, file_model):
        return
    for attachment in file_model.objects.filter(attached_to_doctype=type(doc).doctype, attached_to_name=doc.name):
        attachment.delete()


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
