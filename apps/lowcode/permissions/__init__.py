"""Who may do what to which records.

Two layers, as in Frappe:
- role permissions per doctype (read/create/write/delete), kept as Django
  model permissions on the roles' groups;
- User Permissions restricting a user to records linked to given values
  ("only County 章贡区"), applied to every query through :func:`scope_queryset`.
"""

from apps.lowcode.permissions.scope import (
    can,
    ensure_can,
    ensure_in_scope,
    in_scope,
    locked_in_scope,
    only_through,
    paths_condition,
    restrictions,
    scope_queryset,
)
from apps.lowcode.permissions.system import SYSTEM

__all__ = [
    "SYSTEM",
    "can",
    "ensure_can",
    "ensure_in_scope",
    "in_scope",
    "locked_in_scope",
    "only_through",
    "paths_condition",
    "restrictions",
    "scope_queryset",
]
