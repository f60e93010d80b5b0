"""Print formats, letterheads, fonts and issued notices in the admin.

A format is edited with its blocks as cards (templates in a monospace box) and
previewed on any document of its doctype from its own page. Notices are the
register of what was issued: issuing happens from a document's 打印 page
(views.py), the list only regenerates a PDF or voids a notice, through the
service like every other caller.
"""

from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.utils.html import format_html

from apps.lowcode.admin.base import ChildTableStackedInline, DocumentAdmin, change_url
from apps.lowcode.admin.doctype_filter import doctype_list_filter
from apps.lowcode.admin.workflow import document_type_choices
from apps.lowcode.doctype import doctype_registry
from apps.lowcode.exceptions import FrappeError
from apps.lowcode.permissions import scope_queryset
from apps.lowcode.print_format import service
from apps.lowcode.print_format.fitness import unfit_reason
from apps.lowcode.print_format.loader import digest
from apps.lowcode.print_format.model import (
    LetterHead,
    Notice,
    PrintFont,
    PrintFormat,
    PrintFormatBlock,
)
from apps.lowcode.print_format.template import cn_date

RECORD = ("记录信息", {"fields": ("owner", "creation", "modified", "modified_by")})
PREVIEW_RECORDS = 50


def template_box(rows: int) -> forms.Textarea:
    """A wide monospace box: templates are code, their braces and pipes must line up."""
    return forms.Textarea(
        attrs={
            "rows": rows,
            "class": "vLargeTextField print-template",
            "spellcheck": "false",
            "style": "width: 100%; font-family: var(--bs-font-monospace, monospace); font-size: .85rem",
        }
    )


DOWNLOAD_PDF = "/api/method/frappe.utils.print_format.download_pdf"


def download_pdf_url(doctype: str, name: str, format_name: str, inline: bool = True) -> str:
    """Frappe's download_pdf for one document; inline shows it in the browser's PDF viewer."""
    query = {"doctype": doctype, "name": name, "format": format_name}
    if inline:
        query["inline"] = 1
    return f"{DOWNLOAD_PDF}?{urlencode(query)}"


class PrintFormatForm(forms.ModelForm):
    doc_type = forms.ChoiceField(
        label="打印的单据类型",
        choices=document_type_choices,
        help_text="这种单据的表单页上出现“打印”按钮，可按本格式预览、印发",
    )

    class Meta:
        model = PrintFormat
        fields = "__all__"
        labels = {"name": "名称"}
        widgets = {
            "title": template_box(2),
            "addressees": template_box(2),
            "cc": template_box(2),
        }


class PrintFormatBlockInline(ChildTableStackedInline):
    model = PrintFormatBlock
    template = "lowcode/print/block_stacked.html"  # cards titled 内容块 N · 位置, with their sections
    fieldsets = (
        (None, {"fields": ("idx", "placement", "orientation", "title", "text")}),
        (
            "表格",
            {
                "fields": (
                    "table_rows",
                    "table_group_by",
                    "table_group_title",
                    "table_columns",
                    "table_font_size",
                    "text_after",
                ),
                "description": "不需要表格时，表格数据和表格列留空。",
            },
        ),
    )
    formfield_overrides = {
        models.TextField: {"widget": template_box(2)},
        models.CharField: {
            "widget": forms.TextInput(
                attrs={"class": "vTextField", "style": "width: 100%; font-family: var(--bs-font-monospace, monospace)"}
            )
        },
        models.DecimalField: {
            "widget": forms.NumberInput(attrs={"class": "form-control", "step": "0.5", "style": "max-width: 8rem"})
        },
    }

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in ("text", "table_columns"):
            kwargs["widget"] = template_box(7)
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class PrintSettingsAdmin(DocumentAdmin):
    """Configuration, not documents: no attachments card on their forms."""

    def attachments_context(self, request, obj) -> dict:
        return {}


