"""Frappe's Data Import and list export, for every doctype, as one sheet of an xlsx workbook.

The layout is read from the doctype's metadata (``get_meta``), so a label an
administrator renamed and the custom fields they added appear with no code:

- a header row of field labels (the fieldname in each header cell's comment
  and on the 填写说明 sheet); a header may also be written as the fieldname;
- links as the linked record's name, multi-links as names joined with 、,
  checks as 是/否, dates as dates;
- child tables Frappe-style: columns "<table label>.<child field label>", and
  continuation rows (parent columns empty) adding rows to the record above.

Every row is written through ``save_document``, the API's write path, so an
import is validated, scoped and recorded exactly like an API write; batches of
new records take ``bulk``, the same steps with their queries made once a batch.
Modules: ``columns`` (the layout), ``cells`` (cell ⇄ value), ``keys`` (which
existing record a row updates), ``importer``, ``bulk``, ``exporter``, ``workbook`` (writing),
``admin`` (the admin pages) and ``api`` (the whitelisted methods).
"""

from apps.lowcode.data_import.exporter import export_queryset, template
from apps.lowcode.data_import.importer import import_workbook

__all__ = ["export_queryset", "import_workbook", "template"]
