"""Printing as Frappe has it: the PDF over /api/method (frappe.utils.print_format.download_pdf), the
print view as an HTML page (/printview), and issuing notices."""

from itertools import takewhile

from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header

from apps.lowcode.doctype.meta import get_meta, meta_of
from apps.lowcode.doctype.serialize import doc_to_dict
from apps.lowcode.document.query import MAX_START, parse_int
from apps.lowcode.document.service import get_document, readable_rows
from apps.lowcode.exceptions import DoesNotExistError, ValidationError
from apps.lowcode.permissions import can
from apps.lowcode.print_format import service
from apps.lowcode.print_format.model import Notice, PrintFormatBlock
from apps.lowcode.print_format.template import cn_date
from apps.lowcode.website.framing import framable_by_this_site
from apps.lowcode.whitelist import whitelist

PDF = {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}


def _text(value, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(f"缺少参数 {what}")
    return value.strip()


def pdf_response(pdf: bytes, file_name: str, inline: bool = False) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(not inline, file_name)
    # Shown in place (the workbench previews a report's PDF inside its page): framable by this site only.
    return framable_by_this_site(response) if inline else response


def format_name(format) -> str | None:
    """The print format asked for; none, or Frappe's built-in "Standard", means the doctype's first fitting one."""
    if format is None or (isinstance(format, str) and format.strip() in ("", "Standard")):
        return None
    return _text(format, "format")


@whitelist("frappe.utils.print_format.download_pdf", methods=("GET",), response_content=PDF)
def download_pdf(request, doctype, name, format=None, no_letterhead=None, **_):
    """打印：按打印格式生成单据的 PDF（Frappe 的 download_pdf）；format 为打印格式名称，省略则用该单据类型的第一个格式。"""
    printed = service.print_document(request.user, _text(doctype, "doctype"), _text(name, "name"), format_name(format))
    return pdf_response(printed.pdf, printed.file_name, inline=request.GET.get("inline") == "1")


# The name Frappe's print PDF had before v6, which the official frappe-client's get_pdf still calls.
whitelist("frappe.templates.pages.print.download_pdf", methods=("GET",), response_content=PDF)(download_pdf)


def _table_rows(table) -> list[dict]:
    align = {"左": "left", "中": "center", "右": "right"}
    rows = []
    for row in table.rows:
        if isinstance(row, str):
            rows.append({"group": row})
        else:
            rows.append(
                {
                    "cells": [
                        {"text": text, "align": align[c.align]} for text, c in zip(row, table.columns, strict=False)
                    ]
                }
            )
    return rows


def print_view(request, doctype, name, format=None, no_letterhead=None):
    """The print view page: the document composed in a print format, as HTML (what the PDF lays out)."""
    composed, print_format = service.compose_document(
        request.user, _text(doctype, "doctype"), _text(name, "name"), format_name(format)
    )
    main = [b for b in composed.blocks if b.placement != PrintFormatBlock.Placement.ATTACHMENT]
    body = [
        {
            "placement": b.placement,
            "label": b.label,
            "title": b.title,
            "paragraphs": b.paragraphs,
            "paragraphs_after": b.paragraphs_after,
            "table": {"columns": b.table.columns, "rows": _table_rows(b.table)} if b.table else None,
        }
        for b in main + composed.attachments
    ]
    return render(
        request,
        "lowcode/print/printview.html",
        {
            "composed": composed,
            "body": body,
            # The signature closes the leading run of blocks that flow on from the title, as on paper.
            "signature_after": len(list(takewhile(lambda b: b.placement == PrintFormatBlock.Placement.FLOW, main))),
            "attachments": [b.title for b in composed.attachments],
            "no_letterhead": str(no_letterhead or "0").strip() not in ("", "0", "false"),
            "page_title": (composed.title or print_format.name).replace("\n", ""),
        },
    )


@whitelist("frappe.utils.print_format.get_print_formats", methods=("GET",))
def get_print_formats(request, doctype, name=None):
    """某单据类型可用的打印格式（名称、版式、能否印发）；给出 name 时只列适用于该单据的格式。"""
    doctype = _text(doctype, "doctype")
    if name:
        formats = service.fitting_formats(service.readable_document(request.user, doctype, _text(name, "name")))
    else:
        formats = service.formats_for(doctype)
    return [
        {"name": f.name, "layout": f.layout, "can_issue": f.is_official and f.letter_head_id is not None}
        for f in formats
    ]


@whitelist("frappe.utils.print_format.issue_notice", methods=("POST",))
def issue_notice(request, doctype, name, format=None, issue_date=None):
    """印发：取下一个发文字号，登记公文，在后台生成 PDF；返回公文记录（status、progress 可轮询）。"""
    notice = service.issue(
        request.user,
        _text(doctype, "doctype"),
        _text(name, "name"),
        format or None,
        service.issue_date_from(issue_date),
    )
    notice.refresh_from_db()
    return doc_to_dict(notice)


@whitelist("frappe.utils.print_format.download_notice", methods=("GET",), response_content=PDF)
def download_notice(request, name):
    """下载已印发公文的 PDF。"""
    notice = get_document(request.user, meta_of(Notice), _text(name, "name"))
    if not notice.pdf:
        raise DoesNotExistError(f"公文 {notice.number} 的 PDF 尚未生成（{notice.status}）")
    return pdf_response(
        notice.pdf.read(), service.file_name(f"{notice.number}{notice.title}"), inline=request.GET.get("inline") == "1"
    )


# --- the register of issued notices (the admin's 已印发公文, for the workbench) ---------------------

IN_FORCE = "未作废"  # the register's default view: every status but 已作废
NOTICE_PAGE = 20


def _person(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


def _document_label(doctype: str, name: str) -> str:
    """“考评周期 2023-Q1”: the document a notice was issued from, in words (the doctype's own name if it is gone)."""
    try:
        return f"{get_meta(doctype).label} {name}"
    except KeyError:
        return f"{doctype} {name}"


def notice_row(notice: Notice) -> dict:
    """One notice as the register lists it: what the admin's list shows, with its download link when made."""
    return {
        "name": notice.name,
        "number": notice.number,
        "title": notice.title,
        "issue_date": notice.issue_date.isoformat(),
        "issue_date_text": cn_date(notice.issue_date),
        "status": notice.status,
        "progress": notice.progress,
        "progress_note": notice.progress_note,
        "error": notice.error,
        "pages": notice.pages,
        "print_format": notice.print_format.name,
        "reference_doctype": notice.reference_doctype,
        "reference_name": notice.reference_name,
        "reference_label": _document_label(notice.reference_doctype, notice.reference_name),
        "issued_by": _person(notice.issued_by),
        "creation": notice.creation.isoformat(),
        "pdf_url": notice.pdf_url if notice.status == Notice.Status.READY and notice.pdf else "",
    }


def _readable_notice(request, name) -> Notice:
    return get_document(request.user, meta_of(Notice), _text(name, "name"))


@whitelist("frappe.utils.print_format.get_notices", methods=("GET",))
def get_notices(request, status=None, search=None, limit_start=None, limit_page_length=None, **_):
    """已印发公文：按印发时间倒序，可按状态（未作废、排队中、生成中、已生成、生成失败、已作废）和
    发文字号或标题筛选；同时给出各状态的份数，以及当前用户能否重新生成、作废。"""
    status = str(status or "").strip()
    if status and status != IN_FORCE and status not in Notice.Status.values:
        raise ValidationError(f"状态“{status[:20]}”无效，应为{IN_FORCE}或{'、'.join(Notice.Status.values)}")
    search = str(search or "").strip()[:100]
    start = min(parse_int(limit_start, "limit_start", 0), MAX_START)  # beyond it, MariaDB's OFFSET overflows
    page_length = min(parse_int(limit_page_length, "limit_page_length", NOTICE_PAGE) or NOTICE_PAGE, 100)
    notices = readable_rows(request.user, meta_of(Notice))
    if search:
        notices = notices.filter(Q(number__icontains=search) | Q(title__icontains=search))
    counts = dict(notices.order_by().values_list("status").annotate(n=Count("pk")))
    if status == IN_FORCE:
        notices = notices.exclude(status=Notice.Status.VOID)
    elif status:
        notices = notices.filter(status=status)
    page = notices.select_related("issued_by", "print_format").order_by("-creation", "-pk")
    return {
        "notices": [notice_row(n) for n in page[start : start + page_length]],
        "total": notices.count(),
        "counts": {
            IN_FORCE: sum(n for s, n in counts.items() if s != Notice.Status.VOID),
            **{s: counts.get(s, 0) for s in Notice.Status.values},
        },
        "can_manage": can(request.user, "write", Notice),
    }


@whitelist("frappe.utils.print_format.regenerate_notice", methods=("POST",))
def regenerate_notice(request, name):
    """重新生成公文的 PDF：发文字号、成文日期不变，按现在的打印格式和单据内容重新排版；在后台进行。"""
    notice = service.regenerate(request.user, _readable_notice(request, name))
    return notice_row(Notice.objects.select_related("issued_by", "print_format").get(pk=notice.pk))


@whitelist("frappe.utils.print_format.void_notice", methods=("POST",))
def void_notice(request, name):
    """作废公文：发文字号不再使用，也不会分给其他公文；原单据可重新印发，取下一个发文字号。"""
    notice = service.void(request.user, _readable_notice(request, name))
    return notice_row(Notice.objects.select_related("issued_by", "print_format").get(pk=notice.pk))
