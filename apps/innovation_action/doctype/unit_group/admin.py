from django.contrib import admin

from apps.innovation_action.doctype.unit_group.model import UnitGroup, UnitGroupMember
from apps.lowcode.admin.base import ChildTableInline, DocumentAdmin


class UnitGroupMemberInline(ChildTableInline):
    model = UnitGroupMember
    fields = ("idx", "unit")
    autocomplete_fields = ("unit",)


@admin.register(UnitGroup)
class UnitGroupAdmin(DocumentAdmin):
    list_display = ("name", "member_names", "order")
    search_fields = ("name", "members__unit__name")
    fields = ("name", "order", "owner", "creation", "modified", "modified_by")
    inlines = [UnitGroupMemberInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("members__unit")

    def get_search_results(self, request, queryset, search_term):
        queryset, _ = super().get_search_results(request, queryset, search_term)
        return queryset.distinct(), False

    @admin.display(description="成员单位")
    def member_names(self, obj):
        return "、".join(row.unit.name for row in obj.members.all()) or "—"
