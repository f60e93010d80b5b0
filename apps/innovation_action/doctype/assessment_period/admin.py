from django.contrib import admin

from apps.lowcode.admin_base import DocumentAdmin
from apps.innovation_action.doctype.assessment_period.model import AssessmentPeriod


@admin.register(AssessmentPeriod)
class AssessmentPeriodAdmin(DocumentAdmin):
    list_display = ("name", "title", "kind", "start_date", "end_date", "deadline")
    list_filter = ("plan", "kind")
    fields = ("name", "plan", "kind", "number", "start_date", "end_date", "deadline",
              "owner", "creation", "modified", "modified_by")

    @admin.display(description="名称")
    def title(self, obj):
        return obj.title
