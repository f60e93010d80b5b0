"""The Frappe methods outside frappe.client: login, session, passwords, API keys, uploads."""

from django.conf import settings
from django.contrib.auth import authenticate, get_user_model, login, logout, update_session_auth_hash
from django.utils import timezone

from apps.lowcode.auth import api_key, lockout, password_reset
from apps.lowcode.auth.client_address import client_address
from apps.lowcode.auth.passwords import password_problems
from apps.lowcode.doctype import ChildDocument, doctype_registry
from apps.lowcode.doctype.serialize import doc_to_dict
from apps.lowcode.document.service import (
    meta_for,
)
from apps.lowcode.exceptions import (
    AuthenticationError,
    DoesNotExistError,
    LinkExpired,
    MethodNotAllowedError,
    PermissionError,
    TooManyRequestsError,
    ValidationError,
)
from apps.lowcode.jobs import enqueue
from apps.lowcode.permissions import can
from apps.lowcode.roles import roles_phrase
from apps.lowcode.roles.desk import home_page
from apps.lowcode.website import site
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
    return FullResponse(message="Logged In", home_page=home_page(user), full_name=user.get_full_name() or user.username)


@whitelist("logout", methods=("GET", "POST"))
def logout_(request):
    logout(request)
    return None


@whitelist("frappe.core.doctype.user.user.reset_password", methods=("POST",), allow_guest=True)
def reset_password(request, user, **_):
    """Email a one-time link to set a new password; the same answer whether or not the account exists."""
    if not isinstance(user, str) or not user.strip():
        raise ValidationError("请输入账号或邮箱")
    if password_reset.over_limit(user, client_address(request)):
        raise TooManyRequestsError(password_reset.TOO_MANY)
    account = password_reset.find_user(user)
    if account is not None:  # a job: the answer takes as long whether or not the account exists
        page_url = request.build_absolute_uri(settings.PASSWORD_RESET_PAGE)
        enqueue(password_reset.send_link_job, account.pk, page_url, site.site_name(), site.footer())
    return password_reset.SENT


@whitelist("frappe.core.doctype.user.user.update_password", methods=("POST",), allow_guest=True)
def update_password(request, new_password, logout_all_sessions=0, key=None, old_password=None, **_):
    """Set a new password with a reset link's key, or, logged in, with the old password; answers the home page.

    Every other session of the user ends (Django's session hash holds the password's); the one that
    changed it stays logged in unless ``logout_all_sessions``. API keys are left as they are.
    """
    if not isinstance(new_password, str) or not new_password:
        raise ValidationError("请输入新密码")
    address = client_address(request)
    if key:
        user = password_reset.user_for_key(key)
        if user is None:
            raise LinkExpired(password_reset.INVALID_KEY)
    elif request.user.is_authenticated and old_password is not None:
        if not isinstance(old_password, str):
            raise ValidationError("原密码应为文本")
        username = request.user.get_username()
        until = lockout.locked_until(username, address)
        if until is not None:
            raise TooManyRequestsError(lockout.message(until))
        user = authenticate(request, username=username, password=old_password)  # counts toward the lockout
        if user is None:  # not a 401: the session is fine, and clients take 401 for "log in again"
            raise ValidationError("原密码不正确")
    elif request.user.is_authenticated:
        raise ValidationError("请输入原密码")
    else:
        raise AuthenticationError("请通过邮件中的重置密码链接设置新密码，或登录后修改密码")
    problems = password_problems(new_password, user)
    if problems:
        raise ValidationError(problems)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    lockout.clear(user.get_username(), address)
    if request.user.is_authenticated and request.user.pk == user.pk:
        if str(logout_all_sessions).strip().lower() in ("1", "true"):
            logout(request)
        else:
            update_session_auth_hash(request, user)
    return home_page(user)  # as login answers it


@whitelist("frappe.auth.get_logged_user")
def get_logged_user(request):
    return request.user.get_username()


@whitelist("frappe.sessions.get")
def session_boot(request, **_):
    """你的会话信息（Frappe 的 bootinfo 中客户端常用的部分）：用户、角色、可操作的单据类型与系统默认设置"""
    user = request.user
    name = user.get_username()
    full_name = user.get_full_name() or name
    abilities = {action: [] for action in ("read", "create", "write", "delete")}
    for doctype, model in sorted(doctype_registry.items()):
        if issubclass(model, ChildDocument):
            continue  # a child table is read and written through its parent, as in Frappe
        for action, doctypes in abilities.items():
            if can(user, action, model):
                doctypes.append(doctype)
    return {
        "user": {
            "name": name,
            "full_name": full_name,
            "email": user.email,
            "roles": get_roles(request),
            **{f"can_{action}": doctypes for action, doctypes in abilities.items()},
            "defaults": {},
        },
        "user_info": {name: {"name": name, "fullname": full_name, "email": user.email, "image": None}},
        "sysdefaults": system_defaults(),
        "lang": "zh",
        "time_zone": {"system": settings.TIME_ZONE, "user": settings.TIME_ZONE},
        "server_date": timezone.localdate().isoformat(),
        "home_page": home_page(user),
        "notes": [],
    }


