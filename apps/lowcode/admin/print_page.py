"""The 打印 page of a document (admin): preview it in each format, issue it as a notice, follow the PDF job.

Everything goes through service.py, as the API does; errors come back as
admin messages on the same page, in Chinese.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from apps.lowcode.admin.base import change_url
from apps.lowcode.admin.print_format import download_pdf_url
from apps.lowcode.doctype.meta import meta_of
from apps.lowcode.document.service import get_document
from apps.lowcode.exceptions import DoesNotExistError, FrappeError, PermissionError
from apps.lowcode.permissions import can
from apps.lowcode.print_format import numbering, service
from apps.lowcode.print_format.model import Notice
from apps.lowcode.roles import roles_phrase

PENDING = (Notice.Status.QUEUED, Notice.Status.RENDERING)


def _document(user, doctype: str, name: str):
    """The document the user may read; 404 when it does not exist or is out of scope, 403 without the role."""
    try:
        return service.readable_document(user, doctype, name)
    except DoesNotExistError as exc:
        raise Http404(exc.message) from None
    except PermissionError as exc:
        raise PermissionDenied(exc.message) from None


def print_page(request, doctype, name):
    """GET: the formats of the doctype with 预览 and 印发, and the notices issued for the document.
    POST: 印发 in one format, then back here, where the new notice's progress is shown."""
    doc = _document(request.user, doctype, name)
    here = reverse("print-page", args=[doctype, doc.name])
    if request.method == "POST":
        return _issue(request, doctype, doc, here)
    return render(
        request,
        "lowcode/print/print_page.html",
        {
            **admin.site.each_context(request),
            **_page_context(request, doctype, doc),
            "notice_issuers": roles_phrase("lowcode.add_notice", default="有权印发公文的角色"),
        },
    )


def _issue(request, doctype: str, doc, here: str):
    format_name = request.POST.get("format", "")
    try:
        issue_date = service.issue_date_from(request.POST.get("issue_date", ""))
        notice = service.issue(request.user, doctype, doc.name, format_name or None, issue_date)
    except FrappeError as exc:
        messages.error(request, f"印发失败：{exc.message}")
        return HttpResponseRedirect(here)
    messages.success(request, f"已印发：{notice.number}，正在后台生成 PDF，完成后可在下方下载。")
    return HttpResponseRedirect(f"{here}?notice={notice.name}#notices")


def _page_context(request, doctype: str, doc) -> dict:
    user = request.user
    model = type(doc)
    may_issue = can(user, "create", Notice)
    notices = (
        list(
            Notice.objects.filter(reference_doctype=doctype, reference_name=doc.name).select_related(
                "print_format", "issued_by"
            )
        )
        if can(user, "read", Notice)
        else []
    )
    in_force = {n.print_format_id: n for n in notices if n.status != Notice.Status.VOID}
    formats = []
    for print_format in service.fitting_formats(doc):
        issuable = print_format.is_official and print_format.letter_head_id is not None
        formats.append(
            {
                "own_date": numbering.document_date(print_format, doc),
                "format": print_format,
                "preview_url": download_pdf_url(doctype, doc.name, print_format.name),
                "download_url": download_pdf_url(doctype, doc.name, print_format.name, inline=False),
                "issuable": issuable,
                "can_issue": issuable and may_issue,
                "issued": in_force.get(print_format.pk),
            }
        )
    try:
        changelist_url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    except NoReverseMatch:
        changelist_url = ""
    return {
        "title": f"打印：{doc}",
        "doc": doc,
        "doctype": doctype,
        "opts": model._meta,
        "doc_url": change_url(doc),
        "changelist_url": changelist_url,
        "formats": formats,
        "notices": [
            {
                "notice": n,
                "pending": n.status in PENDING,
                "status_url": reverse("print-notice-status", args=[n.name]),
                "download_url": n.pdf_url if n.status == Notice.Status.READY else "",
            }
            for n in notices
        ],
        "highlight": request.GET.get("notice", ""),
        "today": timezone.localdate().isoformat(),
        "notice_list_url": reverse("admin:lowcode_notice_changelist"),
    }


def notice_status(request, name):
    """The job's progress on one notice, polled each second by the print page."""
    try:
        notice = get_document(request.user, meta_of(Notice), name)
    except FrappeError as exc:
        return JsonResponse(
            {"exc_type": exc.exc_type, "message": exc.message},
            status=exc.http_status,
            json_dumps_params={"ensure_ascii": False},
        )
    return JsonResponse(
        {
            "name": notice.name,
            "number": notice.number,
            "status": notice.status,
            "progress": notice.progress,
            "progress_note": notice.progress_note,
            "error": notice.error,
            "pages": notice.pages,
            "download_url": notice.pdf_url if notice.status == Notice.Status.READY and notice.pdf else "",
        },
        json_dumps_params={"ensure_ascii": False},
    )
