"""A doctype's metadata in Frappe's shape (``frappe.get_meta(doctype).as_dict()``).

Clients build forms and list columns from it: REST API v2's ``/doctype/<DocType>/meta``
answers with it. Standard fields are not listed, as in Frappe; child tables are
``Table`` fields whose ``options`` name the child doctype.
"""

from apps.lowcode.doctype.meta import (
    CHILD_FIELDS,
    STANDARD_FIELDS,
    DocField,
    DocTypeMeta,
)


def _docfield_dict(meta: DocTypeMeta, docfield: DocField, idx: int) -> dict:
    return {
        "doctype": "DocField",
        "parent": meta.doctype,
        "parentfield": "fields",
        "parenttype": "DocType",
        "idx": idx,
        "fieldname": docfield.fieldname,
        "fieldtype": docfield.fieldtype,
        "label": docfield.label,
        "options": docfield.options,
        "reqd": int(docfield.reqd),
        "read_only": int(docfield.read_only),
        "hidden": int(docfield.hidden),
        "default": docfield.default or None,
        "description": docfield.description or None,
        "in_list_view": int(docfield.in_list_view),
        "in_standard_filter": int(docfield.in_standard_filter),
        "is_custom_field": int(docfield.custom),
    }


def meta_to_dict(meta: DocTypeMeta) -> dict:
    skipped = {*STANDARD_FIELDS, *CHILD_FIELDS} - ({"name"} if meta.naming_rule == "prompt" else set())
    docfields = [f for name, f in meta.fields.items() if name not in skipped]
    fields = [_docfield_dict(meta, f, idx) for idx, f in enumerate(docfields, start=1)]
    for table in meta.tables.values():
        fields.append({
            "doctype": "DocField", "parent": meta.doctype, "parentfield": "fields", "parenttype": "DocType",
            "idx": len(fields) + 1, "fieldname": table.fieldname, "fieldtype": "Table", "label": table.label,
            "options": table.doctype, "reqd": 0, "read_only": 0, "hidden": 0, "default": None,
            "description": None, "in_list_view": 0, "in_standard_filter": 0, "is_custom_field": 0,
        })
    return {
        "doctype": "DocType",
        "name": meta.doctype,
        "label": meta.label,
        "istable": int(meta.istable),
        "issingle": 0,
        "is_submittable": 0,
        "autoname": "Prompt" if meta.naming_rule == "prompt" else meta.naming_rule,
        "fields": fields,
    }