@admin.register(PrintFormat)
class PrintFormatAdmin(PrintSettingsAdmin):
    form = PrintFormatForm
    change_form_template = "lowcode/print/print_format_change_form.html"
    list_display = ("format_name", "doc_type_display", "layout_display", "letter_head", "disabled")
    list_filter = (doctype_list_filter("doc_type"), "layout", "disabled")
    search_fields = ("name", "doc_type", "title")
    list_select_related = ("letter_head",)
    inlines = [PrintFormatBlockInline]
    readonly_fields = DocumentAdmin.readonly_fields + ("standard_state",)
    fieldsets = (
        ("基本信息", {"fields": ("name", "doc_type", "layout", "letter_head", "disabled", "standard_state")}),
        (
            "公文要素",
            {
                "fields": ("title", "addressees", "signature", "date_field", "number_field", "cc", "printed_by"),
                "description": "标题、主送、署名、抄送、印发机关为模板：{{ doc.字段名 }} 取单据的字段，子表为一组行，"
                "链接字段只印所链接记录的名称（不能再取其字段）；过滤器 cn_date（中文日期）、"
                "cn_index（一、二、）、num、yi（万元→亿元）、total、lines、join_cn。"
                "模板用到单据以外的内容时不能保存。",
            },
        ),
        RECORD,
    )

    @admin.display(description="名称", ordering="name")
    def format_name(self, obj):
        return obj.name

    @admin.display(description="打印的单据类型", ordering="doc_type")
    def doc_type_display(self, obj):
        model = doctype_registry.get(obj.doc_type)
        if model is None:
            return obj.doc_type
        return format_html('{} <span class="small text-muted">{}</span>', model._meta.verbose_name, obj.doc_type)

    @admin.display(description="版式", ordering="layout")
    def layout_display(self, obj):
        return obj.layout

    @admin.display(description="来源")
    def standard_state(self, obj):
        if obj is None or obj.pk is None or not obj.standard_digest:
            return "自定义格式"
        if digest(obj) == obj.standard_digest:
            return "随系统发布的标准格式（未修改，系统升级时随之更新）"
        return "标准格式，已由管理员修改（系统升级时不再覆盖）"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        context = dict(extra_context or {})
        if obj is not None:
            context.update(self.preview_context(request, obj))
        return super().change_view(request, object_id, form_url, context)

    def preview_context(self, request, print_format: PrintFormat) -> dict:
        """The latest documents of the format's doctype the user may read, to preview the saved format on."""
        model = doctype_registry.get(print_format.doc_type)
        if model is None:
            return {"preview_error": f"单据类型“{print_format.doc_type}”不存在"}
        if print_format.disabled:
            return {"preview_error": "该格式已停用，启用后才能预览"}
        ordering = "-modified" if any(f.name == "modified" for f in model._meta.fields) else "-pk"
        # Only documents the format fits (a year's notice is not previewed on a quarter): fitness.py.
        latest = scope_queryset(request.user, model).order_by(ordering)[: PREVIEW_RECORDS * 5]
        records = [doc for doc in latest if not unfit_reason(print_format, doc)][:PREVIEW_RECORDS]
        return {
            "preview_records": [
                (doc.name, doc.name if str(doc) == doc.name else f"{doc}（{doc.name}）") for doc in records
            ],
            "preview_action": DOWNLOAD_PDF,
        }


class LetterHeadForm(forms.ModelForm):
    class Meta:
        model = LetterHead
        fields = "__all__"
        labels = {"name": "名称"}


@admin.register(LetterHead)
class LetterHeadAdmin(PrintSettingsAdmin):
    form = LetterHeadForm
    list_display = ("name", "issuer_mark", "number_pattern", "signature", "printed_by")
    search_fields = ("name", "issuer_mark", "number_pattern")
    fieldsets = (
        ("基本信息", {"fields": ("name", "issuer_mark", "mark_suffix", "number_pattern", "signature", "printed_by")}),
        RECORD,
    )


@admin.register(PrintFont)
class PrintFontAdmin(PrintSettingsAdmin):
    list_display = ("role", "family", "font_file", "modified")
    readonly_fields = DocumentAdmin.readonly_fields + ("family",)
    fieldsets = (
        (
            "基本信息",
            {
                "fields": ("role", "font_file", "family"),
                "description": "上传的 TrueType 字体（.ttf/.ttc）替换该用途的内置字体（AR PL UMing、文泉驿正黑、AR PL UKai）。"
                "CFF 轮廓的 OpenType 字体（.otf，如思源、Noto）无法嵌入 PDF。请确认字体的授权允许嵌入。",
            },
        ),
        RECORD,
    )


class NoticeStatusFilter(admin.SimpleListFilter):
    """状态, with 未作废 (what is in force) first."""

    title = "状态"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("valid", "未作废"), *Notice.Status.choices]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "valid":
            return queryset.exclude(status=Notice.Status.VOID)
        if value in Notice.Status.values:
            return queryset.filter(status=value)
        return queryset


STATUS_BADGES = {
    Notice.Status.QUEUED: "bg-secondary",
    Notice.Status.RENDERING: "bg-info",
    Notice.Status.READY: "bg-success",
    Notice.Status.FAILED: "bg-danger",
    Notice.Status.VOID: "bg-dark",
}


