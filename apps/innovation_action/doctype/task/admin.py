from django.contrib import admin

from apps.innovation_action.doctype.task.model import Task, TaskUnit
from apps.innovation_action.doctype.task_role.model import TaskRole
from apps.innovation_action.doctype.unit.model import Unit
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


@admin.register(Task)
class TaskAdmin(DocumentAdmin):
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
        "owner",
        "creation",
        "modified",
        "modified_by",
    )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("lead_unit").prefetch_related("units__unit", "units__role")

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
