"""考评得分 in the admin: read-only for everyone, superusers included.

A score is the frozen result of an approved self-assessment; it changes only
through the workflow (approval, or sending the assessment back), which keeps
scores, ranks and the assessment in step. The list links to the ranking page
(考评排名), where the same scores are read by category.
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.http import urlencode

from apps.innovation_action.doctype.assessment_period.model import AssessmentPeriod
from apps.innovation_action.doctype.score.model import Score, ScoreLine
from apps.innovation_action.services.ranking_report import BADGE_STYLES, VETO_LABEL
from apps.lowcode.admin.base import ChildTableInline, DocumentAdmin, ReadOnlyAdminMixin
from apps.lowcode.numbers import number_text


class ScoreLineInline(ReadOnlyAdminMixin, ChildTableInline):
    model = ScoreLine
    fields = ("indicator", "points", "reported_value", "official", "basis", "result", "explanation")
    readonly_fields = fields

    @admin.display(description="核定值")
    def official(self, obj):
        """2.35, not the column's 2.3500."""
        return number_text(obj.official_value) or "—"


@admin.register(Score)
class ScoreAdmin(ReadOnlyAdminMixin, DocumentAdmin):
    list_display = ("assessee", "period", "category", "subtotal", "bonus", "total", "rank", "outcome_badges")
    list_display_links = ("assessee",)
    list_filter = ("period", "category", "outcome", "veto")
    search_fields = ("name", "county__name", "unit__name")
    list_select_related = ("period__plan", "county", "unit")
    change_list_template = "admin/innovation_action/score/change_list.html"
    fields = (
        "name",
        "period",
        "self_assessment",
        "scheme",
        "county",
        "unit",
        "category",
        "subtotal",
        "bonus_claimed",
        "bonus",
        "total",
        "rank",
        "outcome",
        "veto",
        "outcome_note",
        "approved_at",
        "approved_by",
        "owner",
        "creation",
        "modified",
        "modified_by",
    )
    readonly_fields = fields
    inlines = [ScoreLineInline]

    @admin.display(description="考评对象", ordering="county__order")
    def assessee(self, obj):
        return obj.assessee

    @admin.display(description="考评结果", ordering="outcome")
    def outcome_badges(self, obj):
        labels = [obj.outcome] if obj.outcome else []
        if obj.veto:
            labels.append(VETO_LABEL)
        return (
            format_html_join(
                " ", '<span class="badge bg-{}">{}</span>', ((BADGE_STYLES[label], label) for label in labels)
            )
            or "—"
        )

    def changelist_view(self, request, extra_context=None):
        """The link to 考评排名 keeps the period the list is filtered on."""
        period = AssessmentPeriod.objects.filter(pk=request.GET.get("period__id__exact") or None).first()
        url = reverse("ranking") + (f"?{urlencode({'period': period.name})}" if period else "")
        return super().changelist_view(request, {**(extra_context or {}), "ranking_url": url})
