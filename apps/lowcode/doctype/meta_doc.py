"""A doctype's metadata as Frappe's DocType document, for ``frappe.desk.form.load.getdoctype``.

Desk-style clients build their forms from ``docs``: the DocType with its
``fields`` (DocField rows), followed by the DocTypes of its child tables.
"""

from apps.lowcode.doctype.meta import STANDARD_FIELDS, DocTypeMeta, get_meta


def docfield_dict(meta: DocTypeMeta, docfield, idx: int) -> dict:
    row = {
        "doctype": "DocField",
        "name": f"{meta.doctype}-{docfield.fieldname}",
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
        "description": docfield.description,
        "in_list_view": int(docfield.in_list_view),
        "in_standard_filter": int(docfield.in_standard_filter),
        "is_custom_field": int(docfield.custom),
    }
    if docfield.option_labels:  # the label shown for each stored value, as the administrator named it
        row["option_labels"] = dict(docfield.option_labels)
    return row


def table_field_dict(meta: DocTypeMeta, table, idx: int) -> dict:
    return {
        "doctype": "DocField",
        "name": f"{meta.doctype}-{table.fieldname}",
        "parent": meta.doctype,
        "parentfield": "fields",
        "parenttype": "DocType",
        "idx": idx,
        "fieldname": table.fieldname,
        "fieldtype": "Table",
        "label": table.label,
        "options": table.doctype,
        "reqd": 0,
        "read_only": 0,
        "hidden": 0,
        "default": None,
        "description": "",
        "in_list_view": 0,
        "in_standard_filter": 0,
        "is_custom_field": 0,
    }


def doctype_dict(meta: DocTypeMeta, is_submittable: bool = False) -> dict:
    own = [f for name, f in meta.fields.items() if name not in STANDARD_FIELDS]
    fields = [docfield_dict(meta, f, i) for i, f in enumerate(own, start=1)]
    fields += [table_field_dict(meta, t, len(fields) + i) for i, t in enumerate(meta.tables.values(), start=1)]
    return {
        "doctype": "DocType",
        "name": meta.doctype,
        "module": meta.model._meta.app_label,
        "label": meta.label,
        "description": "",  # model docstrings are for developers (English), not for users
        "istable": int(meta.istable),
        "issingle": 0,
        "is_submittable": int(is_submittable),
        "autoname": "Prompt" if meta.naming_rule == "prompt" else "",
        "naming_rule": "Set by user" if meta.naming_rule == "prompt" else "By script",
        "allow_rename": int(bool(getattr(meta.model, "allow_rename", False))),
        "title_field": getattr(meta.model, "title_field", ""),
        "search_fields": ",".join(getattr(meta.model, "search_fields", ())),
        "show_title_field_in_link": int(bool(getattr(meta.model, "title_field", ""))),
        "track_changes": 1,
        "custom": 0,
        "fields": fields,
        "permissions": [],
        "modified": None,  # customisations apply at once: nothing for a client to cache against
    }


def meta_bundle(meta: DocTypeMeta, is_submittable=lambda meta: False) -> list[dict]:
    """The doctype and its child tables' doctypes, as getdoctype answers them."""
    docs = [doctype_dict(meta, is_submittable(meta))]
    for table in meta.tables.values():
        child = get_meta(table.doctype)
        docs.append(doctype_dict(child, False))
    return docs
