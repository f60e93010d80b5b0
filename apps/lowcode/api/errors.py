"""Frappe's exceptions and how they answer over HTTP.

A Frappe client reads ``exc_type`` and the messages in ``_server_messages``;
we answer the same way, with the message in Chinese.
"""

import json

from django.core.exceptions import PermissionDenied, RequestDataTooBig, TooManyFieldsSent
from django.http import Http404, JsonResponse
from rest_framework import exceptions as drf


def server_messages(message: str, indicator: str) -> str:
    """Frappe's ``_server_messages``: a JSON list of JSON-encoded messages, shown by its clients."""
    return json.dumps([json.dumps({"message": message, "indicator": indicator}, ensure_ascii=False)],
                      ensure_ascii=False)


class FrappeError(Exception):
    http_status = 417
    exc_type = "ValidationError"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class ValidationError(FrappeError):
    http_status = 417
    exc_type = "ValidationError"


class MandatoryError(ValidationError):
    exc_type = "MandatoryError"


class LinkValidationError(ValidationError):
    exc_type = "LinkValidationError"


class LinkExistsError(ValidationError):
    exc_type = "LinkExistsError"


class TimestampMismatchError(ValidationError):
    exc_type = "TimestampMismatchError"


class DataError(ValidationError):
    exc_type = "DataError"


class WorkflowTransitionError(ValidationError):
    """The action does not exist in the document's current state (Frappe's name)."""

    exc_type = "WorkflowTransitionError"


class AuthenticationError(FrappeError):
    http_status = 401
    exc_type = "AuthenticationError"


class PermissionError(FrappeError):  # noqa: A001 - Frappe's name, shadowing on purpose
    http_status = 403
    exc_type = "PermissionError"


class WorkflowPermissionError(PermissionError):
    """The action exists but this user may not take it (Frappe's name)."""

    exc_type = "WorkflowPermissionError"


class CSRFTokenError(FrappeError):
    http_status = 400
    exc_type = "CSRFTokenError"


class DoesNotExistError(FrappeError):
    http_status = 404
    exc_type = "DoesNotExistError"


class DuplicateEntryError(FrappeError):
    http_status = 409
    exc_type = "DuplicateEntryError"


class FileTooLargeError(ValidationError):
    http_status = 413
    exc_type = "FileTooLargeError"


class RequestTooLargeError(FrappeError):
    http_status = 413
    exc_type = "RequestTooLargeError"


class MethodNotAllowedError(FrappeError):
    http_status = 405
    exc_type = "MethodNotAllowedError"


class UnsupportedMediaTypeError(FrappeError):
    http_status = 415
    exc_type = "UnsupportedMediaTypeError"


class TooManyRequestsError(FrappeError):
    http_status = 429
    exc_type = "TooManyRequestsError"


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
