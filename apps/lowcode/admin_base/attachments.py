"""Attachments on every document's admin form: listed, downloaded, added and removed in place."""

from apps.lowcode.file.attach import attachments_of
from apps.lowcode.permissions import can
from apps.lowcode.workflow import engine


class AttachmentsAdminMixin:
    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        context = dict(extra_context or {})
        if obj is not None and getattr(self.model, "doctype", "") != "File":
            context.update(self.attachments_context(request, obj))
        return super().change_view(request, object_id, form_url, context)

    def attachments_context(self, request, obj) -> dict:
        from apps.lowcode.doctype.meta import get_meta

        from apps.lowcode.file.model import File

        user = request.user
        editable = can(user, "write", self.model) and can(user, "create", File) \
            and (not obj.workflow_state or engine.edit_rights(user, obj).allowed)
        # Rows of the document's child tables: an attachment may belong to one (the evidence of line 11).
        rows = [(row.name, str(row)) for table in get_meta(self.model.doctype).tables.values()
                for row in getattr(obj, table.fieldname).all()]
        labels = dict(rows)
        return {
            "attachments": [(f, labels.get(f.attached_to_field, f.attached_to_field)) for f in attachments_of(obj)],
            "attachments_editable": editable,
            "attachment_rows": rows,
            "attachment_doctype": self.model.doctype,
        }
