"""Custom fields and property setters in the admin's forms and lists.

The admin builds a ModelForm from the model; custom fields are not model
fields, so each is declared on a form subclass and its value copied into
``custom_values`` before the model validates, exactly where the API puts it.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminDateWidget

from apps.lowcode.doctype.fieldtypes import display, select_options
from apps.lowcode.doctype.meta import get_meta
from apps.lowcode.document.query import multi_link_condition
from apps.lowcode.permissions.links import key_of, linked_queryset


def custom_docfields(doctype: str) -> dict:
    return {name: f for name, f in get_meta(doctype).fields.items() if f.custom}


class MultiSelect(forms.SelectMultiple):
    """Several linked records picked in a searchable tag box, all in Chinese (select2, shipped with the admin)."""

    class Media:
        js = (
            "admin/js/vendor/jquery/jquery.min.js",
            "admin/js/vendor/select2/select2.full.min.js",
            "admin/js/vendor/select2/i18n/zh-CN.js",
            "admin/js/jquery.init.js",
            "lowcode/multi_select.js",
        )
        css = {"screen": ("admin/css/vendor/select2/select2.min.css", "admin/css/autocomplete.css")}

    def __init__(self):
        super().__init__(attrs={"class": "lowcode-multi-select"})


def form_field(user, docfield) -> forms.Field:
    """The form field of one custom field, validating as the API does."""
    common = {"label": docfield.label, "help_text": docfield.description, "required": docfield.reqd}
    fieldtype = docfield.fieldtype
    if fieldtype == "Small Text":
        return forms.CharField(
            max_length=10000, widget=forms.Textarea(attrs={"rows": 3, "style": "width: 100%"}), **common
        )
    if fieldtype == "Int":
        return forms.IntegerField(min_value=-(2**53), max_value=2**53, **common)
    if fieldtype in ("Float", "Currency"):
        places = 2 if fieldtype == "Currency" else 6
        return forms.DecimalField(max_digits=15 + places, decimal_places=places, **common)
    if fieldtype == "Date":
        return forms.DateField(widget=AdminDateWidget, **common)
    if fieldtype == "Select":
        return forms.ChoiceField(
            choices=[("", "---------")] + [(o, o) for o in select_options(docfield.options)], **common
        )
    if fieldtype == "Check":
        return forms.BooleanField(**{**common, "required": False})
    key = key_of(docfield.options)
    if fieldtype == "Link":
        return forms.ModelChoiceField(linked_queryset(user, docfield.options), to_field_name=key, **common)
    if fieldtype == "Table MultiSelect":
        return forms.ModelMultipleChoiceField(
            linked_queryset(user, docfield.options), to_field_name=key, widget=MultiSelect(), **common
        )
    if fieldtype == "Attach":
        return forms.FileField(**{**common, "required": False})
    return forms.CharField(max_length=140, widget=forms.TextInput(attrs={"style": "width: 100%"}), **common)


def stored_from_form(docfield, value):
    """A cleaned form value as custom_values keeps it (see fieldtypes)."""
    if value in (None, ""):
        return [] if docfield.fieldtype == "Table MultiSelect" else None
    if docfield.fieldtype == "Check":
        return 1 if value else 0
    if docfield.fieldtype == "Date":
        return value.isoformat()
    if docfield.fieldtype == "Int":
        return int(value)
    if docfield.fieldtype in ("Float", "Currency"):
        return float(value)
    if docfield.fieldtype == "Link":
        return getattr(value, key_of(docfield.options))
    if docfield.fieldtype == "Table MultiSelect":
        return [getattr(item, key_of(docfield.options)) for item in value]
    return value


class StoredFile(str):
    """A stored file URL the file input can show as 当前文件 (it reads ``.url``)."""

    @property
    def url(self):
        return self


def customized_form(base_form, user, doctype: str, readonly=()):
    """A subclass of the admin's form with the doctype's custom fields declared on it."""
    docfields = {name: f for name, f in custom_docfields(doctype).items() if name not in readonly}

    class CustomizedForm(base_form):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            values = self.instance.custom_values or {} if self.instance.pk else {}
            for name, docfield in docfields.items():
                value = values.get(name) if self.instance.pk else (docfield.default or None)
                if docfield.fieldtype == "Attach" and value:
                    value = StoredFile(value)
                self.initial.setdefault(name, value)
            self.pending_uploads = {}

        def _post_clean(self):
            values = dict(self.instance.custom_values or {})
            for name, docfield in docfields.items():
                if name not in self.cleaned_data:
                    continue
                value = self.cleaned_data[name]
                if docfield.fieldtype == "Attach":
                    if value is False:  # 清除
                        values[name] = None
                    elif value and not isinstance(value, StoredFile):
                        self.pending_uploads[name] = value  # stored once the document has its name
                    continue
                values[name] = stored_from_form(docfield, value)
            self.instance.custom_values = values
            self.instance._required_checked_by_form = {name for name, field in self.fields.items() if field.required}
            super()._post_clean()

    for name, docfield in docfields.items():
        CustomizedForm.base_fields[name] = form_field(user, docfield)
        CustomizedForm.declared_fields[name] = CustomizedForm.base_fields[name]
    return CustomizedForm


def store_uploads(user, form) -> None:
    """Files chosen for attachment fields, saved once the document exists and has its name."""
    uploads = getattr(form, "pending_uploads", {})
    if not uploads:
        return
    from apps.lowcode.file.upload import save_upload

    doc = form.instance
    values = dict(doc.custom_values or {})
    for fieldname, upload in uploads.items():
        values[fieldname] = save_upload(user, upload, type(doc).doctype, doc.name, fieldname).file_url
    doc.custom_values = values
    doc.save(update_fields=["custom_values"])


def apply_field_properties(form_class, doctype: str):
    """Labels, help texts and required flags an administrator set on built-in fields."""
    for name, docfield in get_meta(doctype).fields.items():
        field = form_class.base_fields.get(name)
        if field is None or docfield.custom:
            continue
        field.label = docfield.label
        if docfield.description:
            field.help_text = docfield.description
        if docfield.reqd:
            field.required = True


def arrange_fieldsets(fieldsets, doctype: str, readonly=()):
    """Custom fields placed after their insert_after field, hidden fields left out, ordered fields moved."""
    meta = get_meta(doctype)
    fieldsets = [(title, {**options, "fields": list(options["fields"])}) for title, options in fieldsets]
    if not fieldsets:
        return fieldsets
    for name, docfield in meta.fields.items():
        if not docfield.custom:
            continue
        target = next((opts["fields"] for _, opts in fieldsets if docfield.insert_after in opts["fields"]), None)
        if target is None:
            fieldsets[0][1]["fields"].append(name)
        else:
            target.insert(target.index(docfield.insert_after) + 1, name)
    for _, options in fieldsets:
        fields = [f for f in options["fields"] if not (f in meta.fields and meta.fields[f].hidden)]
        options["fields"] = _ordered(fields, meta)
    return fieldsets


def _ordered(fields: list, meta) -> list:
    """A field given order N moves to the Nth place of its section; the others keep their sequence."""

    def key(item):
        position, name = item
        order = meta.fields[name].order if isinstance(name, str) and name in meta.fields else None
        return (order - 0.5) if order is not None else position + 1

    return [name for _, name in sorted(enumerate(fields), key=key)]


def list_column(docfield):
    """A changelist column showing a custom field's value."""

    def column(obj):
        return display(docfield, (obj.custom_values or {}).get(docfield.fieldname)) or "—"

    column.short_description = docfield.label
    column.__name__ = docfield.fieldname
    return column


def list_filter(user, docfield):
    """A changelist filter on a custom field (select, check, link, multi-link)."""
    path = f"custom_values__{docfield.fieldname}"

    class CustomValueFilter(admin.SimpleListFilter):
        title = docfield.label
        parameter_name = docfield.fieldname

        def lookups(self, request, model_admin):
            if docfield.fieldtype == "Check":
                return [("1", "是"), ("0", "否")]
            if docfield.fieldtype == "Select":
                return [(o, o) for o in select_options(docfield.options)]
            names = linked_queryset(request.user, docfield.options).values_list(key_of(docfield.options), flat=True)[
                :200
            ]
            return [(n, n) for n in names]

        def queryset(self, request, queryset):
            value = self.value()
            if value is None:
                return queryset
            if docfield.fieldtype == "Check":
                return queryset.filter(**{path: 1}) if value == "1" else queryset.exclude(**{path: 1})
            if docfield.fieldtype == "Table MultiSelect":
                return queryset.filter(multi_link_condition(path, "=", value))
            return queryset.filter(**{path: value})

    CustomValueFilter.__name__ = f"{docfield.fieldname}_filter"
    return CustomValueFilter
