from decimal import Decimal

from django.contrib import admin
from django.db.models import Count, Sum

from apps.innovation_action.doctype.project.model import Project
from apps.lowcode.admin.base import DocumentAdmin


@admin.register(Project)
class ProjectAdmin(DocumentAdmin):
    list_display = (
        "number",
        "project_name",
        "county",
        "section",
        "category",
        "total_investment_display",
        "planned_investment_display",
        "start_display",
        "end_display",
    )
    list_display_links = ("number", "project_name")
    list_filter = ("plan", "section", "county__plan_assessees__category", "county", "category")
    search_fields = ("project_name", "project_code", "construction_unit", "responsible_leader", "county__name")
    autocomplete_fields = ("county",)
    change_list_template = "admin/innovation_action/project/change_list.html"
    fields = (
        "name",
        "plan",
        "section",
        "number",
        "project_name",
        "county",
        "category",
        "project_code",
        "content",
        "start_month",
        "end_month",
        "construction_unit",
        "total_investment",
        "planned_investment",
        "responsible_leader",
        "owner",
        "creation",
        "modified",
        "modified_by",
    )

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        cl = getattr(response, "context_data", {}).get("cl")
        if cl is not None:
            response.context_data["section_totals"] = section_totals(cl.queryset)
        return response

    @admin.display(description="总投资（万元）", ordering="total_investment")
    def total_investment_display(self, obj):
        return wan(obj.total_investment)

    @admin.display(description="年度投资计划（万元）", ordering="planned_investment")
    def planned_investment_display(self, obj):
        return wan(obj.planned_investment)

    @admin.display(description="开工年月", ordering="start_month")
    def start_display(self, obj):
        return year_month(obj.start_month)

    @admin.display(description="竣工年月", ordering="end_month")
    def end_display(self, obj):
        return year_month(obj.end_month)


def wan(amount) -> str:
    """An amount in 万元 with thousands separators: 2,737,260."""
    return f"{amount:,.0f}" if amount == amount.to_integral() else f"{amount:,.2f}"


def yi(amount) -> str:
    """万元 as 亿元 the way the plan writes section headers: 16.46亿元, 8.2亿元."""
    return f"{(amount / 10000).quantize(Decimal('0.01')).normalize():f}亿元"


def year_month(day) -> str:
    return f"{day.year}年{day.month}月"


def section_totals(queryset):
    """Count and investment per section (新开工 then 续建) and overall, of the filtered list."""
    by_section = {
        row["section"]: row
        for row in queryset.order_by()
        .values("section")
        .annotate(count=Count("id"), total=Sum("total_investment"), planned=Sum("planned_investment"))
    }
    rows = [by_section[s] for s in Project.Section.values if s in by_section]
    if len(rows) > 1:
        rows.append(
            {
                "section": "合计",
                "count": sum(r["count"] for r in rows),
                "total": sum(r["total"] for r in rows),
                "planned": sum(r["planned"] for r in rows),
            }
        )
    for row in rows:
        row["total_text"], row["total_yi"] = wan(row["total"]), yi(row["total"])
        row["planned_text"], row["planned_yi"] = wan(row["planned"]), yi(row["planned"])
    return rows
