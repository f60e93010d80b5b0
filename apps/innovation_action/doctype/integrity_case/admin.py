from django.contrib import admin

from apps.innovation_action.doctype.integrity_case.model import IntegrityCase
from apps.lowcode.admin.base import DocumentAdmin


@admin.register(IntegrityCase)
class IntegrityCaseAdmin(DocumentAdmin):
    list_display = ("found_on", "assessee", "title", "is_major", "plan")
    list_filter = ("plan", "is_major")
    search_fields = ("title", "county__name", "unit__name")
    fields = (
        "name",
        "plan",
        "county",
        "unit",
        "title",
        "found_on",
        "is_major",
        "description",
        "owner",
        "creation",
        "modified",
        "modified_by",
    )

    @admin.display(description="县（市、区）/单位")
    def assessee(self, obj):
        return obj.county or obj.unit
