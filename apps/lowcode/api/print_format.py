"""Printing as Frappe has it: the PDF over /api/method (frappe.utils.print_format.download_pdf), the
print view as an HTML page (/printview), and issuing notices."""

from itertools import takewhile

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header

from apps.lowcode.doctype.meta import meta_of
from apps.lowcode.doctype.serialize import doc_to_dict
from apps.lowcode.document.service import get_document
from apps.lowcode.exceptions import DoesNotExistError, ValidationError
from apps.lowcode.print_format import service
from apps.lowcode.print_format.model import Notice, PrintFormatBlock
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
