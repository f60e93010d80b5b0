"""Adding and removing a document's attachments from its admin form."""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from apps.lowcode.admin.base import change_url
from apps.lowcode.doctype import doctype_registry
from apps.lowcode.doctype.meta import get_meta
from apps.lowcode.document.service import delete_document
from apps.lowcode.exceptions import FrappeError
from apps.lowcode.file.attach import attach
from apps.lowcode.file.model import File, attached_document
from apps.lowcode.permissions import scope_queryset


def _back(doc) -> HttpResponseRedirect:
    return HttpResponseRedirect(change_url(doc) + "#attachments" if doc else reverse("admin:index"))


@require_POST
def upload_attachment(request):
    doctype, name = request.POST.get("attachment_doctype", ""), request.POST.get("attachment_name", "")
    model = doctype_registry.get(doctype)
    doc = scope_queryset(request.user, model).filter(name=name).first() if model else None
    try:
        if doc is None:
            raise FrappeError("单据不存在")
        record = attach(
            request.user,
            get_meta(doctype),
            name,
            request.FILES.get("attachment_file"),
            request.POST.get("attachment_row", ""),
        )
        messages.success(request, f"已上传附件：{record.file_name}")
    except FrappeError as exc:
        messages.error(request, f"上传失败：{exc.message}")
    return _back(doc)


@require_POST
def delete_attachment(request):
    record = scope_queryset(request.user, File).filter(name=request.POST.get("attachment_file_name", "")).first()
    doc = attached_document(record) if record else None
    try:
        if record is None:
            raise FrappeError("附件不存在")
        delete_document(request.user, get_meta("File"), record.name)
        messages.success(request, f"已删除附件：{record.file_name}")
    except FrappeError as exc:
        messages.error(request, f"删除失败：{exc.message}")
    return _back(doc)
