"""What Desk-style clients (Frappe's Desk, frappe-ui) call to load a form and run a document's methods.

``frappe.desk.form.load.getdoc`` answers ``{"docs": [doc], "docinfo": {...}}``
(and ``{"message": []}`` for a document that does not exist or that the user
cannot see, as Frappe); ``getdoctype`` answers ``{"docs": [DocType, child
DocTypes…], "user_settings": "{}"}``; ``run_doc_method`` (also ``runserverobj``)
runs a method the doctype declares and answers ``{"docs": [doc], "message": result}``.
The form's saves (``frappe.desk.form.save.savedocs``) are in :mod:`apps.lowcode.api.desk_form`.
"""

from apps.lowcode.api import docinfo
from apps.lowcode.api.client_methods import WHOLE_BODY, get_count, list_query
from apps.lowcode.api.params import bool_param, dict_param, json_param, text_param
from apps.lowcode.doctype.events import run_doc_event
from apps.lowcode.doctype.meta import get_meta
from apps.lowcode.doctype.meta_doc import meta_bundle
from apps.lowcode.doctype.serialize import doc_to_dict
from apps.lowcode.document import docstatus
from apps.lowcode.document.batch import client_doc
from apps.lowcode.document.doc_methods import run_doc_method as run_method
from apps.lowcode.document.service import ensure_readable, get_document, meta_for
from apps.lowcode.exceptions import DoesNotExistError, PermissionError, ValidationError
from apps.lowcode.permissions import can
from apps.lowcode.whitelist import FullResponse, whitelist


@whitelist("frappe.desk.form.load.getdoc", response_content=WHOLE_BODY)
def getdoc(request, doctype, name, user=None, **_):
    """表单用：单据及其附件、修改记录、工作流日志与你的权限"""
    if not doctype or not name:
        raise ValidationError("请提供 doctype 和 name")
    meta = meta_for(doctype)
    try:
        doc = get_document(request.user, meta, text_param(name, "name"))
    except DoesNotExistError:
        return []  # Frappe's answer for a missing document: nothing, and no message
    return FullResponse(
        docs=[form_data(request.user, meta, doc)], docinfo=docinfo.get_docinfo(request.user, meta, doc), _link_titles={}
    )


def form_data(user, meta, doc) -> dict:
    """The document as a form loads it (Frappe's run_onload): its fields and ``__onload``, what the form
    shows besides them (a deadline, reminders)."""
    data = doc_to_dict(doc, meta)
    onload = {}
    run_doc_event(doc, "onload", user=user, onload=onload)
    if onload:
        data["__onload"] = onload
    return data


def _parents_of(meta) -> list:
    from apps.lowcode.doctype import doctype_registry

    return [
        get_meta(dt) for dt in doctype_registry if any(t.doctype == meta.doctype for t in get_meta(dt).tables.values())
    ]


@whitelist("frappe.desk.form.load.getdoctype", response_content=WHOLE_BODY)
def getdoctype(request, doctype, with_parent=False, cached_timestamp=None, **_):
    """表单用：单据类型的字段定义（含子表的单据类型）"""
    meta = meta_for(doctype)
    response = FullResponse()
    target = meta
    if meta.istable:
        parents = [p for p in _parents_of(meta) if can(request.user, "read", p.model)]
        if not parents:
            raise PermissionError(f"没有查看“{meta.label}”的权限")
        if bool_param(with_parent, "with_parent"):
            target = parents[0]
            response["parent_dt"] = target.doctype
    else:
        ensure_readable(request.user, meta)
    response["docs"] = meta_bundle(target, docstatus.is_submittable)
    response["user_settings"] = "{}"
    return response


@whitelist("run_doc_method", response_content=WHOLE_BODY)
def run_doc_method(request, method, docs=None, dt=None, dn=None, arg=None, args=None, **_):
    """调用单据类型开放的方法（docs 为单据，或 dt、dn 为单据类型和编号；args 为方法参数）"""
    if not isinstance(method, str):
        raise ValidationError("参数 method 应为文本")
    args = args if args not in (None, "") else arg
    args = json_param(args, "args") if args not in (None, "") else None
    if dt:
        meta, name, seen = meta_for(dt), text_param(dn, "dn"), None
    else:
        data = client_doc(dict_param(docs, "docs"))
        meta = meta_for(data.get("doctype"))
        name, seen = text_param(data.get("name"), "docs.name"), data.get("modified")
    doc, result = run_method(request.user, meta, name, method, args, seen, request.method)
    response = FullResponse(docs=[doc_to_dict(get_document(request.user, meta, doc.name), meta)])
    if result is not None:
        response["message"] = result
    return response


# Frappe's older names for the same call.
whitelist("runserverobj", response_content=WHOLE_BODY)(run_doc_method)
whitelist("frappe.handler.run_doc_method", response_content=WHOLE_BODY)(run_doc_method)


def desk_list_query(request, doctype, args: dict):
    """The desk's list read, as get_list's: its parent doctype is ``parent`` or ``parent_doctype``, its page
    ``limit_start`` or ``start`` and ``limit_page_length``, ``page_length`` or ``limit``, the first one given."""
    parent = args.get("parent") if args.get("parent") is not None else args.get("parent_doctype")
    start = args.get("limit_start") if args.get("limit_start") is not None else args.get("start")
    length = next((args[k] for k in ("limit_page_length", "page_length", "limit") if args.get(k) is not None), None)
    return list_query(request.user, doctype, {**args, "parent": parent}, start, length)


@whitelist("frappe.desk.reportview.get")
def reportview_get(
    request,
    doctype,
    fields=None,
    filters=None,
    or_filters=None,
    order_by=None,
    group_by=None,
    start=None,
    page_length=None,
    limit_start=None,
    limit_page_length=None,
    parent=None,
    parent_doctype=None,
    **_,
):
    """The desk's list view: the same query as get_list, answered compressed as {"keys": [...], "values": [[...]]}.
    A child doctype's rows take their parent doctype as ``parent_doctype`` (DatabaseQuery's name) or ``parent``."""
    query, rows = desk_list_query(request, doctype, locals())
    return {"keys": query.fields, "values": [[row[key] for key in query.fields] for row in rows]}


@whitelist("frappe.desk.reportview.get_count")
def reportview_get_count(request, doctype, filters=None, or_filters=None, parent=None, parent_doctype=None, **_):
    """The desk's list count: the same as frappe.client.get_count."""
    parent = parent if parent is not None else parent_doctype
    return get_count(request, doctype, filters=filters, or_filters=or_filters, parent=parent)
