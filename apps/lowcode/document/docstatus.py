"""Submitting and cancelling (Frappe's ``doc.submit()`` / ``doc.cancel()``) in a system run by workflows.

A document's docstatus changes only through its workflow: each state carries
the docstatus it stands for, and an action moves the document between states
with the roles, approvers, conditions, comments and N-of-M approvals the
administrator configured. A bare "submit" names no action, and when several
transitions lead to a submitted state, picking one for the client would
bypass exactly those choices. So a doctype with an active workflow refuses
submit and cancel and names the actions the user may take instead, to be
taken through ``frappe.model.workflow.apply_workflow``. A doctype without a
workflow is not submittable at all (its documents stay drafts), and answers
Frappe's error for a non-submittable doctype.
"""

from apps.lowcode.doctype.meta import DocTypeMeta
from apps.lowcode.document import lifecycle
from apps.lowcode.document.service import ensure_can_or_403, get_document
from apps.lowcode.exceptions import ValidationError
from apps.lowcode.workflow import engine


def is_submittable(meta: DocTypeMeta) -> bool:
    """Frappe's ``is_submittable``: its active workflow has a submitted (docstatus 1) state."""
    workflow = engine.get_workflow(meta.doctype)
    return workflow is not None and any(state.docstatus_value == 1 for state in workflow.states.all())


def submit_document(user, meta: DocTypeMeta, name):
    _refuse(user, meta, name, docstatus=1, verb="提交")


def cancel_document(user, meta: DocTypeMeta, name):
    _refuse(user, meta, name, docstatus=2, verb="作废")


def refuse_unsaved(user, meta: DocTypeMeta, docstatus: int):
    """Desk's savedocs asked to submit (or cancel) a form never saved, which Frappe inserts and submits
    at once: refused as a saved document is, once the user may create one, and nothing is written."""
    verb = "提交" if docstatus == 1 else "作废"
    ensure_can_or_403(user, "create", meta)
    workflow = engine.get_workflow(meta.doctype)
    if workflow is None:
        raise ValidationError(f"“{meta.label}”不是可提交的单据类型，不能{verb}")
    raise ValidationError(
        f"“{meta.label}”由工作流“{workflow.name}”办理，不能直接{verb}；"
        f"请先保存，再使用工作流操作（frappe.model.workflow.apply_workflow）"
    )


def _refuse(user, meta: DocTypeMeta, name, docstatus: int, verb: str):
    doc = get_document(user, meta, name)  # out of scope: "does not exist", as every other door
    lifecycle.refuse_docstatus_change(user, meta, doc, docstatus, verb)
