from django.contrib import admin
from django.db.models import Q
from django.utils import timezone

from apps.innovation_action.doctype.progress_report.model import (
    ProgressReport,
    ProgressReportLine,
)
from apps.innovation_action.doctype.unit.model import Unit
from apps.innovation_action.services import monthly_reports
from apps.innovation_action.services.deadlines import deadline_text
from apps.lowcode.admin.base import ChildTableInline, DocumentAdmin
from apps.lowcode.admin.reminder import RemindersAdminMixin
from apps.lowcode.permissions import restrictions


class ProgressReportLineInline(ChildTableInline):
    model = ProgressReportLine
    fields = ("task", "requirements", "status", "progress", "evidence")
    readonly_fields = ("task", "requirements")
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # one line per task of the unit, created with the report

    def get_max_num(self, request, obj=None, **kwargs):
        return obj.lines.count() if obj else 0  # hides the "add another" link too

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name in ("progress", "evidence"):
            field.widget.attrs.update(rows=3, style="width: 100%; min-width: 12em")
        return field


class OverdueFilter(admin.SimpleListFilter):
    """迟报 / 逾期未报 / 未逾期, judged as the 按时报送 scoring judges them (services/monthly_reports.py).

    Judged in Python rather than SQL: the deadline is a local (Beijing) date and
    the database may lack time-zone tables; a year holds a few hundred reports.
    """

    title = "是否逾期"
    parameter_name = "overdue"
    CHOICES = {"late": monthly_reports.LATE, "missing": monthly_reports.MISSING}

    def lookups(self, request, model_admin):
        return [("late", "迟报"), ("missing", "逾期未报"), ("no", "未逾期")]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        today = timezone.localdate()
        overdue = {key: set() for key in self.CHOICES}
        for report in queryset.select_related("period"):
            outcome = monthly_reports.report_verdict(report, today)
            for key, wanted in self.CHOICES.items():
                if outcome == wanted:
                    overdue[key].add(report.pk)
        if self.value() == "no":
            return queryset.exclude(pk__in=overdue["late"] | overdue["missing"])
        return queryset.filter(pk__in=overdue.get(self.value(), set()))


@admin.register(ProgressReport)
class ProgressReportAdmin(RemindersAdminMixin, DocumentAdmin):
    list_display = ("name", "unit", "period", "workflow_state", "submitted_at", "deadline_status", "overdue")
    list_filter = (
        OverdueFilter,
        ("period", admin.RelatedOnlyFieldListFilter),
        ("unit", admin.RelatedOnlyFieldListFilter),
    )
    list_select_related = ("unit", "period__plan")
    search_fields = ("name", "unit__name")
    fields = (
        "name",
        "period",
        "unit",
        "summary",
        "deadline_status",
        "submitted_at",
        "workflow_state",
        "owner",
        "creation",
        "modified",
        "modified_by",
        "reminder_list",
    )
    readonly_fields = (
        "deadline_status",
        "submitted_at",
        "workflow_state",
        "owner",
        "creation",
        "modified",
        "modified_by",
    )
    inlines = [ProgressReportLineInline]

    @admin.display(description="报送截止")
    def deadline_status(self, obj):
        return deadline_text(obj)

    @admin.display(description="是否逾期")
    def overdue(self, obj):
        outcome = monthly_reports.report_verdict(obj)
        return {
            monthly_reports.LATE: "是（迟报）",
            monthly_reports.MISSING: "是（逾期未报）",
            monthly_reports.NO_DEADLINE: "—",
        }.get(outcome, "否")

    def get_inlines(self, request, obj):
        # Lines are generated from the unit's tasks when the report is created.
        return self.inlines if obj is not None else []

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if obj is not None:  # which month and which unit are fixed once created
            fields = [*fields, *(f for f in ("period", "unit") if f not in fields)]
        return fields

    def get_changeform_initial_data(self, request):
        """A liaison (or a county's user) reports for one unit: preselect it."""
        initial = super().get_changeform_initial_data(request)
        allowed = restrictions(request.user)
        if allowed and "unit" not in initial:
            mine = Q(name__in=allowed.get("Unit", [])) | Q(county__name__in=allowed.get("County", []))
            units = list(Unit.objects.filter(mine).values_list("pk", flat=True))
            if len(units) == 1:
                initial["unit"] = units[0]
        return initial
