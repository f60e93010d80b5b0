"""Runtime customisation of doctypes (Frappe's Custom Field and Property Setter): the rules.

Custom field values live in each record's ``custom_values`` JSON column, so an
administrator adds a field in the admin with no migration and no restart; the
doctype metadata (``get_meta``) merges them with the model's own fields, and
the API, the admin, imports, exports and print formats read that metadata.
The records and that merge are the document core's (apps/lowcode/doctype:
customization.py, customized.py, version.py, required.py, fieldtypes.py);
here is what an administrator may not do to a doctype (``validation``), run
as the validate event of Custom Field and Property Setter (apps/lowcode/hooks.py).
"""
