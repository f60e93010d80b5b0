"""Frappe's ``frappe.client`` methods (v15) over /api/method, with the resource routes' rules.

``get_list``, ``get_count`` and ``get`` live with the other built-in methods
(builtin_methods); the rest are here. Each method only reads its parameters
the way Frappe does (JSON strings or JSON values, a name or filters) and
calls the document layer: reading through scope and role permissions,
writing through save_document, workflow moves only through the workflow
engine. Nothing here is a way around a rule.
"""

import base64
import binascii

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from apps.lowcode.api import doctype_docs, user_docs
from apps.lowcode.api.params import (
    bool_param,
    dict_param,
    fieldnames_param,
    filters_param,
    list_param,
    looks_like_json,
    text_param,
)
from apps.lowcode.doctype.serialize import doc_to_dict
from apps.lowcode.document import batch, docstatus, rename, rights
from apps.lowcode.document.children import delete_row, insert_document, set_values
from apps.lowcode.document.expand import expand_rows
from apps.lowcode.document.query import filter_condition, parse_list_query
from apps.lowcode.document.service import (
    count_documents,
    delete_document,
    ensure_readable,
    get_document,
    list_documents,
    meta_for,
    readable_rows,
    save_document,
    visible,
)
from apps.lowcode.exceptions import (
    DoesNotExistError,
    PermissionError,
    ValidationError,
)
from apps.lowcode.whitelist import FullResponse, whitelist

# An answer that is the whole body (FullResponse), without "message": described as any object.
WHOLE_BODY = {"application/json": {"schema": {"type": "object"}}}


def doc_ref(doc) -> tuple:
    """(meta, name) of a ``doc`` parameter that names a saved document."""
    data = batch.client_doc(dict_param(doc, "doc"))
    if (
        not isinstance(data.get("doctype"), str)
        or isinstance(data.get("name"), bool)
        or not isinstance(data.get("name"), str | int)
    ):
        raise ValidationError("参数 doc 须包含 doctype 和 name")
    return meta_for(data["doctype"]), str(data["name"]), data


# ------------------------------------------------------------------ reading


# The HTTP verbs Frappe v15 lets its writing frappe.client methods take (delete takes POST and DELETE).
WRITE = ("POST", "PUT")


@whitelist("frappe.client.get_count")
def get_count(request, doctype, filters=None, or_filters=None, parent=None, **_):
    meta = meta_for(doctype)
    condition = filter_condition(meta, {"filters": filters, "or_filters": or_filters})
    return count_documents(request.user, meta, condition, parent=parent)


@whitelist("frappe.client.get_list")
def get_list(
    request,
    doctype,
    fields=None,
    filters=None,
    or_filters=None,
    order_by=None,
    group_by=None,
    limit_start=None,
    limit_page_length=None,
    limit=None,
    pluck=None,
    parent=None,
    as_dict=True,
    expand=None,
    **_,
):
    """Rows as frappe.get_list gives them (lists of values with ``as_dict=0``); ``debug`` is accepted and
    ignored (no SQL is ever echoed). A child doctype's rows are listed with ``parent`` naming the parent
    doctype, as in Frappe. ``expand`` names Link fields among ``fields`` to answer as the linked documents."""
    page_length = limit_page_length if limit_page_length is not None else limit
    if doctype == doctype_docs.DOCTYPE:  # the doctypes as /api/resource/DocType lists them, to the same readers
        params = {"fields": fields, "filters": filters, "limit_start": limit_start, "limit_page_length": page_length}
        return doctype_docs.list_doctype_docs(request.user, {k: v for k, v in params.items() if v is not None})
    query, rows = list_query(request.user, doctype, locals(), limit_start, page_length)
    if expand not in (None, "") and query.pluck is None:
        wanted = [f for f in list_param(expand, "expand") if f in query.fields]
        expand_rows(request.user, meta_for(doctype), rows, wanted)
    if query.pluck is None and not bool_param(as_dict, "as_dict"):
        return [[row[field] for field in query.fields] for row in rows]
    return rows


LIST_PARAMETERS = ("fields", "filters", "or_filters", "order_by", "group_by", "pluck", "parent")


