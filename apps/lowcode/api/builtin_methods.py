"""The Frappe methods outside frappe.client: login, session, API keys, uploads."""

from django.contrib.auth import authenticate, get_user_model, login, logout

from apps.lowcode.auth import api_key, lockout
from apps.lowcode.auth.client_address import client_address
from apps.lowcode.doctype.serialize import doc_to_dict
from apps.lowcode.document.service import (
    meta_for,
)
from apps.lowcode.exceptions import (
    AuthenticationError,
    DoesNotExistError,
    PermissionError,
    TooManyRequestsError,
    ValidationError,
)
from apps.lowcode.roles.desk import workbench_url
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
    # Frappe sends system users to the Desk and website users elsewhere: here the admin, or the workbench for
    # users whose roles have no desk access (apps/lowcode/roles/desk.py).
    home_page = "/admin/" if user.is_staff else workbench_url()
    return FullResponse(message="Logged In", home_page=home_page, full_name=user.get_full_name() or user.username)


@whitelist("logout", methods=("GET", "POST"))
def logout_(request):
    logout(request)
    return None


@whitelist("frappe.auth.get_logged_user")
def get_logged_user(request):
    return request.user.get_username()


@whitelist("frappe.core.doctype.user.user.get_roles")
def get_roles(request, arg=None, **_):
    """The current user's roles by the names users read (a renamed role by its new name), as Frappe's get_roles."""
    return list(request.user.groups.order_by("pk").values_list("name", flat=True))


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
    """Frappe's upload: multipart ``file`` attached to ``doctype``/``docname``, or, without them, a file of
    the uploader's own (Frappe's Home folder), which only they can see until it is attached to a document
    (by its file_url in an Attach field)."""
    from apps.lowcode.file.attach import attach
    from apps.lowcode.file.upload import save_upload

    if not doctype and not docname:
        return doc_to_dict(save_upload(request.user, request.FILES.get("file"), "", ""))
    if not doctype or not docname:
        raise ValidationError("请同时指定附件所属的单据类型和单据编号（doctype 和 docname）")
    record = attach(request.user, meta_for(doctype), docname, request.FILES.get("file"), fieldname)
    return doc_to_dict(record)
