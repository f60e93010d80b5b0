"""Runtime customisation of doctypes (Frappe's Custom Field and Property Setter).

Custom field values live in each record's ``custom_values`` JSON column, so an
administrator adds a field in the admin with no migration and no restart; the
doctype metadata (``get_meta``) merges them with the model's own fields, and
the API, the admin, imports, exports and print formats read that metadata.
"""