def list_query(user, doctype, params: dict, limit_start, limit_page_length):
    """The parsed query and the rows of a Frappe list call (frappe.client.get_list, the desk's
    frappe.desk.reportview.get): one reading of the list parameters in ``params`` and of the page,
    which each call names its own way (limit / page_length, start)."""
    meta = meta_for(doctype)
    chosen = {name: params.get(name) for name in LIST_PARAMETERS}
    query = parse_list_query(meta, {**chosen, "limit_start": limit_start, "limit_page_length": limit_page_length})
    return query, list_documents(user, meta, query)


@whitelist("frappe.client.get")
def get(request, doctype, name=None, filters=None, parent=None, **_):
    if doctype == doctype_docs.DOCTYPE and name is not None:  # a doctype's fields, as /api/resource/DocType/<name>
        return doctype_docs.get_doctype_doc(request.user, text_param(name, "name"))
    if doctype == user_docs.DOCTYPE and name is not None:  # an account, as /api/resource/User/<name>
        return user_docs.get_user_doc(request.user, name)
    meta = meta_for(doctype)
    if name is None:
        if filters is None:
            raise ValidationError("请提供 name 或 filters")
        query = parse_list_query(
            meta, {"filters": filters, "fields": '["name"]', "limit_page_length": 1, "parent": parent}
        )
        rows = list_documents(request.user, meta, query)
        if not rows:
            raise DoesNotExistError(f"没有符合条件的{meta.label}")
        name = rows[0]["name"]
    if meta.istable:  # a child row, read through its parent doctype as get_list reads it
        row = readable_rows(request.user, meta, parent).filter(name=text_param(name, "name")).first()
        if row is None:
            raise DoesNotExistError(f"{meta.label} {name} 不存在")
        return doc_to_dict(row, meta)
    return doc_to_dict(get_document(request.user, meta, name))


def first_row(request, meta, fields, filters, parent=None) -> tuple[dict | None, list[str]]:
    """The first matching row the user may see (Frappe's get_value order: newest first), and its keys."""
    query = parse_list_query(meta, {"fields": fields, "filters": filters, "limit_page_length": 1, "parent": parent})
    rows = list_documents(request.user, meta, query)
    return (rows[0], query.fields) if rows else (None, query.fields)


@whitelist("frappe.client.get_value")
def get_value(request, doctype, fieldname, filters=None, as_dict=True, debug=False, parent=None, **_):
    """单据的一个或几个字段值（filters 为单据编号、条件对象或条件列表；as_dict=0 时只返回值）"""
    fields = fieldnames_param(fieldname)
    if doctype == user_docs.DOCTYPE:  # an account's name or email, as /api/resource/User/<name> shows it
        row = user_docs.get_user_value(request.user, fields, filters_param(filters))
        return row if bool_param(as_dict, "as_dict") else (list(row.values()) if len(fields) > 1 else row[fields[0]])
    meta = meta_for(doctype)
    row, keys = first_row(request, meta, fields, filters_param(filters), parent)
    if bool_param(as_dict, "as_dict"):
        return row or {}
    if row is None:
        return None
    return [row[key] for key in keys] if len(fields) > 1 or len(keys) > 1 else row[keys[0]]


@whitelist("frappe.client.get_single_value")
def get_single_value(request, doctype, field, **_):
    """单例（Single）单据的字段值；本系统没有单例单据类型"""
    meta = meta_for(doctype)
    ensure_readable(request.user, meta)
    if not isinstance(field, str) or field not in meta.fields:
        raise DoesNotExistError(f"字段 {str(field)[:100]} 在 {meta.doctype} 中不存在")
    raise ValidationError(f"{meta.doctype} 不是单例（Single）单据类型，请用 frappe.client.get_value 按编号读取")


@whitelist("frappe.client.validate_link")
def validate_link(request, doctype, docname, fields=None, **_):
    """检查链接的单据是否存在（在你的数据权限范围内）；存在时一并返回 fields 所列字段"""
    if not isinstance(doctype, str):
        raise ValidationError("参数 doctype 应为文本")
    if not isinstance(docname, str):
        raise ValidationError("参数 docname 应为文本")
    meta = meta_for(doctype)
    ensure_readable(request.user, meta)
    name = visible(request.user, meta).filter(name=docname).values_list("name", flat=True).first()
    values = {"name": name}
    if name is None or not fields or fields == "[]":
        return values
    row, _keys = first_row(request, meta, fieldnames_param(fields), {"name": name})
    values.update(row or {})
    return values


