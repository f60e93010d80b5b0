"""Frappe's REST API over every doctype (DESIGN.md §7)."""
