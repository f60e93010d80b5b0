from django.contrib import admin

from apps.innovation_action.doctype.indicator.model import (
    BonusRule,
    Indicator,
    IndicatorGroup,
)
from apps.lowcode.admin.base import ChildTableInline, DocumentAdmin, ScopedAdminMixin
from apps.lowcode.numbers import number_text


class IndicatorInline(ScopedAdminMixin, admin.TabularInline):
    model = Indicator
    extra = 0
    fields = ("number", "title", "points")
    show_change_link = True


@admin.register(IndicatorGroup)
class IndicatorGroupAdmin(DocumentAdmin):
    list_display = ("title", "scheme", "points", "is_bonus", "plan")
    list_filter = ("plan", "scheme")
    inlines = [IndicatorInline]
    fields = (
        "name",
        "plan",
        "scheme",
        "order",
        "title",
        "short_title",
        "points",
        "is_bonus",
        "owner",
        "creation",
        "modified",
        "modified_by",
    )


class BonusRuleInline(ChildTableInline):
    model = BonusRule
    fields = ("idx", "category", "item", "points", "per_occurrence")


@admin.register(Indicator)
class IndicatorAdmin(DocumentAdmin):
    list_display = ("number", "title", "group", "points", "weight", "scoring_method", "value_source")
    list_display_links = ("number", "title")
    list_filter = ("group__plan", "group__scheme", "group")
    search_fields = ("title", "scoring_standard")
    inlines = [BonusRuleInline]
    fieldsets = (
        (None, {"fields": ("name", "group", "number", "title", "points", "scoring_standard")}),
        (
            "计分方法",
            {
                "description": "未设分值的指标平分所在类别的剩余分值。自动计分的指标按取值来源的数值计算；"
                "“评审打分”的指标由考评对象自评、领导小组办公室初审打分。",
                "fields": (
                    "scoring_method",
                    "value_source",
                    "target",
                    "floor",
                    "cap",
                    "rank_step",
                    "deduction",
                    "formula",
                    "higher_is_better",
                ),
            },
        ),
        ("记录", {"classes": ("collapse",), "fields": ("owner", "creation", "modified", "modified_by")}),
    )

    @admin.display(description="计分分值")
    def weight(self, obj):
        return number_text(obj.weight) if not obj.is_bonus else f"上限 {number_text(obj.points)}"
