from django.contrib import admin

from apps.innovation_action.doctype.deadline_rule.model import DeadlineRule
from apps.lowcode.admin.base import DocumentAdmin


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(DocumentAdmin):
    list_display = ("name", "plan", "document_type", "period_kind", "rule_text", "enabled")
    list_filter = ("plan", "document_type", "enabled")
    fields = (
        "plan",
        "document_type",
        "period_kind",
        "basis",
        "days",
        "enabled",
        "owner",
        "creation",
        "modified",
        "modified_by",
    )

    @admin.display(description="截止规则")
    def rule_text(self, obj):
        return obj.rule_text
