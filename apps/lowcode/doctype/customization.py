"""Custom fields and property setters: what an administrator changes on a doctype, as data.

They are part of the document core because the meta is built from them (customized.py). Their rules
(what an administrator may not do to a doctype) check links and scopes, so they live above, in
apps/lowcode/customize/validation.py, and run as these doctypes' validate event (apps/lowcode/hooks.py).
"""

import re
import unicodedata

from django.db import models
from pypinyin import lazy_pinyin

from apps.lowcode.doctype import ChildDocument, Document, doctype_registry, version

FIELDNAME_PATTERN = re.compile(r"^custom_[a-z][a-z0-9_]{0,60}$")
FIELDNAME_BASE_LENGTH = 50  # room left for a _2, _3 … suffix within the pattern


def scrub_label(label: str) -> str:
    """A label as the words of a fieldname, as Frappe's Custom Field scrubs it (lower case, spaces and
    punctuation to ``_``), with Chinese characters spelled in pinyin without tones so that names stay
    ASCII and readable: 任务级别 → ren_wu_ji_bie, 资金（万元） → zi_jin_wan_yuan, Budget Amount → budget_amount."""
    words = "_".join(w.strip() for w in lazy_pinyin(label or "") if w.strip())
    words = unicodedata.normalize("NFKD", words).encode("ascii", "ignore").decode()  # café → cafe
    text = re.sub(r"[^a-z0-9]+", "_", words.lower()).strip("_")
    if not text or not text[0].isalpha():  # 2024年目标: a fieldname starts with a letter
        text = f"field_{text}".rstrip("_")
    return text[:FIELDNAME_BASE_LENGTH].rstrip("_")


def fieldname_for_label(dt: str, label: str, exclude_pk=None) -> str:
    """Frappe's ``custom_`` + scrubbed label, made unique within the doctype with _2, _3 …"""
    from apps.lowcode.doctype.meta import get_meta

    taken = set(CustomField.objects.filter(dt=dt).exclude(pk=exclude_pk).values_list("fieldname", flat=True))
    try:
        meta = get_meta(dt)
        taken |= {name for name, f in meta.fields.items() if not f.custom} | set(meta.tables)
    except KeyError:
        pass  # an unknown doctype is refused by the validation
    base = f"custom_{scrub_label(label)}"
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}_{number}"
    return candidate


class FieldType(models.TextChoices):
    """Frappe's fieldtypes an administrator may add (docs.frappe.io: Field Types)."""

    DATA = "Data", "文本"
    TEXT = "Small Text", "长文本"
    INT = "Int", "整数"
    FLOAT = "Float", "小数"
    CURRENCY = "Currency", "金额（万元）"
    DATE = "Date", "日期"
    SELECT = "Select", "下拉选项"
    CHECK = "Check", "勾选"
    LINK = "Link", "链接"
    MULTI_LINK = "Table MultiSelect", "多选链接"
    ATTACH = "Attach", "附件"


def customizable_doctypes() -> list[str]:
    """Top-level doctypes (child tables have no custom_values column)."""
    return sorted(
        name
        for name, model in doctype_registry.items()
        if issubclass(model, Document) and getattr(model, "customizable", True)
    )


def doctype_choices():
    from apps.lowcode.doctype.meta import get_meta

    return [(name, f"{get_meta(name).label}（{name}）") for name in customizable_doctypes()]


def labelled_doctypes() -> list[str]:
    """Doctypes whose labels an administrator may change: every one, child tables included, but the customisations'."""
    return sorted(name for name, model in doctype_registry.items() if getattr(model, "customizable", True))


def labelled_doctype_choices():
    from apps.lowcode.doctype.meta import get_meta

    return [(name, f"{get_meta(name).label}（{name}）") for name in labelled_doctypes()]


def linkable_doctype_choices():
    return [
        (name, f"{model._meta.verbose_name}（{name}）")
        for name, model in sorted(doctype_registry.items())
        if not issubclass(model, ChildDocument)
    ] + [("User", "用户（User）")]


