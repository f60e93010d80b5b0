from django.contrib import admin

from apps.innovation_action.doctype.project_report.model import ProjectReport
from apps.lowcode.admin.base import DocumentAdmin


@admin.register(ProjectReport)
class ProjectReportAdmin(DocumentAdmin):
    list_display = (
        "name",
        "project",
        "county",
        "period",
        "stage",
        "month_investment",
        "year_investment",
        "workflow_state",
    )
    list_filter = (
        ("period", admin.RelatedOnlyFieldListFilter),
        ("county", admin.RelatedOnlyFieldListFilter),
        "stage",
    )
    list_select_related = ("project", "county", "period__plan")
    search_fields = ("name", "project__project_name", "county__name")
    autocomplete_fields = ("project",)
    fields = (
        "name",
        "period",
        "project",
        "county",
        "planned_investment",
        "stage",
        "month_investment",
        "year_investment",
        "progress",
        "problems",
        "next_steps",
        "submitted_at",
        "workflow_state",
        "owner",
        "creation",
        "modified",
        "modified_by",
    )
    readonly_fields = (
        "county",
        "planned_investment",
        "submitted_at",
        "workflow_state",
        "owner",
        "creation",
        "modified",
        "modified_by",
    )

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if obj is not None:  # which month and which project are fixed once created
            fields = [*fields, *(f for f in ("period", "project") if f not in fields)]
        return fields
