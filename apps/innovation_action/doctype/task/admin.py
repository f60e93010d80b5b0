from django import forms
from django.contrib import admin

from apps.innovation_action.doctype.task.events import add_group_rows
from apps.innovation_action.doctype.task.model import Task, TaskUnit
from apps.innovation_action.doctype.task_role.model import TaskRole
from apps.innovation_action.doctype.unit.model import Unit
from apps.innovation_action.doctype.unit_group.model import UnitGroup
from apps.lowcode.admin.base import ChildTableInline, DocumentAdmin


class TaskUnitInline(ChildTableInline):
    model = TaskUnit
    fields = ("idx", "role", "unit", "liaison")
    autocomplete_fields = ("unit", "liaison")


class InvolvedUnitFilter(admin.SimpleListFilter):
    """Tasks a unit takes part in: how an office user browses the list by unit.

    With a role chosen too, both conditions must hold for the same unit row
    ("tasks 市国资委 leads"), so the role is applied here, in one filter().
    """

    title = "涉及单位"
    parameter_name = "unit"

    def lookups(self, request, model_admin):
        units = Unit.objects.filter(task_rows__isnull=False).distinct().order_by("order")
        return [(unit.pk, unit.name) for unit in units]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        conditions = {"units__unit_id": self.value()}
        if request.GET.get(UnitRoleFilter.parameter_name):
            conditions["units__role__name__in"] = UnitRoleFilter.role_names(request.GET[UnitRoleFilter.parameter_name])
        return queryset.filter(**conditions).distinct()


class UnitRoleFilter(admin.SimpleListFilter):
    """By role name; several names separated by commas (the unit list links "牵头" and "责任,配合")."""

    title = "单位职责"
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return [(role.name, role.label) for role in TaskRole.objects.all()]

    @staticmethod
    def role_names(value: str) -> list[str]:
        return [name.strip() for name in value.split(",") if name.strip()]

    def queryset(self, request, queryset):
        if self.value() and not request.GET.get(InvolvedUnitFilter.parameter_name):
            return queryset.filter(units__role__name__in=self.role_names(self.value())).distinct()
        return queryset


class TaskForm(forms.ModelForm):
    """The task's fields, and a group of units to add in one role (each member becomes a row)."""

    add_group = forms.ModelChoiceField(
        UnitGroup.objects.all(), label="按单位组添加", required=False, help_text="保存时把该组的每个成员单位加入单位表"
    )
    add_group_role = forms.ModelChoiceField(TaskRole.objects.all(), label="单位组的职责", required=False)

    class Meta:
        model = Task
        fields = "__all__"

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("add_group") and not cleaned.get("add_group_role"):
            self.add_error("add_group_role", "请选择单位组成员担任的职责")
        return cleaned


@admin.register(Task)
class TaskAdmin(DocumentAdmin):
    form = TaskForm
    list_display = ("number", "title", "section", "lead_unit", "other_unit_names")
    list_display_links = ("number", "title")
    list_filter = ("plan", "section", InvolvedUnitFilter, UnitRoleFilter, "lead_unit")
    search_fields = ("title", "content", "units__unit__name", "units__liaison__person_name")
    readonly_fields = DocumentAdmin.readonly_fields + ("lead_unit",)
    inlines = [TaskUnitInline]
    fields = (
        "name",
        "plan",
        "section_number",
        "section",
        "number",
        "title",
        "content",
        "lead_unit",
        "add_group",
        "add_group_role",
        "owner",
        "creation",
        "modified",
        "modified_by",
    )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("lead_unit").prefetch_related("units__unit", "units__role")

    def get_fields(self, request, obj=None):
        """按单位组添加 is for those who may change the task; a read-only form has nothing to add."""
        fields = list(super().get_fields(request, obj))
        may_edit = self.has_change_permission(request, obj) if obj is not None else self.has_add_permission(request)
        return fields if may_edit else [f for f in fields if f not in ("add_group", "add_group_role")]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        group = form.cleaned_data.get("add_group")
        if group is not None:
            add_group_rows(form.instance, group, form.cleaned_data["add_group_role"], request.user)

    def get_search_results(self, request, queryset, search_term):
        queryset, _ = super().get_search_results(request, queryset, search_term)
        return queryset.distinct(), False

    @admin.display(description="其他单位")
    def other_unit_names(self, obj):
        """Every role but the leading ones, each with its units: 责任：市财政局、市人社局；配合：市统计局."""
        parts = [
            f"{role.name}：{'、'.join(unit.name for unit in units)}"
            for role, units in obj.units_by_role()
            if not role.is_leading
        ]
        return "；".join(parts) or "—"