class CustomField(Document):
    """A field an administrator adds to a doctype (Frappe's Custom Field)."""

    doctype = "Custom Field"
    customizable = False

    dt = models.CharField("单据类型", max_length=140)
    fieldname = models.CharField(
        "字段名",
        max_length=70,
        blank=True,  # then named from the label (clean_fields), as Frappe's Custom Field does
        help_text="以 custom_ 开头的英文小写字母、数字和下划线，例如 custom_cooperating_units；创建后不能修改",
    )
    label = models.CharField("标签", max_length=140)
    fieldtype = models.CharField("字段类型", max_length=20, choices=FieldType.choices, default=FieldType.DATA)
    options = models.TextField(
        "选项", blank=True, default="", help_text="下拉选项：每行一个选项；链接、多选链接：所链接的单据类型，例如 Unit"
    )
    reqd = models.BooleanField("必填", default=False)
    default = models.CharField(
        "默认值", max_length=255, blank=True, default="", help_text="新建记录时的取值；勾选填 1 或 0，日期填 2024-01-31"
    )
    description = models.CharField("帮助说明", max_length=255, blank=True, default="")
    insert_after = models.CharField(
        "位于字段之后", max_length=140, blank=True, default="", help_text="表单中紧随其后的字段名；留空则放在最后"
    )
    in_list_view = models.BooleanField("在列表中显示", default=False)
    in_standard_filter = models.BooleanField("用作列表筛选", default=False)

    class Meta:
        verbose_name = "自定义字段"
        verbose_name_plural = "自定义字段"
        ordering = ["dt", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["dt", "fieldname"],
                name="unique_custom_field",
                violation_error_message="该单据类型已有同名的自定义字段",
            )
        ]

    def autoname(self):
        return f"{self.dt}-{self.fieldname}"

    def clean_fields(self, exclude=None):
        """A new field without a name is named from its label (Frappe's Custom Field.set_fieldname), at
        every door: the admin, the API, imports and configuration loads all validate through here."""
        if not (self.fieldname or "").strip() and (self.label or "").strip() and self.dt and self.pk is None:
            self.fieldname = fieldname_for_label(self.dt, self.label.strip())
        super().clean_fields(exclude)

    def __str__(self):
        return f"{self.dt}：{self.label}（{self.fieldname}）"


class PropertySetter(Document):
    """Changes to a doctype or one of its built-in fields (Frappe's Property Setter, one row per field).

    Only what is safe without a migration. With no field (Frappe's "DocType" setter) it renames the
    doctype itself; on a field: its label, the labels of its choices (the stored values stay), the
    help text, making it required (never the reverse when the database needs a value), hiding it from
    the form, and its order in the form. Labels apply everywhere a user reads them (labels.py).
    """

    doctype = "Property Setter"
    customizable = False

    doc_type = models.CharField("单据类型", max_length=140)
    field_name = models.CharField(
        "字段名", max_length=140, blank=True, default="", help_text="留空则修改单据类型本身的名称（填在“标签”中）"
    )
    label = models.CharField("标签", max_length=140, blank=True, default="", help_text="留空则保持原标签")
    choice_labels = models.TextField(
        "选项显示文字",
        blank=True,
        default="",
        help_text="下拉选项字段：每行“存储值=显示文字”，例如 县级=街办、镇考评指标；存储值不变，已填的数据不受影响",
    )
    description = models.CharField("帮助说明", max_length=255, blank=True, default="", help_text="留空则保持原说明")
    reqd = models.BooleanField("必填", default=False, help_text="勾选后新建和修改时必须填写")
    hidden = models.BooleanField("在表单中隐藏", default=False)
    idx = models.PositiveSmallIntegerField(
        "表单中的次序", null=True, blank=True, help_text="同一分组内按此数字从小到大排列；留空则保持原位置"
    )

    class Meta:
        verbose_name = "字段属性"
        verbose_name_plural = "字段属性"
        ordering = ["doc_type", "idx", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["doc_type", "field_name"],
                name="unique_property_setter",
                violation_error_message="该字段已有属性设置，请修改那一条",
            )
        ]

    def autoname(self):
        return f"{self.doc_type}-{self.field_name or 'DocType'}"

    def __str__(self):
        return f"{self.doc_type}：{self.field_name or '单据类型名称'}"


version.watch(CustomField)
version.watch(PropertySetter)
