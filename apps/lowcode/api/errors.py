"""Frappe's exceptions and how they answer over HTTP.

A Frappe client reads ``exc_type`` and the messages in ``_server_messages``;
we answer the same way, with the message in Chinese.
"""


from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    TooManyFieldsSent,
)
from django.http import Http404, JsonResponse
from rest_framework import exceptions as drf

from apps.lowcode.exceptions import (
    AuthenticationError,
    DoesNotExistError,
    FrappeError,
    MethodNotAllowedError,
    PermissionError,
    RequestTooLargeError,
    TooManyRequestsError,
    UnsupportedMediaTypeError,
    ValidationError,
)
from apps.lowcode.whitelist import server_messages


def error_response(error: FrappeError) -> JsonResponse:
    return JsonResponse(
        {
            "exc_type": error.exc_type,
            "exception": f"frappe.exceptions.{error.exc_type}: {error.message}",
            "message": error.message,
            "_server_messages": server_messages(error.message, "red"),
        },
        status=error.http_status,
        json_dumps_params={"ensure_ascii": False},
    )


def as_frappe_error(exc: Exception) -> FrappeError | None:
    """The Frappe error for an exception raised while handling an API request."""
    if isinstance(exc, FrappeError):
        return exc
    if isinstance(exc, RequestDataTooBig):
        return RequestTooLargeError("请求内容过大；附件请通过 upload_file 上传")
    if isinstance(exc, TooManyFieldsSent):
        return ValidationError("请求中的字段过多")
    if isinstance(exc, drf.NotAuthenticated | drf.AuthenticationFailed):
        return AuthenticationError(_detail(exc) or "请先登录")
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
    return error_response(error) if error else None
