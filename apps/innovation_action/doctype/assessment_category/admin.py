from django.contrib import admin

from apps.innovation_action.doctype.assessment_category.model import AssessmentCategory
from apps.lowcode.admin.base import DocumentAdmin


@admin.register(AssessmentCategory)
class AssessmentCategoryAdmin(DocumentAdmin):
    list_display = ("title", "short_name", "plan", "assessee_type", "praised", "interviewed", "order")
    list_filter = ("plan", "assessee_type")
    search_fields = ("title", "short_name", "plan__name", "plan__title")
    fields = (
        "name",
        "plan",
        "title",
        "short_name",
        "order",
        "assessee_type",
        "praised",
        "interviewed",
        "rule",
        "owner",
        "creation",
        "modified",
        "modified_by",
    )
