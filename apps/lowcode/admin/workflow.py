"""Workflows edited in the admin: states and transitions as tables, roles picked from a list.

The states and transitions are checked together before anything is saved
(every state a transition names must exist, roles must exist, conditions must
parse), so a mistake re-shows the form with the reason and loses nothing.
"""

from django import forms
from django.contrib import admin
from django.contrib.auth.models import Group
from django.forms.models import BaseInlineFormSet

from apps.lowcode.admin.base import ChildTableStackedInline, DocumentAdmin
from apps.lowcode.workflow.model import (
    Workflow,
    WorkflowLog,
    WorkflowState,
    WorkflowTransition,
    split_lines,
)
from apps.lowcode.workflow.validation import workflow_errors


class RoleListField(forms.MultipleChoiceField):
    """Roles as checkboxes, stored as newline-separated names (the model's text field)."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.pop("max_length", None)
        kwargs.pop("empty_value", None)
        super().__init__(
            choices=lambda: [(g, g) for g in Group.objects.order_by("name").values_list("name", flat=True)],
            required=False,
            **kwargs,
        )

    def prepare_value(self, value):
        return split_lines(value) if isinstance(value, str) else value

    def clean(self, value):
        return "\n".join(super().clean(value))


def document_type_choices():
    from apps.lowcode.doctype import ChildDocument, doctype_registry

    return [("", "---------")] + sorted(
        (name, f"{name}（{model._meta.verbose_name}）")
        for name, model in doctype_registry.items()
        if not issubclass(model, ChildDocument)
    )


class RolesInlineMixin:
    role_fields: tuple[str, ...] = ()
    multiline_fields = ("editable_fields", "approver_field", "condition")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in self.role_fields:
            return RoleListField(label=db_field.verbose_name, help_text=db_field.help_text)
        if db_field.name in self.multiline_fields:  # one value per line: a single-line input would join them
            kwargs["widget"] = forms.Textarea(attrs={"rows": 2, "style": "width: 100%"})
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class WorkflowStateInline(RolesInlineMixin, ChildTableStackedInline):
    model = WorkflowState
    fields = (("idx", "state", "state_type", "notify"), "allow_edit", "editable_fields")
    role_fields = ("allow_edit",)


class TransitionFormSet(BaseInlineFormSet):
    """Checks the transitions against the states of the same submission."""

    states_formset = None
    document_type = ""
    active = True

    def clean(self):
        super().clean()
        if self.states_formset is None or not self.states_formset.is_valid():
            return

        def rows(formset):
            return [f.cleaned_data for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]

        errors = workflow_errors(self.document_type, rows(self.states_formset), rows(self), self.active)
        if errors:
            raise forms.ValidationError(errors)


class WorkflowTransitionInline(RolesInlineMixin, ChildTableStackedInline):
    model = WorkflowTransition
    formset = TransitionFormSet
    fields = (
        ("idx", "state", "action", "next_state"),
        "allowed",
        ("approver_field", "approvals_required"),
        "condition",
        ("allow_self_approval", "comment_required"),
    )
    role_fields = ("allowed",)


class WorkflowForm(forms.ModelForm):
    document_type = forms.ChoiceField(label="单据类型", choices=document_type_choices)

    class Meta:
        model = Workflow
        fields = "__all__"


@admin.register(Workflow)
class WorkflowAdmin(DocumentAdmin):
    form = WorkflowForm
    list_display = ("name", "document_type", "is_active", "modified")
    list_filter = ("document_type", "is_active")
    fields = ("name", "document_type", "is_active", "send_email_alert", "owner", "creation", "modified", "modified_by")
    inlines = [WorkflowStateInline, WorkflowTransitionInline]

    def _create_formsets(self, request, obj, change):
        formsets, inline_instances = super()._create_formsets(request, obj, change)
        states = next((f for f in formsets if f.model is WorkflowState), None)
        for formset in formsets:
            if isinstance(formset, TransitionFormSet):
                formset.states_formset = states
                formset.document_type = request.POST.get("document_type") or obj.document_type
                formset.active = bool(request.POST.get("is_active")) if request.method == "POST" else obj.is_active
        return formsets, inline_instances


@admin.register(WorkflowLog)
class WorkflowLogAdmin(admin.ModelAdmin):
    """The record of every action; written by the engine only."""

    list_display = (
        "creation",
        "reference_doctype",
        "reference_name",
        "action",
        "from_state",
        "to_state",
        "moved",
        "user",
        "comment",
    )
    # A date filter, not date_hierarchy: that one groups dates in SQL with CONVERT_TZ, which needs the
    # MariaDB server's time zone tables (often not loaded) and otherwise fails the whole page.
    list_filter = ("creation", "reference_doctype", "action", "to_state")
    search_fields = ("reference_name", "comment", "user__username")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
