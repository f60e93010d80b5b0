"""Whitelisted methods: ``/api/method/<dotted.name>``, Frappe's RPC.

Apps register their own with :func:`whitelist`; the function receives the
request's user and the parameters it declares, and its return value is sent
back as ``{"message": ...}``.
"""

import inspect
import json
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured

from apps.lowcode.exceptions import DoesNotExistError, ValidationError


def server_messages(message: str, indicator: str) -> str:
    """Frappe's ``_server_messages``: a JSON list of JSON-encoded messages, shown by its clients."""
    return json.dumps(
        [json.dumps({"message": message, "indicator": indicator}, ensure_ascii=False)], ensure_ascii=False
    )


@dataclass(frozen=True)
class Method:
    name: str
    func: Callable
    http_methods: tuple[str, ...]
    allow_guest: bool
    # OpenAPI "content" maps where the signature cannot say it: a multipart upload, a file download.
    request_content: dict | None = None
    response_content: dict | None = None


registry: dict[str, Method] = {}


class FullResponse(dict):
    """A method result that is the whole response body, not ``{"message": ...}``.

    Frappe's login answers ``{"message": "Logged In", "home_page": ..., "full_name": ...}``.
    """


class ReturnWithMessages(FullResponse):
    """A method's return value (``message``) with more keys beside it (``_server_messages``).

    Frappe's apply_workflow returns the document and msgprints an outcome: v1 answers
    ``{"message": doc, "_server_messages": ...}``, REST API v2 ``{"data": doc, "_server_messages": ...}``.
    """

    def __init__(self, value, **extras):
        super().__init__(message=value, **extras)


def whitelist(
    name: str | None = None,
    methods=("GET", "POST", "PUT", "DELETE"),
    allow_guest: bool = False,
    request_content: dict | None = None,
    response_content: dict | None = None,
):
    """Expose a function as ``/api/method/<name>``; it takes ``request`` first, then keyword parameters.

    Like ``frappe.whitelist``, a method takes GET, POST, PUT and DELETE unless ``methods`` narrows them.

    It may return an HttpResponse (a download) instead of a value; ``request_content`` and
    ``response_content`` then describe the body and the answer in the OpenAPI document.
    """

    def register(func):
        dotted = name or f"{func.__module__}.{func.__name__}"
        # Two functions under one name would answer by import order: a mistake to catch at start-up.
        if dotted in registry and registry[dotted].func is not func:
            raise ImproperlyConfigured(f"method {dotted} is whitelisted twice")
        registry[dotted] = Method(dotted, func, tuple(methods), allow_guest, request_content, response_content)
        return func

    return register


# Frappe methods that Desk, Frappe's mobile app and frappe-ui apps call for features this system does not
# have: each answers that the feature is absent, not merely that the method is unknown.
NOT_OFFERED = {
    **dict.fromkeys(("frappe.desk.form.utils.add_comment", "frappe.desk.form.utils.update_comment"), "评论"),
    **dict.fromkeys(
        (
            "frappe.desk.form.assign_to.add",
            "frappe.desk.form.assign_to.add_multiple",
            "frappe.desk.form.assign_to.remove",
            "frappe.desk.form.assign_to.close",
        ),
        "指派",
    ),
    "frappe.desk.like.toggle_like": "点赞",
    **dict.fromkeys(
        (
            "frappe.desk.doctype.tag.tag.add_tag",
            "frappe.desk.doctype.tag.tag.remove_tag",
            "frappe.desk.doctype.tag.tag.get_tags",
        ),
        "标签",
    ),
    **dict.fromkeys(
        ("frappe.share.add", "frappe.share.remove", "frappe.share.set_permission", "frappe.share.get_users"),
        "共享单据",
    ),
    **dict.fromkeys(("frappe.core.doctype.communication.email.make", "frappe.email.get_contact_list"), "邮件往来"),
    "frappe.social.doctype.energy_point_log.energy_point_log.review": "积分评价",
    **dict.fromkeys(
        ("frappe.desk.form.document_follow.follow_document", "frappe.desk.form.document_follow.unfollow_document"),
        "关注单据",
    ),
    **dict.fromkeys(
        (
            "frappe.desk.desktop.get_desk_sidebar_items",
            "frappe.desk.desktop.get_wspace_sidebar_items",
            "frappe.desk.desktop.get_workspace_sidebar_items",
            "frappe.desk.desktop.get_desktop_page",
        ),
        "工作区",
    ),
    "frappe.client.get_js": "Frappe 前端脚本",
}


def get_method(name: str) -> Method:
    try:
        return registry[name]
    except KeyError:
        if name in NOT_OFFERED:
            raise DoesNotExistError(f"本系统没有{NOT_OFFERED[name]}功能，接口方法 {name} 不可用") from None
        raise DoesNotExistError(f"接口方法 {name} 不存在") from None


def call(method: Method, request, params: dict):
    """Call with the parameters the function declares; a missing required one is a clear error."""
    signature = inspect.signature(method.func)
    accepts_any = any(p.kind is p.VAR_KEYWORD for p in signature.parameters.values())
    kwargs = {}
    for pname, param in list(signature.parameters.items())[1:]:
        if param.kind is param.VAR_KEYWORD:
            continue
        if pname in params:
            kwargs[pname] = params[pname]
        elif param.default is param.empty:
            raise ValidationError(f"缺少参数 {pname}")
    if accepts_any:
        kwargs.update({k: v for k, v in params.items() if k not in kwargs and k not in ("cmd", "data")})
    return method.func(request, **kwargs)
