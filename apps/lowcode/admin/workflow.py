"""Workflows edited in the admin: states and transitions as tables, roles picked from a list.

The states and transitions are checked together before anything is saved
(every state a transition names must exist, roles must exist, conditions must
parse), so a mistake re-shows the form with the reason and loses nothing.

The page draws the workflow as a diagram (apps/lowcode/workflow/diagram.py) and redraws it while the
administrator edits the tables: lowcode/workflow_editor.js posts the form, unsaved, to ``diagram/``,
which answers with the SVG of what is posted. The same script keeps each transition's state
choices in step with the states typed in the table above, new ones included.
"""

from django import forms
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponse, HttpResponseNotAllowed
from django.urls import path, reverse
from django.utils.safestring import mark_safe

from apps.lowcode.admin.base import ChildTableStackedInline, DocumentAdmin, ReadOnlyAdminMixin
from apps.lowcode.admin.doctype_filter import doctype_label, doctype_list_filter
from apps.lowcode.workflow.diagram import render_svg, workflow_rows
from apps.lowcode.workflow.model import (
    Workflow,
    WorkflowLog,
    WorkflowState,
    WorkflowTransition,
    split_lines,
)
from apps.lowcode.workflow.validation import workflow_errors

# The inline formsets' prefixes (the related names of the child tables).
STATES_PREFIX, TRANSITIONS_PREFIX = "states", "transitions"


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


def posted_rows(data, prefix: str, fields: tuple[str, ...], lists: tuple[str, ...] = ()) -> list[dict]:
    """The rows of an inline formset as posted (not validated), without the ones marked for deletion,
    in the order of their 序号 (idx) as the saved rows will be."""
    try:
        total = min(int(data.get(f"{prefix}-TOTAL_FORMS", 0)), 1000)
    except (TypeError, ValueError):
        total = 0
    rows = []
    for i in range(total):
        key = f"{prefix}-{i}-"
        if data.get(key + "DELETE"):
            continue
        row = {name: (data.get(key + name) or "").strip() for name in fields}
        row.update({name: data.getlist(key + name) for name in lists})
        rows.append((_order(data.get(key + "idx")), i, row))
    return [row for *_, row in sorted(rows, key=lambda item: item[:2])]


def _order(idx) -> float:
    try:
        return float(idx)
    except (TypeError, ValueError):
        return float("inf")


def posted_states(data) -> list[dict]:
    return posted_rows(data, STATES_PREFIX, ("state", "state_type"))


def posted_transitions(data) -> list[dict]:
    return posted_rows(
        data, TRANSITIONS_PREFIX, ("state", "action", "next_state", "comment_required", "is_task"), ("allowed",)
    )


class StateSelect(forms.Select):
    """A transition's state picked from the workflow's states. The choices are the states the page was
    drawn with; lowcode/workflow_editor.js replaces them with the names in the states table as they are
    typed. A value that is no longer a state stays selected, marked, so that saving names the problem."""

    def __init__(self, names=(), attrs=None):
        super().__init__(attrs={"class": "lowcode-state-select", **(attrs or {})})
        self.names = list(names)

    def get_context(self, name, value, attrs):
        names = list(dict.fromkeys(self.names))
        self.choices = [("", "---------"), *((n, n) for n in names)]
        if value and value not in names:
            self.choices.append((value, f"{value}（不在状态中）"))
        return super().get_context(name, value, attrs)


class TransitionFormSet(BaseInlineFormSet):
    """Checks the transitions against the states of the same submission."""

    states_formset = None
    document_type = ""
    active = True

    def clean(self):
        super().clean()
        if self.states_formset is None or not self.states_formset.is_valid() or any(f.errors for f in self.forms):
            return  # a row's own errors come first: the rows are checked together once each is complete

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
        ("allow_self_approval", "comment_required", "is_task"),
        "message",
    )
    role_fields = ("allowed",)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        if request.method == "POST":
            names = [row["state"] for row in posted_states(request.POST) if row["state"]]
        else:
            names = [s.state for s in obj.states.order_by("idx", "pk")] if obj is not None else []
        for fieldname in ("state", "next_state"):
            field = formset.form.base_fields[fieldname]
            field.widget = StateSelect(names)
            field.help_text = "从本工作流的状态中选择；在“状态”中刚添加、尚未保存的状态也可选"
        return formset


class WorkflowForm(forms.ModelForm):
    document_type = forms.ChoiceField(label="单据类型", choices=document_type_choices)

    class Meta:
        model = Workflow
        fields = "__all__"


@admin.register(Workflow)
class WorkflowAdmin(DocumentAdmin):
    form = WorkflowForm
    list_display = ("name", "document_type_label", "is_active", "modified")
    list_filter = (doctype_list_filter("document_type"), "is_active")
    fields = ("name", "document_type", "is_active", "send_email_alert", "owner", "creation", "modified", "modified_by")
    inlines = [WorkflowStateInline, WorkflowTransitionInline]

    class Media:
        js = ("lowcode/workflow_editor.js",)

    @admin.display(description="单据类型", ordering="document_type")
    def document_type_label(self, obj):
        """The doctype as its users know it (自评报告), not its internal name (SelfAssessment)."""
        return doctype_label(obj.document_type)

    def get_urls(self):
        return [
            path("diagram/", self.admin_site.admin_view(self.diagram_view), name="lowcode_workflow_diagram"),
            *super().get_urls(),
        ]

    @staticmethod
    def diagram_of(states, transitions, title="") -> str:
        return mark_safe(render_svg(states, transitions, title=title or "工作流程图"))

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if request.method == "POST":  # a refused save shows what was posted
            states, transitions = posted_states(request.POST), posted_transitions(request.POST)
        elif obj is not None:
            states, transitions = workflow_rows(obj)
        else:
            states, transitions = [], []
        context["workflow_diagram"] = self.diagram_of(states, transitions, obj.name if obj is not None else "")
        context["workflow_diagram_url"] = reverse("admin:lowcode_workflow_diagram")
        return super().render_change_form(request, context, add, change, form_url, obj)

    def diagram_view(self, request):
        """The diagram of the workflow being edited, from the posted (unsaved) form: nothing is stored."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_view_permission(request):
            raise PermissionDenied("你没有查看工作流的权限")
        svg = self.diagram_of(
            posted_states(request.POST), posted_transitions(request.POST), request.POST.get("name", "")
        )
        return HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")

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
class WorkflowLogAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
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
    list_filter = ("creation", doctype_list_filter("reference_doctype"), "action", "to_state")
    search_fields = ("reference_name", "comment", "user__username")
