"""Frappe's exceptions and how they answer over HTTP.

A Frappe client reads ``exc_type``, ``exc`` and the messages in ``_server_messages``;
we answer the same way, with the message in Chinese. Frappe's ``exc`` is a JSON list
of tracebacks; ours holds one line per error (``frappe.exceptions.X: message``), so a
client that looks for ``exc`` sees the error while no traceback leaves the server.
REST API v2 answers errors as ``{"errors": [{"type", "message", ...}]}`` instead.

Every answer under /api and at the legacy ``cmd=`` door is JSON, Django's own
refusals included: see :func:`csrf_failure` and :func:`server_error`.
"""

import json
import sys

from django.conf import settings
from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    TooManyFieldsSent,
)
from django.db import InterfaceError, OperationalError
from django.http import Http404, JsonResponse
from django.template import loader
from django.views import defaults
from django.views.csrf import csrf_failure as django_csrf_failure
from rest_framework import exceptions as drf

from apps.lowcode.exceptions import (
    AuthenticationError,
    CSRFTokenError,
    DoesNotExistError,
    FrappeError,
    MethodNotAllowedError,
    PermissionError,
    RequestTooLargeError,
    ServiceUnavailableError,
    TooManyRequestsError,
    UnsupportedMediaTypeError,
    ValidationError,
)
from apps.lowcode.whitelist import server_messages

# MySQLdb's client error codes for a server that is not there: cannot connect (2002, 2003), gone away (2006),
# lost during the query (2013), and a server shutting down (1053). Other operational errors (a deadlock, a
# lock wait timeout) are not an outage.
UNREACHABLE_CODES = {1053, 2002, 2003, 2006, 2013}
DATABASE_DOWN = "数据库暂时无法连接，本次操作未生效，请稍后重试"
RETRY_AFTER_SECONDS = "10"


def database_unreachable(exc: BaseException | None) -> bool:
    """Whether ``exc`` says the database server cannot be reached (restarting, down), not that a query was bad."""
    if isinstance(exc, InterfaceError):
        return True
    if isinstance(exc, OperationalError):
        code = exc.args[0] if exc.args and isinstance(exc.args[0], int) else None
        return code in UNREACHABLE_CODES
    return False


class ServerError(FrappeError):
    """An unexpected failure: a 500 that still answers in Frappe's JSON, with no traceback."""

    http_status = 500
    exc_type = "Exception"


def error_response(error: FrappeError, extra: dict | None = None) -> JsonResponse:
    """REST API v1 (and the legacy door): Frappe's ``exc_type``/``exception``/``exc``/``_server_messages``."""
    exception = f"frappe.exceptions.{error.exc_type}: {error.message}"
    return _retry_later(
        error,
        JsonResponse(
            {
                "exc_type": error.exc_type,
                "exception": exception,
                "exc": json.dumps([exception], ensure_ascii=False),
                "message": error.message,
                "_server_messages": server_messages(error.message, "red"),
                **(extra or {}),
            },
            status=error.http_status,
            json_dumps_params={"ensure_ascii": False},
        ),
    )


def v2_error_response(error: FrappeError, extra: dict | None = None) -> JsonResponse:
    """REST API v2: the error and its message in one entry of ``errors``."""
    return _retry_later(
        error,
        JsonResponse(
            {"errors": [{"type": error.exc_type, "message": error.message, "indicator": "red"}], **(extra or {})},
            status=error.http_status,
            json_dumps_params={"ensure_ascii": False},
        ),
    )


def _retry_later(error: FrappeError, response):
    """A 503 tells clients (and load balancers) when to try again."""
    if error.http_status == 503:
        response["Retry-After"] = RETRY_AFTER_SECONDS
    return response


def is_v2(request) -> bool:
    return request.path.startswith("/api/v2/") or request.path == "/api/v2"


LOGIN_REQUIRED = "请先登录"


def login_required() -> PermissionError:
    """A guest (no session, or one that expired) calling what needs a login: Frappe's 403, not a 401.

    Frappe runs such a request as Guest and refuses it with PermissionError (``is_whitelisted``,
    ``check_permission``); its 401 (AuthenticationError) is only for credentials that were sent and are
    wrong (a token, a bearer token, a password). Clients rely on the difference: py-frappe-client logs in
    again on a 403, and Frappe's desk takes a 403 with a Guest session for "logged out".
    """
    return PermissionError(LOGIN_REQUIRED)


