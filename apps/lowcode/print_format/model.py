"""Print formats as data (Frappe's Print Format and Letter Head), fonts, and the register of issued notices.

An administrator edits a format in the admin: the frame of an official
document (title, 主送, signature, 成文日期, 抄送, 印发) as short templates, and
an ordered list of blocks (paragraphs and tables, on the first pages or as
附件). The renderer (render.py) lays them out after GB/T 9704-2012.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from apps.lowcode.doctype import ChildDocument, Document

# The 发文字号 pattern's rule lives with its field; issuing numbers is numbering.py's.
PLACEHOLDERS = ("{year}", "{number}")


def pattern_errors(pattern: str) -> list[str]:
    """What is wrong with a 发文字号 pattern, in Chinese (empty when it is usable)."""
    errors = [f"发文字号格式须包含 {p}" for p in PLACEHOLDERS if pattern.count(p) != 1]
    if not errors and pattern.index("{year}") > pattern.index("{number}"):
        errors.append("发文字号格式中 {year} 应在 {number} 之前")
    leftover = pattern.replace("{year}", "").replace("{number}", "")
    if "{" in leftover or "}" in leftover:
        errors.append("发文字号格式只能使用 {year} 和 {number} 两个占位符")
    return errors


class LetterHead(Document):
    """The issuing body's letterhead: 发文机关标志 in red and its 发文字号 series."""

    doctype = "Letter Head"
    naming_rule = "prompt"

    issuer_mark = models.CharField(
        "发文机关标志", max_length=100, help_text="红色版头上的机关名称，例如 某市科技创新工作领导小组"
    )
    mark_suffix = models.CharField(
        "标志后缀", max_length=10, blank=True, default="", help_text="如“文件”；信函式通知一般不加"
    )
    number_pattern = models.CharField(
        "发文字号格式", max_length=100, help_text="{year} 为年份，{number} 为序号，例如 某科字〔{year}〕{number}号"
    )
    signature = models.CharField("发文机关署名", max_length=100)
    printed_by = models.CharField(
        "印发机关", max_length=100, blank=True, help_text="版记中的印发机关，例如 某市科技创新工作领导小组办公室"
    )

    class Meta:
        verbose_name = "版头"
        verbose_name_plural = "版头与发文字号"

    def clean(self):
        super().clean()
        errors = pattern_errors(self.number_pattern or "")
        if errors:
            raise ValidationError({"number_pattern": errors})


class PrintFormat(Document):
    """How one doctype prints: an official document (公文) or a form (表单)."""

    doctype = "Print Format"
    naming_rule = "prompt"

    class Layout(models.TextChoices):
        OFFICIAL = "公文", "公文（红头、发文字号、版记）"
        FORM = "表单", "表单（无红头）"

    doc_type = models.CharField(
        "打印的单据类型", max_length=140, help_text="例如 Action Plan、Assessment Period、SelfAssessment"
    )
    layout = models.CharField("版式", max_length=4, choices=Layout.choices, default=Layout.OFFICIAL)
    letter_head = models.ForeignKey(
        LetterHead,
        verbose_name="版头",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text="公文版式必填：决定发文机关标志和发文字号",
    )
    disabled = models.BooleanField("停用", default=False)
    title = models.TextField("标题", help_text="模板，例如 关于印发《{{ doc.title }}》的通知；换行即标题换行")
    addressees = models.TextField("主送机关", blank=True)
    signature = models.CharField("发文机关署名", max_length=200, blank=True, help_text="留空则用版头的署名")
    date_field = models.CharField(
        "成文日期字段",
        max_length=140,
        blank=True,
        help_text="单据自带成文日期的字段名（如 issue_date）：有值时公文印此日期，登记、发文字号年份都用它；"
        "留空则为印发时填写的日期。表单版式不印成文日期",
    )
    number_field = models.CharField(
        "发文字号字段",
        max_length=140,
        blank=True,
        help_text="单据自带发文字号的字段名（如 document_number）；有值时沿用，不另行编号",
    )
    cc = models.TextField("抄送", blank=True)
    printed_by = models.CharField("印发机关", max_length=200, blank=True, help_text="留空则用版头的印发机关")
    standard_digest = models.CharField(
        "标准格式摘要",
        max_length=64,
        blank=True,
        editable=False,
        help_text="随系统发布的格式载入时的摘要；管理员修改后不再被覆盖",
    )

    class Meta:
        verbose_name = "打印格式"
        verbose_name_plural = "打印格式"
        ordering = ["doc_type", "name"]

    def clean(self):
        super().clean()
        from apps.lowcode.print_format.validation import format_errors

        errors = format_errors(self)
        if errors:
            raise ValidationError(errors)

    @property
    def is_official(self) -> bool:
        return self.layout == self.Layout.OFFICIAL