def system_defaults() -> dict:
    """Frappe's System Settings a client formats with: one time zone, Chinese, ISO dates."""
    return {
        "time_zone": settings.TIME_ZONE,
        "language": "zh",
        "date_format": "yyyy-mm-dd",
        "time_format": "HH:mm:ss",
        "first_day_of_the_week": "Monday",
        "currency": "CNY",
    }


@whitelist("frappe.core.doctype.system_settings.system_settings.load")
def load_system_settings(request, **_):
    """系统设置（仅可修改网站设置的角色，如 Frappe 仅限系统管理员）：时区与日期、时间格式等默认值"""
    # Frappe's System Manager: here whoever may change the site's settings, as the admin decides it.
    permission = "lowcode.change_websitesettings"
    if not request.user.has_perm(permission):
        raise PermissionError(f"只有{roles_phrase(permission)}可以查看系统设置")
    return {"timezones": [settings.TIME_ZONE], "defaults": system_defaults()}


@whitelist("frappe.translate.load_all_translations", methods=("GET",), allow_guest=True)
def load_all_translations(request, lang=None, hash=None, app=None, **_):
    """Frappe's translation table for a frontend ({source text: translation}), answered as the whole body.

    Our interface is written in Chinese, not translated from English: there is nothing to translate, and
    a frappe-ui app (Frappe HR's translation plugin) gets the empty table it falls back from.
    """
    return FullResponse()


@whitelist("frappe.utils.telemetry.pulse.client.is_enabled")
def telemetry_enabled(request, **_):
    """frappe-ui's telemetry plugin asks whether to send usage events: never, this system sends none out."""
    return False


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


@whitelist("upload_file", methods=("GET", "POST"))
def upload_file(request, doctype=None, docname=None, fieldname="", file_url=None, **_):
    """Frappe's upload: multipart ``file`` (or the ``file_url`` of a file already here) attached to
    ``doctype``/``docname``, or, without them, a file of the uploader's own (Frappe's Home folder), which
    only they can see until it is attached to a document (by its file_url in an Attach field). Files are
    always private here: ``is_private``, ``folder`` and ``optimize`` are accepted and change nothing.

    Frappe takes the upload on any verb, and frappe-js-client's uploadFile sends its multipart body
    with GET (axios without a method). A GET carrying a multipart body is accepted: no browser sends
    one from another site. A GET without one is refused: a link or an image must not attach files."""
    from apps.lowcode.file.attach import attach
    from apps.lowcode.file.upload import existing_file, save_upload

    if request.method == "GET" and not (request.content_type or "").startswith("multipart/form-data"):
        raise MethodNotAllowedError("接口 upload_file 只接受 POST 请求，或带文件（multipart/form-data）的 GET 请求")

    upload = request.FILES.get("file")
    if upload is None and file_url not in (None, ""):
        upload = existing_file(request.user, file_url)
    if not doctype and not docname:
        return doc_to_dict(save_upload(request.user, upload, "", ""))
    if not doctype or not docname:
        raise ValidationError("请同时指定附件所属的单据类型和单据编号（doctype 和 docname）")
    record = attach(request.user, meta_for(doctype), docname, upload, fieldname)
    return doc_to_dict(record)


# ------------------------------------------------------------------ ping and versions

# The Frappe release whose REST API this system answers (its methods, parameters and answer shapes).
FRAPPE_API_VERSION = "15.0.0"


@whitelist("ping", allow_guest=True)
def ping(request, **_):
    """Frappe's liveness check (/api/method/ping): clients call it before logging in, to find the server."""
    return "pong"


whitelist("frappe.ping", allow_guest=True)(ping)


@whitelist("version", allow_guest=True)
def version(request, **_):
    """The Frappe version a client may expect of this server's API (Frappe answers its own __version__)."""
    return FRAPPE_API_VERSION


@whitelist("frappe.utils.change_log.get_versions")
def get_versions(request, **_):
    """已安装的应用及其版本（frappe 一项为本系统兼容的 Frappe 接口版本）"""
    from importlib import metadata

    from django.apps import apps as installed

    try:
        release = metadata.version(metadata.packages_distributions()["apps"][0])
    except (KeyError, IndexError, metadata.PackageNotFoundError):
        release = "0.0.0"  # run from a checkout that was never installed
    versions = {
        "frappe": {
            "title": "Frappe 接口",
            "description": "本系统兼容的 Frappe REST 接口",
            "branch": "version-15",
            "version": FRAPPE_API_VERSION,
        }
    }
    for config in installed.get_app_configs():
        if config.name.startswith("apps."):  # the system's own apps, as Frappe lists the installed apps
            versions[config.label] = {
                "title": str(getattr(config, "app_title", config.verbose_name)),
                "description": "",
                "branch": "",
                "version": release,
            }
    return versions
