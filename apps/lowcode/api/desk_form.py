"""What Desk-style clients and Frappe's mobile app call to save a form and move around a list.

``frappe.desk.form.save.savedocs`` saves a whole form (``action`` Save,
Submit, Update or Cancel) and answers ``{"docs": [doc], "docinfo": {...}}``
as Frappe does; ``frappe.desk.form.save.cancel`` cancels. Saving goes
through the same save_document as frappe.client.save and the resource
routes; submitting and cancelling through the same docstatus rules as
frappe.client.submit and frappe.client.cancel, which point a document run
by a workflow to its workflow actions. ``frappe.desk.reportview.delete_items``
deletes each document through delete_document; ``get_next`` and ``get_list``
read through the list query every list reads through.
"""

from dataclasses import replace

from apps.lowcode.api import docinfo
from apps.lowcode.api.client_methods import WHOLE_BODY, WRITE, first_row, form_doc, list_query, save_form_doc
from apps.lowcode.api.desk_methods import desk_list_query, form_data
from apps.lowcode.api.params import bool_param, dict_param, list_param, text_param
from apps.lowcode.document import batch, docstatus
from apps.lowcode.document.query import condition, parse_list_query
from apps.lowcode.document.service import (
    delete_document,
    ensure_can_or_403,
    ensure_readable,
    get_document,
    list_documents,
    meta_for,
)
from apps.lowcode.exceptions import DoesNotExistError, FrappeError, PermissionError, ValidationError
from apps.lowcode.whitelist import FullResponse, ReturnWithMessages, server_messages, whitelist

# Frappe's savedocs actions and the docstatus each asks for.
ACTIONS = {"Save": 0, "Submit": 1, "Update": 1, "Cancel": 2}


def _form_response(user, meta, name, message: str, localname=None) -> FullResponse:
    """Frappe's send_updated_docs: the document as the form loads it, its docinfo, and an alert."""
    doc = get_document(user, meta, name)
    data = form_data(user, meta, doc)
    if localname is not None:
        data["localname"] = localname  # the placeholder the form had, so the client can follow the new name
    return FullResponse(
        docs=[data], docinfo=docinfo.get_docinfo(user, meta, doc), _server_messages=server_messages(message, "green")
    )


@whitelist("frappe.desk.form.save.savedocs", methods=WRITE, response_content=WHOLE_BODY)
def savedocs(request, doc, action, **_):
    """保存表单（action：Save 保存、Update 修改已提交的单据；由工作流办理的单据以工作流操作提交与作废）"""
    if not isinstance(action, str) or action not in ACTIONS:
        raise ValidationError("参数 action 应为 Save、Submit、Update 或 Cancel")
    meta, data, name = form_doc(doc, local_name=True)
    user = request.user
    wanted = ACTIONS[action]
    if name is None and wanted:
        docstatus.refuse_unsaved(user, meta, wanted)
    # Both refuse, always (docstatus.py): a bare submit or cancel would pass over the workflow's choices.
    if action == "Submit" or (action == "Update" and get_document(user, meta, name).docstatus == 0):
        # Update of a draft is a submission in Frappe (docstatus 0 to 1): the same refusal as frappe.client.submit.
        docstatus.submit_document(user, meta, name)
    if action == "Cancel":
        docstatus.cancel_document(user, meta, name)
    saved = save_form_doc(user, meta, data, name)
    placeholder = dict_param(doc, "doc").get("name") if name is None else None
    return _form_response(user, meta, saved.name, "已保存", localname=placeholder)


@whitelist("frappe.desk.form.save.cancel", methods=WRITE)
def cancel(request, doctype, name, workflow_state_fieldname=None, workflow_state=None, **_):
    """作废单据：由工作流办理的单据须通过工作流操作（apply_workflow）作废"""
    docstatus.cancel_document(request.user, meta_for(doctype), text_param(name, "name"))


@whitelist("frappe.desk.form.load.get_docinfo", response_content=WHOLE_BODY)
def get_docinfo(request, doctype, name, **_):
    """表单旁的信息：附件、修改记录、工作流日志与你的权限（答复为 {"docinfo": {...}}）"""
    meta = meta_for(doctype)
    doc = get_document(request.user, meta, text_param(name, "name"))
    return FullResponse(docinfo=docinfo.get_docinfo(request.user, meta, doc))


