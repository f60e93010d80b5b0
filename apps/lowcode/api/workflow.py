"""Frappe's workflow methods (frappe.model.workflow.*) and the inbox, over /api/method."""

from apps.lowcode.api.params import dict_param, list_param
from apps.lowcode.doctype.serialize import doc_to_dict, format_value
from apps.lowcode.document.service import get_document, meta_for
from apps.lowcode.exceptions import ValidationError
from apps.lowcode.whitelist import ReturnWithMessages, server_messages, whitelist
from apps.lowcode.workflow import engine


def _doc_ref(value) -> dict:
    doc = dict_param(value, "doc")
    if not isinstance(doc.get("doctype"), str) or not isinstance(doc.get("name"), str | int):
        raise ValidationError("参数 doc 须包含 doctype 和 name")
    return doc


def _text(value, what: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError(f"参数 {what} 应为文本")
    return value


def transition_dict(transition) -> dict:
    return {
        "state": transition.state,
        "action": transition.action,
        "next_state": transition.next_state,
        "allowed": "\n".join(transition.allowed_roles()),
        "allow_self_approval": int(transition.allow_self_approval),
        "condition": transition.condition,
        "comment_required": int(transition.comment_required),
        "approvals_required": transition.approvals_required,
        "is_task": int(transition.is_task),
    }


@whitelist("frappe.model.workflow.get_transitions")
def get_transitions(request, doc, **_):
    """可执行的工作流操作（doc 为含 doctype、name 的 JSON）"""
    ref = _doc_ref(doc)
    obj = get_document(request.user, meta_for(ref["doctype"]), ref["name"])
    return [transition_dict(t) for t in engine.get_transitions(request.user, obj)]


@whitelist("frappe.model.workflow.apply_workflow", methods=("POST",))
def apply_workflow(request, doc, action, comment=None, **_):
    """执行工作流操作，返回更新后的单据；doc 中的 modified、workflow_state 用于检查是否已被他人办理"""
    ref = _doc_ref(doc)
    meta = meta_for(ref["doctype"])
    result = engine.apply_workflow(
        request.user,
        meta.model,
        str(ref["name"]),
        _text(action, "action"),
        _text(comment, "comment"),
        seen_modified=ref.get("modified"),
        seen_state=ref.get("workflow_state"),
    )
    # Frappe answers with the document; the outcome ("1/2 approvals recorded") goes with it as a message.
    return ReturnWithMessages(doc_to_dict(result.doc, meta), _server_messages=server_messages(result.message, "blue"))


@whitelist("frappe.model.workflow.bulk_workflow_approval", methods=("POST",))
def bulk_workflow_approval(request, docnames, doctype, action, comment=None, **_):
    """批量执行同一工作流操作；逐张办理，返回成功与失败的单据"""
    meta = meta_for(doctype)
    names = list_param(docnames, "docnames")
    if not all(isinstance(n, str | int) for n in names):
        raise ValidationError("参数 docnames 应为单据编号列表")
    result = engine.bulk_apply(
        request.user, meta.model, [str(n) for n in names], _text(action, "action"), _text(comment, "comment")
    )
    return {
        "succeeded": result.succeeded,
        "failed": [{"name": name, "message": message} for name, message in result.failed],
    }


@whitelist("frappe.model.workflow.get_common_transition_actions")
def get_common_transition_actions(request, docs, doctype, **_):
    """所选单据都可以执行的工作流操作（批量办理只提供这些）"""
    meta = meta_for(doctype)
    items = list_param(docs, "docs")
    names = [item.get("name") if isinstance(item, dict) else item for item in items]
    if not all(isinstance(n, str | int) for n in names):
        raise ValidationError("参数 docs 应为单据编号（或含 name 的单据）列表")
    return engine.common_actions(request.user, [get_document(request.user, meta, str(n)) for n in names])


@whitelist("lowcode.workflow.get_pending_documents")
def get_pending_documents(request, **_):
    """待我处理：我现在可以办理的单据及可执行的操作"""
    return [
        {
            "doctype": type(doc).doctype,
            "name": doc.name,
            "title": str(doc),
            "workflow_state": doc.workflow_state,
            "modified": format_value(doc.modified),
            "actions": [t.action for t in transitions],
        }
        for doc, transitions in engine.pending_documents(request.user)
    ]


@whitelist("lowcode.workflow.get_timeline")
def get_timeline(request, doctype, name, **_):
    """单据的办理记录与在各状态停留的时间；is_task 为 0 的记录是不计入待办的操作（例如提交人撤回，不是退回）"""
    obj = get_document(request.user, meta_for(doctype), _text(name, "name"))
    logs = engine.history(obj)
    taken_back = engine.not_task_moves(engine.workflow_of(obj))
    return {
        "log": [
            {
                "action": log.action,
                "from_state": log.from_state,
                "to_state": log.to_state,
                "moved": int(log.moved),
                "is_task": int((log.from_state, log.action, log.to_state) not in taken_back),
                "user": log.user.get_username() if log.user else None,
                "comment": log.comment,
                "creation": format_value(log.creation),
            }
            for log in logs
        ],
        "states": [
            {
                "state": v.state,
                "entered": format_value(v.entered),
                "left": format_value(v.left) if v.left else None,
                "seconds": int(v.duration.total_seconds()),
                "duration": engine.format_duration(v.duration),
            }
            for v in engine.state_visits(logs)
        ],
    }
