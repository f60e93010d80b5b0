from django.contrib import admin

from apps.innovation_action.doctype.plan_assessee.model import PlanAssessee
from apps.lowcode.admin.base import DocumentAdmin


@admin.register(PlanAssessee)
class PlanAssesseeAdmin(DocumentAdmin):
    list_display = ("__str__", "category", "plan")
    list_filter = ("plan", "category")
    search_fields = ("county__name", "unit__name", "category__title", "plan__name")
    fields = ("name", "plan", "category", "county", "unit", "owner", "creation", "modified", "modified_by")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "category":  # "一类县（市、区）" of which plan: the plan's name goes first
            field.label_from_instance = lambda category: f"{category.plan.name}：{category.title}"
            field.queryset = field.queryset.select_related("plan")
        return field
