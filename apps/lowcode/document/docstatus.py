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
from apps.lowcode.document.service import get_document
from apps.lowcode.workflow import engine


def is_submittable(meta: DocTypeMeta) -> bool:
    """Frappe's ``is_submittable``: its active workflow has a submitted (docstatus 1) state."""
    workflow = engine.get_workflow(meta.doctype)
    return workflow is not None and any(state.docstatus_value == 1 for state in workflow.states.all())


def submit_document(user, meta: DocTypeMeta, name):
    _refuse(user, meta, name, docstatus=1, verb="提交")


def cancel_document(user, meta: DocTypeMeta, name):
    _refuse(user, meta, name, docstatus=2, verb="作废")


def _refuse(user, meta: DocTypeMeta, name, docstatus: int, verb: str):
    doc = get_document(user, meta, name)  # out of scope: "does not exist", as every other door
    lifecycle.refuse_docstatus_change(user, meta, doc, docstatus, verb)
