"""Administrators customise doctypes here: 自定义字段 and 字段属性 (Frappe's Customize Form)."""

import json

from django import forms
from django.contrib import admin, messages

from apps.lowcode.admin.base import DocumentAdmin
from apps.lowcode.admin.doctype_filter import doctype_list_filter
from apps.lowcode.data_import.columns import form_fields
from apps.lowcode.doctype.customization import (
    CustomField,
    PropertySetter,
    customizable_doctypes,
    doctype_choices,
    labelled_doctype_choices,
    linkable_doctype_choices,
)
from apps.lowcode.doctype.meta import STANDARD_FIELDS, get_meta
from apps.lowcode.workflow.required_fields import opened_message


class RequiredFieldNoticeMixin:
    """Tells the administrator when a field made required was opened in the workflow's draft states
    (apps/lowcode/workflow/required_fields.py does it for every door; here it is said)."""

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        opened = getattr(form.instance, "opened_in_states", None)
        if opened:
            messages.warning(request, opened_message(self.required_label(form.instance), opened))

    def required_label(self, obj) -> str:
        return obj.label


def _with_blank(choices):
    return [("", "---------"), *choices]


AT_THE_END = ("", "（放在最后）")


def insert_after_choices(doctype: str, exclude: str = "") -> list[tuple[str, str]]:
    """The fields of a doctype's form, in the order the form shows them (custom fields after the field they
    follow), that a custom field may follow: not the record fields the system keeps (创建人, 修改时间 …)."""
    try:
        meta = get_meta(doctype)
    except KeyError:
        return []
    return [
        (f.fieldname, f"{f.label}（{f.fieldname}）")
        for f in form_fields(meta)
        if f.fieldname != exclude and (f.fieldname == "name" or f.fieldname not in STANDARD_FIELDS)
    ]


class InsertAfterSelect(forms.Select):
    """The field a custom field follows, picked from its doctype's fields. The lists of every doctype ride
    along (data-fields-by-doctype), so that lowcode/custom_field_form.js offers the right one as soon as
    the administrator picks the doctype, before anything is saved."""

    def get_context(self, name, value, attrs):
        by_doctype = {dt: insert_after_choices(dt) for dt in customizable_doctypes()}
        attrs = {**(attrs or {}), "data-fields-by-doctype": json.dumps(by_doctype, ensure_ascii=False)}
        return super().get_context(name, value, attrs)


class CustomFieldForm(forms.ModelForm):
    dt = forms.ChoiceField(label="单据类型", choices=lambda: _with_blank(doctype_choices()))
    fieldname = forms.CharField(
        label="字段名",
        max_length=70,
        required=False,
        help_text="留空则按标签生成，如 Frappe：custom_ 加标签（中文取拼音），例如“任务级别”→ custom_ren_wu_ji_bie；"
        "同名时加 _2；只能由英文小写字母、数字和下划线组成；创建后不能修改",
    )
    insert_after = forms.ChoiceField(
        label="位于字段之后", required=False, widget=InsertAfterSelect, help_text="表单中紧随其后的字段；留空则放在最后"
    )

    class Media:
        js = ("lowcode/custom_field_form.js",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        doctype = self.data.get("dt") or self.initial.get("dt") or self.instance.dt
        choices = [AT_THE_END, *insert_after_choices(doctype, exclude=self.instance.fieldname)]
        current = self.instance.insert_after
        if current and current not in dict(choices):  # kept as it is until the administrator picks another
            choices.append((current, f"{current}（表单中没有此字段）"))
        self.fields["insert_after"].choices = choices

    class Meta:
        model = CustomField
        fields = "__all__"
        widgets = {"options": forms.Textarea(attrs={"rows": 4, "style": "width: 100%"})}
        help_texts = {
            "options": "下拉选项：每行一个选项；链接、多选链接：所链接的单据类型，可选 "
            + "、".join(name for name, _ in linkable_doctype_choices()[:12])
            + " 等"
        }


@admin.register(CustomField)
class CustomFieldAdmin(RequiredFieldNoticeMixin, DocumentAdmin):
    form = CustomFieldForm
    list_display = ("dt", "label", "fieldname", "fieldtype", "reqd", "in_list_view", "in_standard_filter", "modified")
    list_display_links = ("label",)
    list_filter = (doctype_list_filter("dt"), "fieldtype")
    search_fields = ("label", "fieldname", "dt")
    fields = (
        "dt",
        "label",
        "fieldname",
        "fieldtype",
        "options",
        "reqd",
        "default",
        "description",
        "insert_after",
        "in_list_view",
        "in_standard_filter",
    )

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return fields + ["dt", "fieldname", "fieldtype"] if obj is not None else fields


class PropertySetterForm(forms.ModelForm):
    doc_type = forms.ChoiceField(label="单据类型", choices=lambda: _with_blank(labelled_doctype_choices()))
    field_name = forms.ChoiceField(label="字段", choices=(), required=False)

    class Meta:
        model = PropertySetter
        fields = "__all__"
        widgets = {"choice_labels": forms.Textarea(attrs={"rows": 4, "style": "width: 100%"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        doctype = self.data.get("doc_type") or self.initial.get("doc_type") or self.instance.doc_type
        self.fields["field_name"].choices = [("", "（单据类型本身的名称）"), *_builtin_field_choices(doctype)]
        self.fields["field_name"].help_text = (
            "先选单据类型并保存一次，即可在此选择其字段" if not doctype else "不选字段则“标签”为单据类型的新名称"
        )
        if doctype and not self.instance.pk:
            self.fields["choice_labels"].help_text += _current_choices_hint(doctype)


def _builtin_field_choices(doctype):
    try:
        meta = get_meta(doctype)
    except KeyError:
        return []
    return [(name, f"{f.label}（{name}）") for name, f in meta.fields.items() if not f.custom]


def _current_choices_hint(doctype) -> str:
    meta = get_meta(doctype)
    lines = [
        f"{f.label}：" + "；".join(f"{value}={label}" for value, label in f.option_labels)
        for f in meta.fields.values()
        if f.option_labels
    ]
    return ("。当前选项：" + " | ".join(lines)) if lines else ""


@admin.register(PropertySetter)
class PropertySetterAdmin(RequiredFieldNoticeMixin, DocumentAdmin):
    form = PropertySetterForm
    list_display = ("doc_type", "field_display", "label", "description", "reqd", "hidden", "idx", "modified")
    list_display_links = ("field_display",)
    list_filter = (doctype_list_filter("doc_type"),)
    search_fields = ("doc_type", "field_name", "label")
    fields = ("doc_type", "field_name", "label", "choice_labels", "description", "reqd", "hidden", "idx")

    @admin.display(description="字段", ordering="field_name")
    def field_display(self, obj):
        return obj.field_name or "（单据类型本身的名称）"

    def required_label(self, obj) -> str:
        docfield = get_meta(obj.doc_type).fields.get(obj.field_name) if obj.field_name else None
        return obj.label or (docfield.label if docfield else obj.field_name)
