"""Checks an administrator's workflow before it is used: every name it refers to must exist."""

from django.contrib.auth.models import Group
from django.db.models import Count

from apps.lowcode.expressions import ExpressionError, Record, check
from apps.lowcode.workflow import messages
from apps.lowcode.workflow.model import StateType


def workflow_errors(document_type: str, states: list[dict], transitions: list[dict], active: bool = True) -> list[str]:
    """Problems of a workflow given as plain rows (the admin's forms or the saved records), in Chinese.

    states: dicts with state, allow_edit, editable_fields; transitions: dicts
    with state, action, next_state, allowed, approver_field, condition, approvals_required.
    An active workflow may not drop (or rename) a state documents are still in.
    """
    from apps.lowcode.doctype import doctype_registry
    from apps.lowcode.doctype.meta import get_meta
    from apps.lowcode.workflow.engine import path_target
    from apps.lowcode.workflow.model import split_lines

    errors = []
    names = [s["state"] for s in states]
    if not names:
        errors.append("工作流至少需要一个状态（第一个状态是新单据的初始状态）")
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        errors.append(f"状态重复：{'、'.join(duplicates)}")
    roles = set(Group.objects.values_list("name", flat=True))
    model = doctype_registry.get(document_type)
    meta = get_meta(document_type) if model is not None else None

    def check_roles(text, where):
        unknown = [r for r in split_lines(text or "") if r not in roles]
        if unknown:
            errors.append(f"{where}：角色“{'、'.join(unknown)}”不存在")

    required = _required_by_administrators(meta) if meta is not None else {}
    for s in states:
        where = f"状态“{s['state']}”"
        check_roles(s.get("allow_edit"), where)
        listed = split_lines(s.get("editable_fields") or "")
        for fieldname in listed:
            if meta is not None and not _field_exists(meta, fieldname):
                errors.append(f"{where}：可编辑字段“{fieldname}”不存在")
        if (
            listed
            and split_lines(s.get("allow_edit") or "")
            and (s.get("state_type") or StateType.EDITABLE) == StateType.EDITABLE
        ):
            # A draft that may not change a required field could never be completed (issue 14):
            # adding such a field opens it in these states (required_fields.py); here it may not be closed.
            unlisted = [f"“{label}”（{name}）" for name, label in required.items() if name not in listed]
            if unlisted:
                errors.append(f"{where}：必填字段{'、'.join(unlisted)}须列入可编辑字段，否则草稿无法填写")
    for t in transitions:
        where = f"转换“{t['state']} —{t['action']}→ {t['next_state']}”"
        for end in ("state", "next_state"):
            if t[end] not in names:
                errors.append(f"{where}：状态“{t[end]}”不在本工作流的状态中")
        check_roles(t.get("allowed"), where)
        for path in split_lines((t.get("approver_field") or "").replace(".", "__")):
            if model is not None:
                try:
                    path_target(model, path)
                except ValueError as exc:
                    errors.append(f"{where}：审批人来源 {exc}")
        if (t.get("condition") or "").strip():
            try:
                check(t["condition"], condition_names(document_type) if meta is not None else {"doc": None})
            except ExpressionError as exc:
                errors.append(f"{where}：条件{exc}")
        for problem in messages.check(t.get("message") or ""):
            errors.append(f"{where}：{problem}")
        if (t.get("approvals_required") or 1) < 1:
            errors.append(f"{where}：所需审批人数至少为 1")
    if active and model is not None and names:
        stranded = (
            model._default_manager.exclude(workflow_state="")
            .exclude(workflow_state__in=names)
            .values("workflow_state")
            .annotate(count=Count("pk"))
            .order_by("workflow_state")
        )
        for row in stranded:
            errors.append(
                f"还有 {row['count']} 张单据处于“{row['workflow_state']}”状态，不能删除或改名该状态"
                "（请先把这些单据办理到其他状态）"
            )
    return errors


def _required_by_administrators(meta) -> dict[str, str]:
    """{fieldname: label} of the fields an administrator made required (custom fields, Property Setters);
    the model's own required fields are set when a document is created, not edited in its draft."""
    return {
        name: f.label
        for name, f in meta.fields.items()
        if f.reqd and not f.read_only and (f.custom or (f.model_field is not None and f.model_field.blank))
    }


def condition_names(document_type: str) -> dict:
    """What a transition's condition may read: ``doc`` with the doctype's fields as the engine hands them
    over (apps.lowcode.doctype.serialize.doc_to_dict: custom fields included, child tables as lists of rows)."""
    return {"doc": document_record(document_type)}


def document_record(doctype: str, label: str = "单据") -> Record:
    from apps.lowcode.doctype.meta import get_meta

    meta = get_meta(doctype)
    fields = {"doctype", *meta.fields}
    if meta.istable:
        fields |= {"parent", "parentfield", "parenttype"}
    tables = {name: document_record(table.doctype, f"子表“{table.label}”的行") for name, table in meta.tables.items()}
    return Record(f"{label}“{meta.label}”" if not meta.istable else label, fields, tables)


def _field_exists(meta, fieldname: str) -> bool:
    from apps.lowcode.doctype.meta import get_meta

    table, _, child_field = fieldname.partition(".")
    if not child_field:
        return fieldname in meta.fields or fieldname in meta.tables
    return table in meta.tables and child_field in get_meta(meta.tables[table].doctype).fields


def validate_saved_workflow(workflow, **context) -> None:
    """doc_events hook: a workflow saved through the API is checked with its rows; errors undo the save."""
    from apps.lowcode.exceptions import ValidationError

    errors = workflow_errors(
        workflow.document_type,
        list(workflow.states.values("state", "state_type", "allow_edit", "editable_fields")),
        list(
            workflow.transitions.values(
                "state",
                "action",
                "next_state",
                "allowed",
                "approver_field",
                "condition",
                "approvals_required",
                "message",
            )
        ),
        active=workflow.is_active,
    )
    if errors:
        raise ValidationError("；".join(errors))
