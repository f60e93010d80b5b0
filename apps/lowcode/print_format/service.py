"""Printing and issuing documents: the one place the API, the admin and the jobs go through.

*Printing* (预览/打印) makes a PDF of a document as it stands, for anyone who
may read it. *Issuing* (印发) is the office's act: it takes the next 发文字号
in the same transaction that records the :class:`Notice`, and the PDF is made
by a background job that reports its progress on the Notice.
"""

import logging
from dataclasses import dataclass
from datetime import date

from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from apps.lowcode.doctype.events import run_doc_event
from apps.lowcode.doctype.meta import get_meta
from apps.lowcode.document.service import get_document
from apps.lowcode.exceptions import DoesNotExistError, PermissionError, ValidationError
from apps.lowcode.jobs import progress, redis_configured
from apps.lowcode.jobs.progress import publish_progress
from apps.lowcode.permissions import can
from apps.lowcode.print_format import numbering
from apps.lowcode.print_format.compose import ComposeError, compose, document_context
from apps.lowcode.print_format.fitness import unfit_reason
from apps.lowcode.print_format.model import Notice, PrintFormat
from apps.lowcode.print_format.pdf import render_pdf
from apps.lowcode.print_format.template import cn_date, render
from apps.lowcode.roles import roles_phrase

logger = logging.getLogger(__name__)


@dataclass
class Printed:
    pdf: bytes
    pages: int
    file_name: str


def formats_for(doctype: str):
    return PrintFormat.objects.filter(doc_type=doctype, disabled=False).order_by("name")


def fitting_formats(doc) -> list[PrintFormat]:
    """The enabled formats of the document's doctype that fit it (fitness.py): what the print page offers."""
    return [f for f in formats_for(type(doc).doctype).select_related("letter_head") if not unfit_reason(f, doc)]


def format_for(doc, name: str | None) -> PrintFormat:
    """The named format of the document's doctype, or its first fitting one when no name is given
    (Frappe's "Standard"); a format that does not fit the document is refused, saying why."""
    doctype = type(doc).doctype
    if not name:
        fitting = fitting_formats(doc)
        if not fitting:
            raise DoesNotExistError(f"“{doctype}”没有适用于该单据的打印格式")
        return fitting[0]
    print_format = formats_for(doctype).select_related("letter_head").filter(name=name).first()
    if print_format is None:
        raise DoesNotExistError(f"打印格式“{name}”不存在或已停用")
    reason = unfit_reason(print_format, doc)
    if reason:
        raise ValidationError(reason)
    return print_format


def print_page_url(doc) -> str:
    """The document's 打印 page in the admin, or "" when no enabled format fits it."""
    doctype = getattr(type(doc), "doctype", "")
    if not doctype or not doc.name or not fitting_formats(doc):
        return ""
    return reverse("print-page", args=[doctype, doc.name])


def readable_document(user, doctype: str, name: str):
    try:
        meta = get_meta(doctype)
    except KeyError:
        raise DoesNotExistError(f"单据类型 {doctype} 不存在") from None
    return get_document(user, meta, name)


def file_name(text: str) -> str:
    keep = "".join(ch for ch in text.replace("\n", "") if ch not in '\\/:*?"<>|').strip()
    return f"{keep[:80] or '打印'}.pdf"


def compose_document(user, doctype: str, name: str, format_name: str | None = None):
    """The printed text of a document the user may read, in a format of its doctype, and that format."""
    doc = readable_document(user, doctype, name)
    print_format = format_for(doc, format_name)
    run_doc_event(doc, "before_print", user=user, print_format=print_format)
    try:
        return compose(print_format, doc, number=existing_number(print_format, doc)), print_format
    except ComposeError as exc:
        raise ValidationError(f"打印格式“{print_format.name}”：{exc}") from None


def print_document(user, doctype: str, name: str, format_name: str | None = None) -> Printed:
    """The PDF of a document the user may read, in a format of its doctype."""
    composed, print_format = compose_document(user, doctype, name, format_name)
    pdf, pages = render_pdf(composed)
    return Printed(pdf, pages, file_name(composed.title or print_format.name))


def existing_number(print_format: PrintFormat, doc) -> str:
    """The 发文字号 the document already carries, or that an issued notice gave it."""
    if print_format.number_field:
        value = getattr(doc, print_format.number_field, "") or ""
        if value:
            return str(value)
    notice = issued_notice(print_format, doc)
    return notice.number if notice else ""