@whitelist("frappe.client.has_permission")
def has_permission(request, doctype, docname=None, perm_type="read", **_):
    """你对某张单据（不指定 docname 时为该单据类型）是否有某项权限（read、write、create、delete、submit、cancel…）"""
    name = None if docname in (None, "") else text_param(docname, "docname")  # none: the doctype's right
    return {"has_permission": rights.has_permission(request.user, meta_for(doctype), name, perm_type)}


@whitelist("frappe.client.get_doc_permissions")
def get_doc_permissions(request, doctype, docname, **_):
    """你对某张单据的各项权限（含数据权限范围与工作流当前状态的修改权限）"""
    meta = meta_for(doctype)
    doc = get_document(request.user, meta, text_param(docname, "docname"))
    return {"permissions": rights.doc_permissions(request.user, meta, doc)}


@whitelist("frappe.client.is_document_amended")
def is_document_amended(request, doctype, docname, **_):
    """单据是否已被修订（本系统的单据不作修订，总是 false）"""
    ensure_readable(request.user, meta_for(doctype))
    return False


@whitelist("frappe.client.get_time_zone", allow_guest=True)
def get_time_zone(request, **_):
    return {"time_zone": settings.TIME_ZONE}


@whitelist("frappe.client.get_password")
def get_password(request, doctype, name, fieldname, **_):
    """密码字段的值（仅系统管理员；本系统的单据没有密码字段）"""
    if not request.user.is_superuser:
        raise PermissionError("只有系统管理员可以读取密码字段")
    meta = meta_for(doctype)
    get_document(request.user, meta, text_param(name, "name"))
    raise ValidationError(f"{meta.doctype} 没有密码字段 {str(fieldname)[:100]}")


# ------------------------------------------------------------------ writing


def _values(fieldname, value) -> dict:
    """Frappe's set_value: ``fieldname`` with ``value``, or a dict (or its JSON) of field: value."""
    if value is None or value == "":
        if isinstance(fieldname, dict):
            return fieldname
        if isinstance(fieldname, str) and looks_like_json(fieldname):
            return dict_param(fieldname, "fieldname")
        if isinstance(fieldname, str):
            return {fieldname: ""}  # Frappe: a field name without a value clears the field
        raise ValidationError("参数 fieldname 应为字段名或 {字段名: 值} 对象")
    if not isinstance(fieldname, str):
        raise ValidationError("参数 fieldname 应为字段名")
    return {fieldname: value}


@whitelist("frappe.client.set_value", methods=WRITE)
def set_value(request, doctype, name, fieldname, value=None, **_):
    """修改单据的一个或几个字段（fieldname 为字段名，或 {字段名: 值}）；子表行按其上级单据保存"""
    meta = meta_for(doctype)
    values = _values(fieldname, value)
    whole = value in (None, "") and not (isinstance(fieldname, str) and not looks_like_json(fieldname))
    return doc_to_dict(set_values(request.user, meta, text_param(name, "name"), values, whole=whole))


@whitelist("frappe.client.insert", methods=WRITE)
def insert(request, doc=None, **_):
    """新建单据；带 parent、parenttype、parentfield 的子表行追加到上级单据"""
    return doc_to_dict(insert_document(request.user, batch.client_doc(dict_param(doc, "doc"))))


@whitelist("frappe.client.insert_many", methods=WRITE)
def insert_many(request, docs=None, **_):
    """一次新建多张单据（最多 200 张），全部成功或全部不保存；返回单据编号列表"""
    return batch.insert_many(request.user, list_param(docs, "docs"))


def form_doc(doc, local_name: bool = False) -> tuple:
    """(meta, data, saved name or None) of a whole document a client sends; ``__islocal`` (or no name)
    marks one never saved. With ``local_name`` (Desk's savedocs, Frappe's set_local_name) its ``name`` is
    the form's placeholder (new-self-assessment-1), not a name to give it, and ``__newname`` is the name
    the user typed; frappe.client.save gives a new document the ``name`` it carries, as Frappe's insert."""
    raw = dict_param(doc, "doc")
    data = batch.client_doc(raw)
    meta = meta_for(data.get("doctype"))
    name = data.get("name")
    if raw.get("__islocal") or name in (None, ""):
        if local_name:
            data.pop("name", None)
            if raw.get("__newname") not in (None, ""):
                data["name"] = raw["__newname"]
        return meta, data, None
    return meta, data, text_param(name, "name")


