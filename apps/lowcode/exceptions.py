"""Frappe's exceptions, at the bottom of the machinery as in Frappe (``frappe.exceptions``).

Every layer raises these; the API answers each with its ``http_status`` and
``exc_type`` (apps.lowcode.api.errors), the admin shows its message.
"""


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


class InsufficientStorageError(FrappeError):
    """The server's disk is full: the upload is refused and nothing of it is kept."""

    http_status = 507
    exc_type = "InsufficientStorageError"


class RequestTooLargeError(FrappeError):
    http_status = 413
    exc_type = "RequestTooLargeError"


class MethodNotAllowedError(FrappeError):
    http_status = 405
    exc_type = "MethodNotAllowedError"


class UnsupportedMediaTypeError(FrappeError):
    http_status = 415
    exc_type = "UnsupportedMediaTypeError"


class ServiceUnavailableError(FrappeError):
    """A service the request needs (the database) cannot be reached now: try again in a moment."""

    http_status = 503
    exc_type = "ServiceUnavailableError"


class TooManyRequestsError(FrappeError):
    http_status = 429
    exc_type = "TooManyRequestsError"


class LinkExpired(FrappeError):
    """A one-time link (a password reset key) that is unknown, used or expired: Frappe's 410."""

    http_status = 410
    exc_type = "LinkExpired"