def session_expired(request) -> bool:
    """The request carried a session cookie that logs no one in (expired, ended, unknown): Frappe's
    ``session_expired``, which it answers beside the error while the request goes on as Guest."""
    django_request = getattr(request, "_request", request)
    user = getattr(request, "user", None)
    return bool(django_request.COOKIES.get(settings.SESSION_COOKIE_NAME)) and not (user and user.is_authenticated)


def answer(request, error: FrappeError) -> JsonResponse:
    """The error in the envelope of the API version the request came through.

    A refusal caused by a stale session says so as Frappe does (``"session_expired": 1``), and the readable
    login cookies go (Frappe's clear_cookies; Django's session middleware drops the dead session cookie).
    """
    extra = None
    if isinstance(error, PermissionError) and session_expired(request):
        extra = {"session_expired": 1}
        getattr(request, "_request", request).frappe_user_cookies = {}  # UserCookieMiddleware deletes them
    return v2_error_response(error, extra) if is_v2(request) else error_response(error, extra)


def speaks_json(request) -> bool:
    """Requests Frappe answers in JSON whatever happens: the API, and the legacy door at the site root."""
    return (
        request.path == "/api"
        or request.path.startswith("/api/")
        or (request.path == "/" and request.method not in ("GET", "HEAD"))
    )


def as_frappe_error(exc: Exception) -> FrappeError | None:
    """The Frappe error for an exception raised while handling an API request."""
    if isinstance(exc, FrappeError):
        return exc
    if database_unreachable(exc):
        return ServiceUnavailableError(DATABASE_DOWN)
    if isinstance(exc, RequestDataTooBig):
        return RequestTooLargeError("请求内容过大；附件请通过 upload_file 上传")
    if isinstance(exc, TooManyFieldsSent):
        return ValidationError("请求中的字段过多")
    if isinstance(exc, drf.AuthenticationFailed):
        return AuthenticationError(_detail(exc) or "凭据不正确")
    if isinstance(exc, drf.NotAuthenticated):
        return login_required()
    if isinstance(exc, drf.PermissionDenied | PermissionDenied):
        return PermissionError("没有权限执行此操作")
    if isinstance(exc, Http404 | drf.NotFound):
        return DoesNotExistError("请求的资源不存在")
    if isinstance(exc, drf.MethodNotAllowed):
        return MethodNotAllowedError(f"不支持的请求方法：{exc.args[0] if exc.args else ''}")
    if isinstance(exc, drf.UnsupportedMediaType):
        return UnsupportedMediaTypeError("不支持的请求内容类型，请使用 JSON、表单或 multipart")
    if isinstance(exc, drf.ParseError):
        return ValidationError("请求内容不是合法的 JSON")
    if isinstance(exc, drf.Throttled):
        return TooManyRequestsError("请求过于频繁，请稍后再试")
    if isinstance(exc, drf.APIException):
        return ValidationError(_detail(exc))
    return None


def _detail(exc) -> str:
    detail = getattr(exc, "detail", "")
    return str(detail)


def exception_handler(exc, context):
    """DRF's exception hook: every error of the API answers in Frappe's shape."""
    error = as_frappe_error(exc)
    if error is None:
        return None
    request = context.get("request")
    return answer(request, error) if request is not None else error_response(error)


def csrf_failure(request, reason=""):
    """Django's CSRF refusal (settings.CSRF_FAILURE_VIEW): Frappe's CSRFTokenError in JSON for the API."""
    if speaks_json(request):
        return answer(request, CSRFTokenError("CSRF 校验失败：请求缺少有效的 CSRF 令牌，请刷新页面后重试"))
    return django_csrf_failure(request, reason)


def server_error(request, *args, **kwargs):
    """handler500: the API answers an unexpected failure in JSON, never with an HTML page.

    Django calls it while handling the exception, so ``sys.exc_info()`` still names it: a database that
    cannot be reached (restarting, down) is a 503 that says so and asks to retry, in JSON for the API and
    as a Chinese page for the web; anything else is the 500 it is.
    """
    exc = sys.exc_info()[1]
    if database_unreachable(exc):
        if speaks_json(request):
            return answer(request, ServiceUnavailableError(DATABASE_DOWN))
        return service_unavailable(request)
    if speaks_json(request):
        return answer(request, ServerError("服务器内部错误，请稍后重试或联系管理员"))
    return defaults.server_error(request, *args, **kwargs)


def service_unavailable(request):
    """The web's page when the database cannot be reached: rendered without it (no site name from the database)."""
    from django.http import HttpResponse

    response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = RETRY_AFTER_SECONDS
    return response
