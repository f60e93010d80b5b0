from django.contrib import admin

from apps.lowcode.admin_base import ChildTableInline, DocumentAdmin
from apps.innovation_action.doctype.action_plan.model import ActionPlan, PlanTarget


class PlanTargetInline(ChildTableInline):
    model = PlanTarget
    fields = ("idx", "indicator", "target", "value", "unit")


@admin.register(ActionPlan)
class ActionPlanAdmin(DocumentAdmin):
    list_display = ("title", "year", "document_number", "issuer", "issue_date")
    search_fields = ("title", "document_number")
    inlines = [PlanTargetInline]
    fieldsets = (
        ("基本信息", {"fields": ("name", "year", "title", "issuer", "document_number", "issue_date")}),
        ("印发通知", {"fields": ("notice_title", "addressees", "notice_body")}),
        ("方案正文", {"fields": ("preamble", "overall_targets", "safeguards")}),
        ("记录信息", {"fields": ("owner", "creation", "modified", "modified_by")}),
    )
