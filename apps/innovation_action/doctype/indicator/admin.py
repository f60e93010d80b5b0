from django.contrib import admin

from apps.lowcode.admin_base import ChildTableInline, DocumentAdmin, ScopedAdminMixin
from apps.innovation_action.doctype.indicator.model import BonusRule, Indicator, IndicatorGroup


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
    fields = ("name", "plan", "scheme", "order", "title", "points", "is_bonus", "owner", "creation", "modified", "modified_by")


class BonusRuleInline(ChildTableInline):
    model = BonusRule
    fields = ("idx", "category", "item", "points", "per_occurrence")


@admin.register(Indicator)
class IndicatorAdmin(DocumentAdmin):
    list_display = ("number", "title", "group", "points")
    list_display_links = ("number", "title")
    list_filter = ("group__plan", "group__scheme", "group")
    search_fields = ("title", "scoring_standard")
    inlines = [BonusRuleInline]
    fields = ("name", "group", "number", "title", "points", "scoring_standard", "owner", "creation", "modified", "modified_by")