@admin.register(Notice)
class NoticeAdmin(PrintSettingsAdmin):
    """已印发公文: read-only; issued from a document's 打印 page, regenerated or voided here."""

    list_display = (
        "number_display",
        "title",
        "issue_date_display",
        "status_display",
        "pages",
        "issuer",
        "document_link",
        "download",
    )
    list_display_links = ("number_display",)
    change_list_template = "lowcode/print/notice_change_list.html"
    list_filter = (NoticeStatusFilter, "print_format", "issue_date")
    list_select_related = ("issued_by", "print_format")
    search_fields = ("number", "title", "reference_name")
    actions = ["regenerate_notices", "void_notices"]
    fieldsets = (
        ("基本信息", {"fields": ("number", "title", "issue_date", "print_format", "document_link", "issuer")}),
        ("生成情况", {"fields": ("status", "progress", "progress_note", "error", "pages", "download")}),
        RECORD,
    )
    readonly_fields = (
        "number",
        "title",
        "issue_date",
        "print_format",
        "document_link",
        "issuer",
        "status",
        "progress",
        "progress_note",
        "error",
        "pages",
        "download",
        *DocumentAdmin.readonly_fields,
    )

    def has_add_permission(self, request):
        return False  # issued from the document's 打印 page, with the next 发文字号

    def has_delete_permission(self, request, obj=None):
        return False  # a 发文字号 is never given back: void instead

    def has_change_permission(self, request, obj=None):
        # The list's actions need the role's change right; a notice itself is never edited.
        return obj is None and super().has_change_permission(request)

    @admin.display(description="发文字号", ordering="number")
    def number_display(self, obj):
        return format_html('<span class="text-nowrap">{}</span>', obj.number)

    @admin.display(description="成文日期", ordering="issue_date")
    def issue_date_display(self, obj):
        return format_html('<span class="text-nowrap">{}</span>', cn_date(obj.issue_date))

    @admin.display(description="印发人", ordering="issued_by__first_name")
    def issuer(self, obj):
        user = obj.issued_by
        return format_html(
            '<span class="text-nowrap">{}</span>', (user.get_full_name() or user.username) if user else "—"
        )

    @admin.display(description="状态", ordering="status")
    def status_display(self, obj):
        if obj.status in (Notice.Status.QUEUED, Notice.Status.RENDERING):
            return format_html(
                '<span class="badge {}">{} {}%</span>', STATUS_BADGES[obj.status], obj.status, obj.progress
            )
        badge = format_html(
            '<span class="badge {}">{}</span>', STATUS_BADGES.get(obj.status, "bg-secondary"), obj.status
        )
        if obj.status == Notice.Status.FAILED and obj.error:
            short = obj.error if len(obj.error) <= 60 else obj.error[:59] + "…"
            return format_html('{}<div class="small text-danger" title="{}">{}</div>', badge, obj.error, short)
        return badge

    @admin.display(description="单据")
    def document_link(self, obj):
        # The document's own page checks the reader's scope; the link only has to find it.
        model = doctype_registry.get(obj.reference_doctype)
        doc = model._default_manager.filter(name=obj.reference_name).first() if model else None
        label = f"{model._meta.verbose_name} {obj.reference_name}" if model else obj.reference_name
        return format_html('<a href="{}" class="text-nowrap">{}</a>', change_url(doc), label) if doc else label

    @admin.display(description="下载")
    def download(self, obj):
        if obj.status == Notice.Status.READY and obj.pdf:
            return format_html(
                '<a href="{}" class="notice-download text-nowrap"><i class="fas fa-file-pdf"></i> 下载 PDF</a>',
                obj.pdf_url,
            )
        return "—"

    def _each_notice(self, request, queryset, act, done: str):
        succeeded = 0
        for notice in queryset:
            try:
                act(request.user, notice)
            except FrappeError as exc:
                messages.error(request, f"{notice.number}：{exc.message}")
            else:
                succeeded += 1
        if succeeded:
            messages.success(request, done.format(count=succeeded))

    @admin.action(description="重新生成所选公文的 PDF", permissions=["change"])
    def regenerate_notices(self, request, queryset):
        self._each_notice(
            request, queryset, service.regenerate, "已提交 {count} 份公文重新生成 PDF（发文字号不变），请稍后刷新查看"
        )

    @admin.action(description="作废所选公文", permissions=["change"])
    def void_notices(self, request, queryset):
        self._each_notice(request, queryset, service.void, "已作废 {count} 份公文；发文字号不再使用，单据可重新印发")
