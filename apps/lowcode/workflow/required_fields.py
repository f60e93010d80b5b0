"""Required fields and the workflow states that say which fields may be edited.

A state may list the only fields its editors change (``editable_fields``). A field
an administrator makes required (a required Custom Field, or a Property Setter making
a built-in field required) that the draft state does not list could never be filled
in: every draft would be refused ("缺少必填字段") and nobody could fix it. So:

- when a field becomes required, it is added to the editable fields of the active
  workflow's draft (editable) states that restrict them (``open_in_draft_states``, a
  document event of Custom Field and Property Setter: the admin, the API and the
  configuration import alike), and the administrator's form says so;
- a document is never asked for a required field that its current state lets nobody
  change (``fields_editable_now``): a document submitted before the field existed stays savable
  for its reviewers.
"""

from apps.lowcode.workflow.model import StateType, Workflow, WorkflowState, split_lines


def draft_states_without(doctype: str, fieldname: str) -> list[WorkflowState]:
    """Editable states of the doctype's active workflow that list their editable fields, but not this one."""
    workflow = Workflow.objects.filter(document_type=doctype, is_active=True).first()
    if workflow is None:
        return []
    return [
        state
        for state in workflow.states.filter(state_type=StateType.EDITABLE).order_by("idx")
        if state.edit_roles() and state.editable_field_list() and fieldname not in state.editable_field_list()
    ]


def open_in_draft_states(doctype: str, fieldname: str) -> list[str]:
    """Add a required field to the draft states that would lock it; the states' names (for the message)."""
    opened = []
    for state in draft_states_without(doctype, fieldname):
        state.editable_fields = "\n".join([*state.editable_field_list(), fieldname])
        state.save(update_fields=["editable_fields"])
        opened.append(f"{state.workflow.name}：{state.state}")
    return opened


def custom_field_saved(custom, **context) -> None:
    """on_update of Custom Field: a required field is opened for editing in the draft states."""
    if custom.reqd:
        custom.opened_in_states = open_in_draft_states(custom.dt, custom.fieldname)


def property_setter_saved(setter, **context) -> None:
    """on_update of Property Setter: a built-in field made required is opened as a custom one is."""
    if setter.reqd:
        setter.opened_in_states = open_in_draft_states(setter.doc_type, setter.field_name)


def opened_message(label: str, states: list[str]) -> str:
    return (
        f"必填字段“{label}”原先在工作流状态 {'、'.join(f'“{s}”' for s in states)} 中不可编辑，草稿将无法保存；"
        "已把它加入这些状态的可编辑字段。如不需要，请到 平台设置 → 工作流 中调整"
    )


def fields_editable_now(doc) -> list[str] | None:
    """The only fields the document's current workflow state lets its editors change; None when it lists none
    (every field), or for a new document (it is created with what its creator sends)."""
    state_name = getattr(doc, "workflow_state", "")
    if not state_name or doc._state.adding:
        return None
    text = (
        WorkflowState.objects.filter(
            workflow__document_type=type(doc).doctype, workflow__is_active=True, state=state_name
        )
        .values_list("editable_fields", flat=True)
        .first()
    )
    return split_lines(text) or None if text else None
