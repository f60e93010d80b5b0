"""Admin base classes every doctype's admin builds on."""

from django import forms
from django.contrib import admin
from django.db import models
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from apps.lowcode.admin import customize_form as customized
from apps.lowcode.admin.attachments import AttachmentsAdminMixin
from apps.lowcode.admin.data_import import DataImportAdminMixin
from apps.lowcode.admin.deleted import DeletedRecordsAdminMixin
from apps.lowcode.admin.history import HistoryRevertAdminMixin
from apps.lowcode.admin.workflow_actions import WorkflowAdminMixin, WorkflowInlineMixin
from apps.lowcode.permissions import ensure_in_scope, restrictions, scope_queryset
from apps.lowcode.print_format.service import print_page_url

RECORD_FIELDS = ("owner", "creation", "modified", "modified_by", "docstatus", "workflow_state")


def change_url(doc) -> str:
    """The admin page of a record."""
    opts = doc._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[doc.pk])


class ScopedAdminMixin:
    """Records, link choices and saves limited to the user's scope (User Permissions)."""

    def get_queryset(self, request):
        return scope_queryset(request.user, self.model, super().get_queryset(request))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "queryset" not in kwargs and hasattr(db_field.related_model, "doctype"):
            kwargs["queryset"] = scope_queryset(request.user, db_field.related_model)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ReadOnlyAdminMixin:
    """A record nobody adds, edits or deletes from the admin (logs, computed rows): it is only read."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class DocumentAdmin(
    ScopedAdminMixin,
    AttachmentsAdminMixin,
    WorkflowAdminMixin,
    DeletedRecordsAdminMixin,
    DataImportAdminMixin,
    HistoryRevertAdminMixin,
    SimpleHistoryAdmin,
):
    """Shows Frappe's record fields read-only, records who created a record, runs its workflow,
    keeps its attachments (template: lowcode/document_change_form.html), lists its deleted records,
    imports and exports its list as Excel (lowcode/document_change_list.html), and reverts a version
    from its history only as an edit of the change form."""

    change_form_template = "lowcode/document_change_form.html"
    change_list_template = "lowcode/document_change_list.html"
    readonly_fields = ("owner", "creation", "modified", "modified_by")
    list_per_page = 50
    # Chinese titles run long (任务板块, 建设单位): give text inputs the full width.
    formfield_overrides = {
        models.CharField: {"widget": forms.TextInput(attrs={"class": "vTextField", "style": "width: 100%"})},
        models.TextField: {
            "widget": forms.Textarea(attrs={"class": "vLargeTextField", "rows": 6, "style": "width: 100%"})
        },
    }

    def __getattr__(self, name):
        """A custom field's value for the read-only form and the list, as a display function."""
        if name.startswith("custom_"):
            docfield = customized.custom_docfields(self.model.doctype).get(name)
            if docfield is not None:
                return customized.list_column(docfield)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    @property
    def name_is_generated(self) -> bool:
        """Most doctypes name records by a rule (2023-T01); County and Unit are named by the user."""
        return self.model.naming_rule == "autoname"

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and "name" not in fields and self.name_is_generated:
            fields.append("name")
        return fields

    def get_fieldsets(self, request, obj=None):
        """Titled sections (the admin theme shows them as tabs): 基本信息, then 记录信息.

        A new record has no name yet when a naming rule will give it one.
        """
        fieldsets = super().get_fieldsets(request, obj)
        if len(fieldsets) == 1 and fieldsets[0][0] is None:
            fields = fieldsets[0][1]["fields"]
            fieldsets = [("基本信息", {"fields": [f for f in fields if f not in RECORD_FIELDS]})]
            record = [f for f in fields if f in RECORD_FIELDS]
            if record:
                fieldsets.append(("记录信息", {"fields": record}))
        if obj is None and self.name_is_generated:
            fieldsets = [
                (title, {**options, "fields": [f for f in options["fields"] if f != "name"]})
                for title, options in fieldsets
            ]
        return customized.arrange_fieldsets(fieldsets, self.model.doctype)

    def get_form(self, request, obj=None, change=False, **kwargs):
        """The model's form with the administrator's custom fields and field properties."""
        readonly = self.get_readonly_fields(request, obj)
        kwargs.setdefault("form", customized.customized_form(self.form, request.user, self.model.doctype, readonly))
        form = super().get_form(request, obj, change, **kwargs)
        customized.apply_field_properties(form, self.model.doctype)
        if not self.name_is_generated and "name" in form.base_fields:
            form.base_fields["name"].required = True
        return form

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        customized.store_uploads(request.user, form)

    def get_list_display(self, request):
        columns = [
            customized.list_column(f)
            for f in customized.custom_docfields(self.model.doctype).values()
            if f.in_list_view
        ]
        return [*super().get_list_display(request), *columns]

    def get_list_filter(self, request):
        filters = [
            customized.list_filter(request.user, f)
            for f in customized.custom_docfields(self.model.doctype).values()
            if f.in_standard_filter
        ]
        return [*super().get_list_filter(request), *filters]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        context = dict(extra_context or {})
        # A version from the history is only the form to restore: no workflow actions, uploads or printing.
        if obj is not None and not getattr(request, "history_revert", None):
            context.update(self.workflow_context(request, obj))
            context.update(self.attachments_context(request, obj))
            context["print_url"] = print_page_url(obj)
        return super().change_view(request, object_id, form_url, context)

    def has_view_history_or_change_history_permission(self, request, obj=None):
        """History pages answer only for records in scope (simple-history looks records up unscoped)."""
        if obj is not None and restrictions(request.user) and not self.get_queryset(request).filter(pk=obj.pk).exists():
            return False
        return super().has_view_history_or_change_history_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if not change and obj.owner_id is None:
            obj.owner = request.user
        obj.modified_by = request.user
        super().save_model(request, obj, form, change)
        # The admin wraps the save in a transaction: refusing here undoes it.
        ensure_in_scope(request.user, obj, "保存后的记录超出你的数据权限范围")


class ChildTableInline(ScopedAdminMixin, WorkflowInlineMixin, admin.TabularInline):
    """A child table shown inside its parent's form, ordered by idx."""

    extra = 0
    exclude = ("name",)
    ordering = ("idx",)


class ChildTableStackedInline(ScopedAdminMixin, WorkflowInlineMixin, admin.StackedInline):
    """A child table whose rows have too many fields for one table line: one card per row."""

    extra = 0
    exclude = ("name",)
    ordering = ("idx",)
