"""Attachments on every document's admin form: listed, downloaded, added and removed in place."""

from apps.lowcode.doctype.meta import get_meta
from apps.lowcode.file.attach import attachments_of
from apps.lowcode.file.model import File
from apps.lowcode.permissions import can
from apps.lowcode.workflow import engine


class AttachmentsAdminMixin:
    def attachments_context(self, request, obj) -> dict:
        if self.model is File:
            return {}
        user = request.user
        editable = (
            can(user, "write", self.model)
            and can(user, "create", File)
            and (not obj.workflow_state or engine.edit_rights(user, obj).allowed)
        )
        # Rows of the document's child tables: an attachment may belong to one (the evidence of line 11).
        rows = [
            (row.name, str(row))
            for table in get_meta(self.model.doctype).tables.values()
            for row in getattr(obj, table.fieldname).all()
        ]
        labels = dict(rows)
        return {
            "attachments": [(f, labels.get(f.attached_to_field, f.attached_to_field)) for f in attachments_of(obj)],
            "attachments_editable": editable,
            "attachment_rows": rows,
            "attachment_doctype": self.model.doctype,
        }
