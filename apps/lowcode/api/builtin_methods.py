"""The Frappe methods every client expects: login, session, lists, counts, keys."""

from django.contrib.auth import authenticate, get_user_model, login, logout

from apps.lowcode.auth import api_key, lockout
from apps.lowcode.auth.client_address import client_address
from apps.lowcode.doctype.serialize import doc_to_dict
from apps.lowcode.document.query import filter_condition, parse_list_query
from apps.lowcode.document.service import (
    count_documents,
    get_document,
    list_documents,
    meta_for,
)
from apps.lowcode.exceptions import (
    AuthenticationError,
    DoesNotExistError,
    PermissionError,
    TooManyRequestsError,
    ValidationError,
)
from apps.lowcode.whitelist import FullResponse, whitelist


@whitelist("login", methods=("POST",), allow_guest=True)
def login_(request, usr, pwd, **_):
    if not isinstance(usr, str) or not isinstance(pwd, str):
        raise ValidationError("用户名和密码应为文本")
    address = client_address(request)
    until = lockout.locked_until(usr, address)
    if until is not None:
        raise TooManyRequestsError(lockout.message(until))
    user = authenticate(request, username=usr, password=pwd)  # the backend counts and locks
    if user is None:
        raise AuthenticationError("用户名或密码错误")
    login(request, user)
    return FullResponse(message="Logged In", home_page="/admin/", full_name=user.get_full_name() or user.username)


@whitelist("logout", methods=("GET", "POST"))
def logout_(request):
    logout(request)
    return None


@whitelist("frappe.auth.get_logged_user")
def get_logged_user(request):
    return request.user.get_username()


@whitelist("frappe.client.get_count")
def get_count(request, doctype, filters=None, or_filters=None, **_):
    meta = meta_for(doctype)
    return count_documents(request.user, meta, filter_condition(meta, {"filters": filters, "or_filters": or_filters}))


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
    **_,
):
    """Rows as frappe.get_list gives them; ``debug`` is accepted and ignored (no SQL is ever echoed)."""
    meta = meta_for(doctype)
    query = parse_list_query(
        meta,
        {
            "fields": fields,
            "filters": filters,
            "or_filters": or_filters,
            "order_by": order_by,
            "group_by": group_by,
            "limit_start": limit_start,
            "limit_page_length": limit_page_length if limit_page_length is not None else limit,
            "pluck": pluck,
        },
    )
    return list_documents(request.user, meta, query)


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
    **_,
):
    """The desk's list view: the same query as get_list, answered compressed as {"keys": [...], "values": [[...]]}."""
    meta = meta_for(doctype)
    query = parse_list_query(
        meta,
        {
            "fields": fields,
            "filters": filters,
            "or_filters": or_filters,
            "order_by": order_by,
            "group_by": group_by,
            "limit_start": limit_start if limit_start is not None else start,
            "limit_page_length": limit_page_length if limit_page_length is not None else page_length,
        },
    )
    rows = list_documents(request.user, meta, query)
    return {"keys": query.fields, "values": [[row[key] for key in query.fields] for row in rows]}


@whitelist("frappe.desk.reportview.get_count")
def reportview_get_count(request, doctype, filters=None, or_filters=None, **_):
    """The desk's list count: the same as frappe.client.get_count."""
    return get_count(request, doctype, filters=filters, or_filters=or_filters)


@whitelist("frappe.client.get")
def get(request, doctype, name=None, filters=None, **_):
    meta = meta_for(doctype)
    if name is None:
        if filters is None:
            raise ValidationError("请提供 name 或 filters")
        query = parse_list_query(meta, {"filters": filters, "fields": '["name"]', "limit_page_length": 1})
        rows = list_documents(request.user, meta, query)
        if not rows:
            raise DoesNotExistError(f"没有符合条件的{meta.label}")
        name = rows[0]["name"]
    return doc_to_dict(get_document(request.user, meta, name))


def _target_user(request, user):
    """Whose keys: your own, or anyone's for a user who may change users."""
    User = get_user_model()
    if user in (None, "", request.user.get_username()):
        return request.user
    if not request.user.has_perm("auth.change_user"):
        raise PermissionError("只能管理自己的 API 密钥")
    target = User.objects.filter(username=user).first()
    if target is None:
        raise DoesNotExistError(f"用户 {user} 不存在")
    return target


@whitelist("frappe.core.doctype.user.user.generate_keys", methods=("POST",))
def generate_keys(request, user=None):
    key, secret = api_key.generate_keys(_target_user(request, user))
    return {"api_key": key, "api_secret": secret}


@whitelist("lowcode.api.revoke_keys", methods=("POST",))
def revoke_keys(request, user=None):
    return {"revoked": api_key.revoke_keys(_target_user(request, user))}


@whitelist("upload_file", methods=("POST",))
def upload_file(request, doctype=None, docname=None, fieldname="", **_):
    """Frappe's upload: multipart ``file`` attached to ``doctype``/``docname``."""
    from apps.lowcode.file.attach import attach

    if not doctype or not docname:
        raise ValidationError("请指定附件所属的单据（doctype 和 docname）")
    record = attach(request.user, meta_for(doctype), docname, request.FILES.get("file"), fieldname)
    return doc_to_dict(record)