class PrintFormatBlock(ChildDocument):
    """One part of the printed text: paragraphs, a table, or both, in order."""

    doctype = "Print Format Block"

    class Placement(models.TextChoices):
        FLOW = "接排", "接排（紧接上文）"
        NEW_PAGE = "另页", "另起一页（如所印发的方案正文）"
        ATTACHMENT = "附件", "附件（另起一页，编“附件N”，列入附件说明）"

    class Orientation(models.TextChoices):
        PORTRAIT = "纵向", "纵向"
        LANDSCAPE = "横向", "横向（宽表格）"

    print_format = models.ForeignKey(
        PrintFormat, verbose_name="打印格式", on_delete=models.CASCADE, related_name="blocks"
    )
    placement = models.CharField("位置", max_length=4, choices=Placement.choices, default=Placement.FLOW)
    orientation = models.CharField("页面方向", max_length=4, choices=Orientation.choices, default=Orientation.PORTRAIT)
    title = models.TextField("标题", blank=True, help_text="另页和附件的标题，居中；模板")
    text = models.TextField(
        "正文",
        blank=True,
        help_text="模板；每行一段。以“一、”开头的段落用黑体，以“（一）”开头的用楷体；"
        "有表格时为表前说明（如 单位：万元），左对齐",
    )
    table_rows = models.CharField(
        "表格数据",
        max_length=200,
        blank=True,
        help_text="表格的行来自何处：单据的子表（如 doc.lines）或应用提供的列表（如 projects）；留空则无表格",
    )
    table_group_by = models.CharField(
        "分组字段", max_length=100, blank=True, help_text="按此字段分组，每组前加一行组标题"
    )
    table_group_title = models.CharField(
        "组标题",
        max_length=300,
        blank=True,
        help_text="模板，可用 group.key、group.rows、group.index，例如 {{ group.index|cn_index }}、{{ group.key }}",
    )
    table_columns = models.TextField(
        "表格列",
        blank=True,
        help_text="每行一列：表头 | 内容模板 | 宽度（毫米） | 对齐（左/中/右，可省）。例如 序号 | {{ row.number }} | 12 | 中",
    )
    table_font_size = models.DecimalField("表格字号（磅）", max_digits=4, decimal_places=1, default=12)
    text_after = models.TextField("表后文字", blank=True, help_text="模板；表格之后的段落，例如 合计、填表说明")

    class Meta(ChildDocument.Meta):
        verbose_name = "内容块"
        verbose_name_plural = "内容块"

    def clean(self):
        super().clean()
        from apps.lowcode.print_format.validation import block_errors

        errors = block_errors(self)
        if errors:
            raise ValidationError(errors)


class PrintFont(Document):
    """A TrueType font an administrator uploads (仿宋_GB2312, 方正小标宋…); it replaces the built-in one of its role."""

    doctype = "Print Font"

    class Role(models.TextChoices):
        BODY = "仿宋", "正文（仿宋）"
        TITLE = "小标宋", "标题与发文机关标志（小标宋）"
        HEADING = "黑体", "一级标题与附件标识（黑体）"
        SUBHEADING = "楷体", "二级标题（楷体）"

    role = models.CharField("用途", max_length=4, choices=Role.choices, unique=True)
    font_file = models.FileField("字体文件（TTF/TTC）", upload_to="private/fonts", max_length=300)
    family = models.CharField("字体名称", max_length=140, blank=True, editable=False)

    class Meta:
        verbose_name = "打印字体"
        verbose_name_plural = "打印字体"

    def autoname(self):
        return self.role

    def clean(self):
        super().clean()
        from apps.lowcode.print_format.fonts import FontError, inspect_font  # reportlab, when a font is saved

        if not self.font_file:
            return
        try:
            self.family = inspect_font(self.font_file)
        except FontError as exc:
            raise ValidationError({"font_file": str(exc)}) from None


class NumberSeries(models.Model):
    """The last 发文字号 given under one prefix (某科字〔2023〕): numbers are never reused or skipped."""

    prefix = models.CharField("字号前缀", max_length=140, unique=True)
    current = models.PositiveIntegerField("已用到", default=0)

    class Meta:
        verbose_name = "发文字号序列"
        verbose_name_plural = "发文字号序列"

    def __str__(self):
        return f"{self.prefix}{self.current}号"


class Notice(Document):
    """An issued document (通知/通报): its 发文字号, what it prints, and the PDF made from it."""

    doctype = "Notice"

    class Status(models.TextChoices):
        QUEUED = "排队中", "排队中"
        RENDERING = "生成中", "生成中"
        READY = "已生成", "已生成"
        FAILED = "生成失败", "生成失败"
        VOID = "已作废", "已作废"

    print_format = models.ForeignKey(
        PrintFormat, verbose_name="打印格式", on_delete=models.PROTECT, related_name="notices"
    )
    reference_doctype = models.CharField("单据类型", max_length=140)
    reference_name = models.CharField("单据编号", max_length=140)
    number = models.CharField("发文字号", max_length=140, unique=True, editable=False)
    title = models.CharField("标题", max_length=300, blank=True, editable=False)
    issue_date = models.DateField("成文日期")
    status = models.CharField("状态", max_length=8, choices=Status.choices, default=Status.QUEUED, editable=False)
    progress = models.PositiveSmallIntegerField("进度（%）", default=0, editable=False)
    progress_note = models.CharField("进度说明", max_length=200, blank=True, editable=False)
    error = models.TextField("错误信息", blank=True, editable=False)
    pdf = models.FileField("PDF", upload_to="private/notices/%Y", blank=True, max_length=300, editable=False)
    pages = models.PositiveSmallIntegerField("页数", default=0, editable=False)
    rq_job = models.CharField("后台任务", max_length=100, blank=True, editable=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="印发人",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "公文"
        verbose_name_plural = "已印发公文"
        ordering = ["-creation"]
        indexes = [models.Index(fields=["reference_doctype", "reference_name"])]

    def __str__(self):
        return f"{self.number} {self.title}".strip()

    @property
    def pdf_url(self) -> str:
        return f"/api/method/frappe.utils.print_format.download_notice?name={self.name}"
