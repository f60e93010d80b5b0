"""Base classes of every doctype, and the registry that finds one by name.

Frappe identifies a record by its doctype ("Task") and its ``name`` (a
string key), and stamps every record with owner, creation, modified and
docstatus. Our models keep Django's integer primary key for joins but carry
the same fields, so the API and fixtures speak Frappe.
"""

from .base import (
    ChildDocument,
    DocStatus,
    Document,
    doctype_registry,
    get_doctype_model,
)

__all__ = ["ChildDocument", "Document", "DocStatus", "doctype_registry", "get_doctype_model"]
