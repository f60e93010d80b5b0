"""Attaching files to documents and removing them, for the API and the admin alike.

An attachment is part of its document: adding or removing one needs write
permission on the document and a workflow state that lets the user edit it.
"""

from apps.lowcode.doctype.meta import DocTypeMeta
from apps.lowcode.document import lifecycle
from apps.lowcode.document.service import ensure_can_or_403, get_document
from apps.lowcode.file.model import File
from apps.lowcode.file.upload import save_upload


def attach(user, meta: DocTypeMeta, docname: str, upload, fieldname: str = "") -> File:
    document = get_document(user, meta, docname)
    ensure_can_or_403(user, "write", meta)
    lifecycle.ensure_editable(user, document)
    return save_upload(user, upload, meta.doctype, document.name, fieldname)


def attachments_of(doc) -> list[File]:
    return list(
        File.objects.filter(attached_to_doctype=type(doc).doctype, attached_to_name=doc.name)
        .select_related("owner")
        .order_by("creation")
    )
