"""The ``User`` documents Frappe's clients read (``/api/resource/User/<name>``, ``frappe.client.get``).

Accounts are Django's users, managed in the admin; the API shows them as Frappe's User document, read
only. As in Frappe, everyone may read their own record (a client checks who logged in and with which
roles); other accounts only a user who may view users in the admin. Someone else's account answers "does
not exist", as every out-of-scope record does. No password, API key or secret is ever part of it.
"""

from django.conf import settings
from django.contrib.auth import get_user_model

from apps.lowcode.api.params import fields_and_page, text_param
from apps.lowcode.doctype.serialize import format_value
from apps.lowcode.exceptions import DataError, DoesNotExistError, PermissionError, ValidationError

DOCTYPE = "User"
READ_ONLY = "用户账号请在后台“用户”中管理，不能通过接口修改"


def _sees_everyone(user) -> bool:
    return user.has_perm("auth.view_user")


def _readable(user):
    accounts = get_user_model().objects.order_by("username")
    return accounts if _sees_everyone(user) else accounts.filter(pk=user.pk)


def _document(account) -> dict:
    username = account.get_username()
    roles = account.groups.order_by("pk").values_list("name", flat=True)
    return {
        "doctype": DOCTYPE,
        "name": username,
        "owner": None,
        "creation": format_value(account.date_joined),
        "modified": format_value(account.date_joined),
        "docstatus": 0,
        "username": username,
        "email": account.email or "",
        "first_name": account.first_name or username,
        "last_name": account.last_name or "",
        "full_name": account.get_full_name() or username,
        "enabled": int(account.is_active),
        # Frappe's System User may use the desk (here: the admin); the others use the workbench.
        "user_type": "System User" if account.is_staff else "Website User",
        "user_image": None,
        "language": "zh",
        "time_zone": settings.TIME_ZONE,
        "last_login": format_value(account.last_login) if account.last_login else None,
        "roles": [
            {
                "doctype": "Has Role",
                "parent": username,
                "parentfield": "roles",
                "parenttype": DOCTYPE,
                "idx": i,
                "role": r,
            }
            for i, r in enumerate(roles, start=1)
        ],
    }


def get_user_doc(user, name) -> dict:
    name = text_param(name, "name")
    account = _readable(user).filter(username=name).first()
    if account is None:
        raise DoesNotExistError(f"用户 {name} 不存在")
    return _document(account)


def list_user_docs(user, params) -> list[dict]:
    """The accounts the user may read, with the fields asked for (``name`` unless told; ``*`` for all)."""
    fields, page = fields_and_page(params)
    rows = [_document(account) for account in _readable(user)[page]]
    if fields in (["*"], "*"):
        return [{k: v for k, v in row.items() if k != "roles"} for row in rows]
    unknown = [field for field in fields if field not in _document(user)]
    if unknown:
        raise DataError(f"用户没有字段 {unknown[0][:100]}")
    return [{field: row[field] for field in fields} for row in rows]


def get_user_value(user, fields: list[str], filters) -> dict:
    """frappe.client.get_value on User (a client asking an account's ``full_name`` or ``email``): by the
    account's name (``filters`` a name or ``{"name": …}``), or, with no filters, the caller's own."""
    if filters is None:
        name = user.get_username()
    elif isinstance(filters, dict) and set(filters) == {"name"} and isinstance(filters["name"], str | int):
        name = str(filters["name"])
    else:
        raise ValidationError("用户只能按账号名（name）读取")
    doc = get_user_doc(user, name)
    unknown = [field for field in fields if field not in doc]
    if unknown:
        raise DataError(f"用户没有字段 {unknown[0][:100]}")
    return {field: doc[field] for field in fields}


def refuse_write():
    raise PermissionError(READ_ONLY)
