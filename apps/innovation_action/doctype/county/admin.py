from django.contrib import admin
from django.db.models import Count, Sum

from apps.innovation_action.doctype.county.model import County
from apps.lowcode.admin.base import DocumentAdmin


@admin.register(County)
class CountyAdmin(DocumentAdmin):
    list_display = ("name", "categories", "aliases", "project_count", "total_investment")
    search_fields = ("name", "aliases")
    fields = (
        "name",
        "aliases",
        "order",
        "averaged_indicators",
        "owner",
        "creation",
        "modified",
        "modified_by",
    )
    filter_horizontal = ("averaged_indicators",)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "averaged_indicators":  # only the county scheme's scored indicators
            from apps.innovation_action.models import Indicator, Scheme

            kwargs["queryset"] = Indicator.objects.filter(group__scheme=Scheme.COUNTY, group__is_bonus=False)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(_project_count=Count("projects"), _total_investment=Sum("projects__total_investment"))
            .prefetch_related("plan_assessees__category__plan")
        )

    @admin.display(description="考评分类")
    def categories(self, obj):
        """The county's category in each plan it takes part in (工作方案 → 考评对象): "2023：一类"."""
        rows = obj.plan_assessees.all()
        return "；".join(f"{row.category.plan.name}：{row.category.short_name}" for row in rows) or "—"

    @admin.display(description="项目数", ordering="_project_count")
    def project_count(self, obj):
        return obj._project_count

    @admin.display(description="项目总投资（万元）", ordering="_total_investment")
    def total_investment(self, obj):
        return f"{obj._total_investment:,.0f}" if obj._total_investment is not None else "—"