def save_form_doc(user, meta, data: dict, name):
    """Create (``name`` None) or update the document, as every door saves one."""
    if name is None:
        return save_document(user, meta, data)
    return save_document(user, meta, data, name=name)


@whitelist("frappe.client.save", methods=WRITE)
def save(request, doc, **_):
    """保存单据（含 name 为修改，带 modified 时检查是否已被他人修改；无 name 或 __islocal 为新建）"""
    meta, data, name = form_doc(doc)
    return doc_to_dict(save_form_doc(request.user, meta, data, name))


@whitelist("frappe.client.bulk_update", methods=WRITE)
def bulk_update(request, docs, **_):
    """批量修改单据（每项含 doctype、docname 和要改的字段），逐张保存，返回失败的单据及原因"""
    return {"failed_docs": batch.bulk_update(request.user, list_param(docs, "docs"))}


@whitelist("frappe.client.delete", methods=("POST", "DELETE"), response_content=WHOLE_BODY)
def delete(request, doctype, name, **_):
    """删除单据；子表行从其上级单据中删除"""
    meta = meta_for(doctype)
    name = text_param(name, "name")
    if meta.istable:
        delete_row(request.user, meta, name)
    else:
        delete_document(request.user, meta, name)
    return FullResponse()  # Frappe answers a method that returns nothing with an empty body: {}


@whitelist("frappe.client.rename_doc", methods=WRITE)
def rename_doc(request, doctype, old_name, new_name, merge=False, **_):
    """重命名单据（仅允许重命名的单据类型），返回新名称；引用它的权限、日志、附件随之更新"""
    meta = meta_for(doctype)
    return rename.rename_document(request.user, meta, text_param(old_name, "old_name"), new_name, merge)


@whitelist("frappe.client.submit", methods=WRITE)
def submit(request, doc=None, doclist=None, **_):
    """提交单据：有工作流的单据须通过工作流操作（apply_workflow）提交（doclist 为 doc 的旧名）"""
    # The official frappe-client still sends the document as ``doclist`` (Frappe's name for it before v5).
    if doc is None:
        doc = doclist
    if doc is None:
        raise ValidationError("缺少参数 doc")
    meta, name, _data = doc_ref(doc)
    docstatus.submit_document(request.user, meta, name)


@whitelist("frappe.client.cancel", methods=WRITE)
def cancel(request, doctype, name, **_):
    """作废单据：有工作流的单据须通过工作流操作（apply_workflow）办理"""
    docstatus.cancel_document(request.user, meta_for(doctype), text_param(name, "name"))


@whitelist("frappe.client.attach_file", methods=WRITE)
def attach_file(
    request,
    filename=None,
    filedata=None,
    doctype=None,
    docname=None,
    folder=None,
    decode_base64=False,
    is_private=None,
    docfield=None,
    **_,
):
    """上传附件（filedata 为文件内容，decode_base64=1 时为 Base64）并挂到单据上"""
    from apps.lowcode.file.attach import attach

    if not doctype or not docname:
        raise ValidationError("请指定附件所属的单据（doctype 和 docname）")
    if not isinstance(filename, str) or not filename.strip() or not isinstance(filedata, str):
        raise ValidationError("请提供文件名 filename 和文件内容 filedata")
    if bool_param(decode_base64, "decode_base64"):
        try:
            content = base64.b64decode(
                filedata.split(",", 1)[-1] if filedata.startswith("data:") else filedata, validate=True
            )
        except (binascii.Error, ValueError):
            raise ValidationError("filedata 不是合法的 Base64 内容") from None
    else:
        content = filedata.encode()
    meta = meta_for(doctype)
    fieldname = docfield if isinstance(docfield, str) else ""
    if fieldname and (fieldname not in meta.fields or meta.fields[fieldname].fieldtype != "Attach"):
        raise ValidationError(f"{meta.doctype} 没有附件字段 {fieldname[:100]}")
    with transaction.atomic():  # the file and the field that shows it, or neither
        record = attach(
            request.user, meta, text_param(docname, "docname"), SimpleUploadedFile(filename, content), fieldname
        )
        if fieldname:
            set_values(request.user, meta, record.attached_to_name, {fieldname: record.file_url})
    return doc_to_dict(record)
