"""Attaching files to documents and removing them, for the API and the admin alike.

An attachment is part of its document: adding or removing one needs write
permission on the document and a workflow state that lets the user edit it.

A file may belong to one field (an Attach field, as in Frappe) or to one row
of a child table rather than to the whole document (the evidence of line 11
of a report): it is attached to the document with ``fieldname`` the field's
name or the row's ``name``, as the admin form does. A row must be one of this
document's, so that a file never points at another document's row.
"""

from apps.lowcode.doctype.meta import DocTypeMeta
from apps.lowcode.document import lifecycle
from apps.lowcode.document.service import ensure_can_or_403, get_document
from apps.lowcode.exceptions import ValidationError
from apps.lowcode.file.model import File
from apps.lowcode.file.upload import save_upload


def attach(user, meta: DocTypeMeta, docname: str, upload, fieldname: str = "") -> File:
    document = get_document(user, meta, docname)
    ensure_can_or_403(user, "write", meta)
    lifecycle.ensure_editable(user, document)
    check_field(meta, document, fieldname)
    return save_upload(user, upload, meta.doctype, document.name, fieldname)


def check_field(meta: DocTypeMeta, document, fieldname: str) -> None:
    """The whole document (""), one of its fields, or one row of its child tables; else refused."""
    fieldname = str(fieldname or "")
    if not fieldname or fieldname in meta.fields or fieldname in meta.tables:
        return
    if any(getattr(document, table).filter(name=fieldname).exists() for table in meta.tables):
        return
    raise ValidationError(
        f"{meta.label} {document.name} 没有字段或明细行“{fieldname[:50]}”，附件无处可挂；请刷新后重新上传"
    )


def attachments_of(doc) -> list[File]:
    return list(
        File.objects.filter(attached_to_doctype=type(doc).doctype, attached_to_name=doc.name)
        .select_related("owner")
        .order_by("creation")
    )