@whitelist("frappe.desk.form.utils.get_next")
def get_next(request, doctype, value, prev=0, filters=None, sort_order="desc", sort_field="creation", **_):
    """列表中的上一张或下一张单据（prev=1 为上一张）：按 sort_field 与 sort_order 排序，在你的数据权限范围内"""
    meta = meta_for(doctype)
    if not isinstance(sort_order, str) or sort_order.lower() not in ("asc", "desc"):
        raise ValidationError("参数 sort_order 应为 asc 或 desc")
    if not isinstance(sort_field, str) or not sort_field.strip():
        raise ValidationError("参数 sort_field 应为字段名")
    ascending = sort_order.lower() == "asc"
    if bool_param(prev, "prev"):
        ascending = not ascending
    current, _keys = first_row(request, meta, [sort_field], {"name": text_param(value, "value")})
    if current is None:
        raise DoesNotExistError(f"{meta.label} {value} 不存在")
    query = parse_list_query(
        meta,
        {
            "filters": filters,
            "fields": '["name"]',
            "order_by": f"{sort_field} {'asc' if ascending else 'desc'}",
            "limit_page_length": 1,
        },
    )
    beyond = condition(meta, [sort_field, ">" if ascending else "<", current[sort_field]])
    rows = list_documents(request.user, meta, replace(query, filters=query.filters & beyond))
    if not rows:
        return ReturnWithMessages(None, _server_messages=server_messages("没有更多记录了", "blue"))
    return rows[0]["name"]


@whitelist("frappe.desk.form.utils.remove_attach", methods=("POST", "DELETE"))
def remove_attach(request, fid, dt=None, dn=None, **_):
    """删除单据的一个附件（fid 为附件编号；dt、dn 为其所属单据类型和编号）"""
    meta = meta_for("File")
    fid = text_param(fid, "fid")
    if dt not in (None, "") or dn not in (None, ""):
        file = get_document(request.user, meta, fid)
        if (file.attached_to_doctype, file.attached_to_name) != (dt, dn):
            raise DoesNotExistError(f"{meta.label} {fid} 不是 {dt} {dn} 的附件")
    delete_document(request.user, meta, fid)


@whitelist("frappe.desk.reportview.get_list")
def reportview_get_list(
    request,
    doctype,
    fields=None,
    filters=None,
    or_filters=None,
    order_by=None,
    group_by=None,
    start=None,
    page_length=None,
    limit=None,
    limit_start=None,
    limit_page_length=None,
    parent=None,
    parent_doctype=None,
    **_,
):
    """列表视图的行（与 frappe.desk.reportview.get 相同的查询，不压缩）"""
    _query, rows = desk_list_query(request, doctype, locals())
    return rows


@whitelist("frappe.desk.reportview.delete_items", methods=("POST", "PUT", "DELETE"))
def delete_items(request, items, doctype, **_):
    """批量删除单据（items 为单据编号列表，最多 200 张）：逐张删除，返回未能删除的单据编号"""
    meta = meta_for(doctype)
    names = list_param(items, "items")
    if len(names) > batch.MAX_DOCS:
        raise ValidationError(f"一次最多处理 {batch.MAX_DOCS} 张单据")
    if meta.istable:
        raise PermissionError(f"{meta.doctype} 是子表，请通过其上级单据修改")
    ensure_can_or_403(request.user, "delete", meta)
    pending = sorted({text_param(name, "items") for name in names}, reverse=True)
    count = len(pending)
    while True:  # again while some went: a document may have been held by another of the list
        failed = {}
        for name in pending:
            try:
                delete_document(request.user, meta, name)
            except FrappeError as exc:
                failed[name] = exc.message
        if not failed or len(failed) == len(pending):
            break
        pending = list(failed)
    if not failed:
        return ReturnWithMessages([], _server_messages=server_messages(f"已删除 {count} 张{meta.label}", "green"))
    reasons = "；".join(f"{name}：{message}" for name, message in failed.items())
    return ReturnWithMessages(
        list(failed), _server_messages=server_messages(f"{len(failed)} 张{meta.label}未能删除：{reasons}", "red")
    )


@whitelist("frappe.desk.listview.get_group_by_count")
def get_group_by_count(request, doctype, current_filters=None, field=None, **_):
    """列表侧栏的分组计数：符合 current_filters 的单据按 field 分组的数量（[{"count": 数量, "name": 值}]，最多 50 组）"""
    if not isinstance(field, str) or not field.strip():
        raise ValidationError("参数 field 应为字段名")
    if field == "assigned_to":
        ensure_readable(request.user, meta_for(doctype))
        return []  # Frappe counts the open assignments (ToDo): this system assigns nothing
    params = {
        "filters": current_filters,
        "fields": ["count(*) as count", f"{field} as name"],
        "group_by": field,
        "order_by": "count desc",
    }
    _query, rows = list_query(request.user, doctype, params, 0, 50)
    return rows