def issued_notice(print_format: PrintFormat, doc) -> Notice | None:
    return (
        Notice.objects.filter(print_format=print_format, reference_doctype=type(doc).doctype, reference_name=doc.name)
        .exclude(status=Notice.Status.VOID)
        .first()
    )


def issue_date_from(text) -> date | None:
    """The 成文日期 a user typed (YYYY-MM-DD); None when blank (the document's own date, else today)."""
    text = str(text or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError(f"成文日期“{text}”无效，应为 YYYY-MM-DD") from None


def notice_date(print_format: PrintFormat, doc, typed: date | None) -> date:
    """The one 成文日期 of a notice: the document's own when it carries one (a typed date must agree),
    else the date typed, else today (Beijing)."""
    own = numbering.document_date(print_format, doc)
    if own is not None:
        if typed is not None and typed != own:
            raise ValidationError(
                f"该单据自带成文日期{cn_date(own)}，与填写的{cn_date(typed)}不一致；"
                f"公文只有一个成文日期，如需更改请先修改单据"
            )
        return own
    return typed or timezone.localdate()


def issue(user, doctype: str, name: str, format_name: str | None = None, issue_date: date | None = None) -> Notice:
    """印发: number the document and record the Notice; the PDF follows from a background job."""
    if not can(user, "create", Notice):
        raise PermissionError(f"只有{roles_phrase('lowcode.add_notice')}可以印发公文")
    doc = readable_document(user, doctype, name)
    print_format = format_for(doc, format_name)
    if not print_format.is_official or print_format.letter_head is None:
        raise ValidationError(f"“{print_format.name}”是表单格式，只能打印，不能印发")
    existing = issued_notice(print_format, doc)
    if existing is not None:
        raise ValidationError(
            f"该文件已印发（{existing.number}），如需重新生成请在“已印发公文”中操作，作废后方可重新印发"
        )
    run_doc_event(doc, "before_issue", user=user, print_format=print_format)
    issue_date = notice_date(print_format, doc, issue_date)
    with transaction.atomic():
        number = number_for(print_format, doc, issue_date)
        try:
            title = title_of(print_format, doc, number, issue_date)
        except ComposeError as exc:
            raise ValidationError(f"打印格式“{print_format.name}”：{exc}") from None
        notice = Notice(
            print_format=print_format,
            reference_doctype=doctype,
            reference_name=doc.name,
            number=number,
            title=title,
            issue_date=issue_date,
            owner=user,
            modified_by=user,
            issued_by=user,
        )
        notice.save()
        transaction.on_commit(lambda: start_job(notice))
    return notice


def number_for(print_format: PrintFormat, doc, issue_date: date) -> str:
    pattern = print_format.letter_head.number_pattern
    carried = getattr(doc, print_format.number_field, "") if print_format.number_field else ""
    if carried:
        if Notice.objects.filter(number=carried).exists():  # voided ones too: a number is never reused
            raise ValidationError(f"发文字号 {carried} 已被其他公文使用（含已作废的），请先修改单据的发文字号")
        numbering.mark_used(pattern, carried)
        return carried
    return numbering.take_next(pattern, numbering.document_year(print_format, doc, issue_date))


def title_of(print_format: PrintFormat, doc, number: str, issue_date: date) -> str:
    """The notice's title on one line, from the same context the PDF is composed with."""
    context = document_context(doc, notice={"number": number, "issue_date": issue_date})
    return render(print_format.title, context).replace("\n", "").strip()[:300]


def start_job(notice: Notice) -> None:
    """Generate the PDF as a tracked job: its progress is on the Notice and at lowcode.api.get_job_status."""
    # Safe to run again (the number was taken when the notice was issued; the job only lays out the PDF),
    # so a worker that dies in the middle (killed, out of memory) leaves the job to run once more.
    job = progress.start(notice.issued_by, f"生成公文 {notice.number}", generate_notice_pdf, notice.pk, retries=2)
    if redis_configured():
        Notice.objects.filter(pk=notice.pk).update(rq_job=job.id)


class ProgressReporter:
    """Writes the job's progress onto the Notice, at most once per 2 %, for the page that polls it."""

    def __init__(self, notice_pk: int, start: int, end: int):
        self.notice_pk, self.start, self.end, self.last = notice_pk, start, end, -1

    def __call__(self, fraction: float, note: str) -> None:
        percent = int(self.start + (self.end - self.start) * min(max(fraction, 0.0), 1.0))
        if percent - self.last >= 2 or fraction >= 1:
            self.last = percent
            Notice.objects.filter(pk=self.notice_pk).update(progress=percent, progress_note=note[:200])
            publish_progress(percent, 100, note)  # also where the job's status is read (lowcode.api.get_job_status)


def generate_notice_pdf(notice_pk: int) -> str:
    """The background job: compose and lay out the notice, store its PDF. Returns the Notice's name."""
    notice = Notice.objects.select_related("print_format__letter_head").get(pk=notice_pk)
    # A notice voided while it waited (or while an earlier run was retried) is not made any more.
    if not in_force(notice_pk).update(
        status=Notice.Status.RENDERING, progress=1, error="", progress_note="正在读取数据"
    ):
        return notice.name
    try:
        from apps.lowcode.doctype import get_doctype_model

        doc = get_doctype_model(notice.reference_doctype).objects.get(name=notice.reference_name)
        composed = compose(
            notice.print_format,
            doc,
            number=notice.number,
            issue_date=notice.issue_date,
            progress=ProgressReporter(notice_pk, 2, 40),
        )
        pdf, pages = render_pdf(composed, progress=ProgressReporter(notice_pk, 40, 98))
    except Exception as exc:  # the notice records why, for the office to fix the format and retry
        logger.exception("notice %s failed", notice.name)
        message = str(exc) if isinstance(exc, (ComposeError, ValidationError)) else f"生成失败：{exc!r}"
        in_force(notice_pk).update(status=Notice.Status.FAILED, error=message[:2000], progress_note="生成失败")
        return notice.name
    notice.pdf.save(file_name(f"{notice.number}{composed.title}"), ContentFile(pdf), save=False)
    # Voided while it was being made: it stays void (the file is kept, as for any voided notice).
    in_force(notice_pk).update(
        pdf=notice.pdf.name,
        pages=pages,
        status=Notice.Status.READY,
        progress=100,
        progress_note=f"已生成，共 {pages} 页",
    )
    return notice.name


def in_force(notice_pk: int):
    """The notice, unless it was voided: what the PDF job may still write to."""
    return Notice.objects.filter(pk=notice_pk).exclude(status=Notice.Status.VOID)


def _record(user, notice: Notice, reason: str) -> Notice:
    """Save a change the office made to a notice: its field history says who did what (the admin's 历史),
    and the apps' on_update events run, as for any other save of a document."""
    notice.modified_by = user
    notice._history_user = user
    notice._change_reason = reason[:100]  # simple-history's history_change_reason is 100 characters
    notice.save()
    run_doc_event(notice, "on_update", user=user)
    return notice


def _locked(notice: Notice) -> Notice:
    """The notice's row, locked for the rest of the transaction: two clerks (or a clerk and the admin)
    acting on it at once are served one after the other, each seeing what the other left."""
    return Notice.objects.select_for_update().get(pk=notice.pk)


def regenerate(user, notice: Notice) -> Notice:
    """Make the PDF again (after a format fix), keeping the 发文字号. The one path of the admin's action and
    the API's frappe.utils.print_format.regenerate_notice."""
    if not can(user, "write", Notice):
        raise PermissionError(f"只有{roles_phrase('lowcode.change_notice')}可以重新生成公文")
    with transaction.atomic():
        notice = _locked(notice)
        if notice.status == Notice.Status.VOID:
            raise ValidationError("已作废的公文不能重新生成")
        if notice.status in (Notice.Status.QUEUED, Notice.Status.RENDERING):
            raise ValidationError("该公文正在生成，请稍候")
        notice.status, notice.progress, notice.progress_note, notice.error = Notice.Status.QUEUED, 0, "", ""
        _record(user, notice, "重新生成 PDF（发文字号不变）")
        transaction.on_commit(lambda: start_job(notice))
    return notice


def void(user, notice: Notice) -> Notice:
    """作废: the number stays taken (never reused); the document can then be issued anew. The one path of
    the admin's action and the API's frappe.utils.print_format.void_notice."""
    if not can(user, "write", Notice):
        raise PermissionError(f"只有{roles_phrase('lowcode.change_notice')}可以作废公文")
    with transaction.atomic():
        notice = _locked(notice)
        if notice.status == Notice.Status.VOID:
            raise ValidationError("该公文已经作废")
        # A PDF being made is left to its job, which writes nothing to a voided notice (in_force).
        notice.status = Notice.Status.VOID
        _record(user, notice, f"作废（发文字号 {notice.number} 不再使用）")
    return notice
