"""Lists of records about other doctypes (workflows, print formats, custom fields, attachments, messages)
name those doctypes as their users know them (自评报告), not by their internal names (SelfAssessment)."""

from django.contrib import admin

from apps.lowcode.doctype import doctype_registry


def doctype_label(doctype: str) -> str:
    """A doctype's label as the administrator set it; the name itself when no such doctype exists."""
    model = doctype_registry.get(doctype)
    return str(model._meta.verbose_name) if model is not None else doctype


def doctype_list_filter(fieldname: str, title: str = "单据类型") -> type[admin.SimpleListFilter]:
    """A list filter on a field holding doctype names, offering the doctypes of the records the user can see
    by their labels. The query parameter stays Django's own (``document_type__exact``), so links keep working."""

    class DoctypeListFilter(admin.SimpleListFilter):
        parameter_name = f"{fieldname}__exact"

        def lookups(self, request, model_admin):
            values = model_admin.get_queryset(request).order_by().values_list(fieldname, flat=True).distinct()
            return sorted(((value, doctype_label(value)) for value in values if value), key=lambda c: (c[1], c[0]))

        def queryset(self, request, queryset):
            return queryset.filter(**{fieldname: self.value()}) if self.value() else queryset

    DoctypeListFilter.title = title
    DoctypeListFilter.__name__ = DoctypeListFilter.__qualname__ = f"DoctypeListFilter_{fieldname}"
    return DoctypeListFilter
