from django.contrib import admin

from apps.innovation_action.doctype.task.model import Task, TaskUnit
from apps.innovation_action.doctype.unit.model import Unit
from apps.lowcode.admin.base import ChildTableInline, DocumentAdmin


class TaskUnitInline(ChildTableInline):
    model = TaskUnit
    fields = ("idx", "role", "unit", "liaison")
    autocomplete_fields = ("unit", "liaison")


class InvolvedUnitFilter(admin.SimpleListFilter):
    """Tasks a unit leads or shares: how an office user browses the list by unit.

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
            conditions["units__role"] = request.GET[UnitRoleFilter.parameter_name]
        return queryset.filter(**conditions).distinct()


class UnitRoleFilter(admin.SimpleListFilter):
    title = "单位职责"
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return TaskUnit.Role.choices

    def queryset(self, request, queryset):
        if self.value() and not request.GET.get(InvolvedUnitFilter.parameter_name):
            return queryset.filter(units__role=self.value()).distinct()
        return queryset


@admin.register(Task)
class TaskAdmin(DocumentAdmin):
    list_display = ("number", "title", "section", "lead_unit", "responsible_unit_names")
    list_display_links = ("number", "title")
    list_filter = ("plan", "section", InvolvedUnitFilter, UnitRoleFilter, "lead_unit")
    search_fields = ("title", "content", "units__unit__name", "units__liaison__person_name")
    autocomplete_fields = ("lead_unit",)
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
        return super().get_queryset(request).select_related("lead_unit").prefetch_related("units__unit")

    def get_search_results(self, request, queryset, search_term):
        queryset, _ = super().get_search_results(request, queryset, search_term)
        return queryset.distinct(), False

    @admin.display(description="责任单位")
    def responsible_unit_names(self, obj):
        return "、".join(unit.name for unit in obj.responsible_units) or "—"
