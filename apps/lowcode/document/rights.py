"""What a user may do to one document: Frappe's ``get_doc_permissions``.

The answer combines the role permissions of the doctype, the record scope
(the document was found through it), the workflow's edit rights in the
document's current state and the transitions the user may take now, so a
client can grey out exactly what the server would refuse.
"""

from apps.lowcode.doctype.meta import DocTypeMeta
from apps.lowcode.document.service import get_document
from apps.lowcode.exceptions import DoesNotExistError, PermissionError, ValidationError
from apps.lowcode.permissions import can
from apps.lowcode.workflow import engine

# Frappe's permission types, in its order.
RIGHTS = (
    "select",
    "read",
    "write",
    "create",
    "delete",
    "submit",
    "cancel",
    "amend",
    "print",
    "email",
    "report",
    "import",
    "export",
    "share",
)


def doc_permissions(user, meta: DocTypeMeta, obj) -> dict[str, int]:
    """{right: 0/1} for ``obj``, which the caller loaded through get_document (so it is in scope)."""
    edit = engine.edit_rights(user, obj)
    return _flags(
        user,
        meta,
        write=edit.allowed,
        delete=engine.delete_refusal(user, obj) is None,
        moves=_docstatus_moves(user, obj),
    )


def doctype_permissions(user, meta: DocTypeMeta) -> dict[str, int]:
    """{right: 0/1} for the doctype as a whole (Frappe's has_permission without a document): the role
    permissions; submit and cancel when a workflow transition the user's roles may take leads there."""
    moves = set()
    workflow = engine.get_workflow(meta.doctype)
    if workflow is not None:
        docstatus_of = {state.state: state.docstatus_value for state in workflow.states.all()}
        for transition in workflow.transitions.all():
            if engine.has_any_role(user, transition.allowed_roles()) and docstatus_of.get(
                transition.next_state
            ) != docstatus_of.get(transition.state):
                moves.add(docstatus_of.get(transition.next_state))
    return _flags(user, meta, write=True, delete=True, moves=moves)


def _flags(user, meta: DocTypeMeta, *, write: bool, delete: bool, moves: set[int]) -> dict[str, int]:
    """{right: 0/1} from the role permissions, narrowed by what the document's state allows (``write``,
    ``delete``) and the docstatus values the user's transitions lead to (``moves``)."""
    read = can(user, "read", meta.model)
    writable = getattr(meta.model, "writable_as_resource", True)
    creatable = writable and can(user, "create", meta.model)
    rights = {
        "select": read,
        "read": read,
        "write": read and writable and can(user, "write", meta.model) and write,
        "create": creatable,
        "delete": read and writable and can(user, "delete", meta.model) and delete,
        "submit": read and 1 in moves,
        "cancel": read and 2 in moves,
        "amend": False,
        "print": read,
        "email": False,
        "report": read,
        "import": creatable,
        "export": read,
        "share": False,
    }
    return {right: int(bool(rights[right])) for right in RIGHTS}


def _docstatus_moves(user, obj) -> set[int]:
    """The docstatus values the transitions the user may take now lead to, where they change it."""
    workflow = engine.workflow_of(obj)
    if workflow is None:
        return set()
    found = set()
    for transition in engine.get_transitions(user, obj, workflow):
        state = engine.get_state(workflow, transition.next_state)
        if state is not None and state.docstatus_value != obj.docstatus:
            found.add(state.docstatus_value)
    return found


def has_permission(user, meta: DocTypeMeta, name, ptype: str = "read") -> bool:
    """Frappe's ``has_permission(doctype, ptype, docname)``: False also for a record the user cannot see;
    without a name (None), the right on the doctype (may this user create one?)."""
    if not isinstance(ptype, str) or ptype.lower() not in RIGHTS:
        raise ValidationError(f"参数 perm_type 应为以下之一：{'、'.join(RIGHTS)}")
    if name is None:
        return bool(doctype_permissions(user, meta)[ptype.lower()])
    try:
        obj = get_document(user, meta, name)
    except (DoesNotExistError, PermissionError):
        return False
    return bool(doc_permissions(user, meta, obj)[ptype.lower()])
