"""The records a custom link may name, for a user: one answer for the API, the admin and validation."""

from django.contrib.auth import get_user_model

from apps.lowcode.doctype.meta import get_meta
from apps.lowcode.permissions import scope_queryset


def key_of(doctype: str) -> str:
    """How a link names its record: a user by username, a document by name."""
    return "username" if doctype == "User" else "name"


def linked_queryset(user, doctype: str):
    """Records of ``doctype`` the user may link to (active users; documents within their scope)."""
    if doctype == "User":
        return get_user_model().objects.filter(is_active=True).order_by("username")
    return scope_queryset(user, get_meta(doctype).model)


def find_linked(user, doctype: str, name: str):
    return linked_queryset(user, doctype).filter(**{key_of(doctype): name}).first()
