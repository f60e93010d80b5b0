from django.contrib import admin
from django.utils.html import format_html, format_html_join

from apps.innovation_action.doctype.self_assessment.model import (
    BonusClaim,
    SelfAssessment,
    SelfAssessmentLine,
)
from apps.innovation_action.services.deadlines import deadline_text
from apps.lowcode.admin.base import ChildTableInline, DocumentAdmin
from apps.lowcode.admin.reminder import RemindersAdminMixin
from apps.lowcode.numbers import number_text


class SelfAssessmentLineInline(ChildTableInline):
    model = SelfAssessmentLine
    fields = (
        "indicator_and_notes",
        "value",
        "official",
        "self_score",
        "evidence",
        "analysis",
        "computed",
        "reviewed_score",
        "review_comment",
    )
    readonly_fields = ("indicator_and_notes", "official", "computed")
    can_delete = False

    @admin.display(description="考评指标")
    def indicator_and_notes(self, obj):
        """The indicator, and under it how its scores were reached (an overridden 初审得分 says so, and why)."""
        notes = [(label, note) for label, note in (("自评", obj.self_note), ("初审", obj.reviewed_note)) if note]
        return format_html(
            '<div style="min-width: 15em">{}{}</div>',
            obj.indicator,
            format_html_join("", '<div class="text-muted small mt-1">{}：{}</div>', notes),
        )

    @admin.display(description="核定值")
    def official(self, obj):
        """The department's figure (核定数据, imported by the office) beside the reported one; scoring uses it."""
        return number_text(obj.official_value) or "—"

    @admin.display(description="计算得分")
    def computed(self, obj):
        """What the indicator's method gives at review, beside the 初审得分 the office may override
        (with its reason in 初审意见); clearing the 初审得分 takes the computed score again."""
        if obj.reviewed_computed is None:
            return "—"
        if obj.reviewed_overridden:
            return format_html(
                '{}<div class="text-warning small">已调整为 {}</div>',
                number_text(obj.reviewed_computed),
                number_text(obj.reviewed_score),
            )
        return number_text(obj.reviewed_computed)

    def has_add_permission(self, request, obj=None):
        return False  # one line per indicator, created with the assessment

    def get_max_num(self, request, obj=None, **kwargs):
        return obj.lines.count() if obj else 0  # hides the "add another" link too

    # Eight columns must fit the form's width: narrow inputs, text boxes that grow downwards.
    WIDTHS = {"value": "8em", "self_score": "5em", "reviewed_score": "5em"}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name in ("evidence", "analysis", "review_comment"):
            field.widget.attrs.update(rows=3, style="width: 100%; min-width: 9em")
        if db_field.name in self.WIDTHS:
            field.widget.attrs.update({"class": "form-control", "style": f"width: {self.WIDTHS[db_field.name]}"})
        return field


class BonusClaimInline(ChildTableInline):
    """加分申报: the assessee claims events of the catalogue; the office sets how many it accepts."""

    model = BonusClaim
    fields = ("rule", "quantity", "description", "evidence", "claimed", "accepted_quantity", "review_comment")
    readonly_fields = ("claimed",)

    @admin.display(description="申报加分")
    def claimed(self, obj):
        return number_text(obj.claimed_points) if obj.rule_id else "—"

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name in ("evidence", "review_comment"):
            field.widget.attrs.update(rows=2, style="width: 100%; min-width: 9em")
        if db_field.name in ("quantity", "accepted_quantity"):
            field.widget.attrs.update({"class": "form-control", "style": "width: 5em"})
        return field


def bonus_heading(indicators) -> str:
    """ "加分申报（第15项，合计不超过 15 分）", from the scheme's bonus items (their numbers and caps)."""
    items = "、".join(f"第{indicator.number}项" for indicator in indicators)
    cap = number_text(sum(indicator.weight for indicator in indicators))
    return f"{BonusClaim._meta.verbose_name_plural}（{items}，合计不超过 {cap} 分）"


@admin.register(SelfAssessment)
class SelfAssessmentAdmin(RemindersAdminMixin, DocumentAdmin):
    list_display = (
        "name",
        "assessee",
        "period",
        "scheme",
        "self_total",
        "reviewed_total",
        "deadline_status",
        "modified",
    )
    list_filter = ("period", "scheme", "county__plan_assessees__category")
    search_fields = ("name", "county__name", "unit__name")
    fields = (
        "name",
        "period",
        "county",
        "unit",
        "scheme",
        "summary",
        "deadline_status",
        "self_total",
        "reviewed_total",
        "workflow_state",
        "owner",
        "creation",
        "modified",
        "modified_by",
        "reminder_list",
    )
    readonly_fields = (
        "deadline_status",
        "self_total",
        "reviewed_total",
        "workflow_state",
        "owner",
        "creation",
        "modified",
        "modified_by",
    )
    inlines = [SelfAssessmentLineInline, BonusClaimInline]

    @admin.display(description="报送截止")
    def deadline_status(self, obj):
        return deadline_text(obj)

    @admin.display(description="考评对象")
    def assessee(self, obj):
        return obj.assessee

    def get_inlines(self, request, obj):
        # Lines are generated from the scheme's indicators when the assessment is created; bonus claims
        # are offered only when the scheme has a bonus item, headed by that item's own number and cap.
        if obj is None:
            return []
        bonus = [line.indicator for line in obj.lines.select_related("indicator__group") if line.indicator.is_bonus]
        if not bonus:
            return [SelfAssessmentLineInline]
        heading = bonus_heading(bonus)
        return [
            SelfAssessmentLineInline,
            type("BonusClaimInline", (BonusClaimInline,), {"verbose_name_plural": heading}),
        ]

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if obj is not None:  # who and when are fixed once created
            fields = [*fields, *(f for f in ("period", "county", "unit", "scheme") if f not in fields)]
        return fields
