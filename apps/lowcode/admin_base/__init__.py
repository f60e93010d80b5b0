"""Admin base classes every doctype's admin builds on."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

META_FIELDS = ("name", "owner", "creation", "modified", "docstatus")


class DocumentAdmin(SimpleHistoryAdmin):
    """Shows Frappe's record fields read-only and records who created a record."""

    readonly_fields = ("owner", "creation", "modified")
    list_per_page = 50

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and "name" not in fields and self.name_is_generated:
            fields.append("name")
        return fields

    # Most doctypes name records by a rule (2023-T01); those named by their
    # title (County, Unit) set this False so the name stays editable.
    name_is_generated = True

    def get_fieldsets(self, request, obj=None):
        """A new record has no name yet when a naming rule will give it one."""
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None or not self.name_is_generated:
            return fieldsets
        return [
            (title, {**options, "fields": [f for f in options["fields"] if f != "name"]})
            for title, options in fieldsets
        ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if not self.name_is_generated and "name" in form.base_fields:
            form.base_fields["name"].required = True
        return form

    def save_model(self, request, obj, form, change):
        if not change and obj.owner_id is None:
            obj.owner = request.user
        super().save_model(request, obj, form, change)


class ChildTableInline(admin.TabularInline):
    """A child table shown inside its parent's form, ordered by idx."""

    extra = 0
    exclude = ("name",)
    ordering = ("idx",)
