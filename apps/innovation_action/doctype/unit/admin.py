from django.contrib import admin
from django.db.models import Count, Q, Value
from django.urls import reverse
from django.utils.html import format_html

from apps.innovation_action.doctype.action_plan.model import ActionPlan
from apps.innovation_action.doctype.liaison.model import Liaison
from apps.innovation_action.doctype.task_role.model import TaskRole
from apps.innovation_action.doctype.unit.model import Unit
from apps.lowcode.admin.base import DocumentAdmin, ScopedAdminMixin


class LiaisonInline(ScopedAdminMixin, admin.TabularInline):
    model = Liaison
    extra = 0
    fields = ("person_name", "organization", "department", "phone", "user")
    autocomplete_fields = ("user",)


@admin.register(Unit)
class UnitAdmin(DocumentAdmin):
    list_display = ("name", "kind", "led_count", "shared_count", "liaison_count")
    list_filter = ("kind",)
    search_fields = ("name",)
    fields = ("name", "kind", "county", "order", "owner", "creation", "modified", "modified_by")
    inlines = [LiaisonInline]

    def get_queryset(self, request):
        # Task counts are of the latest year's plan: a copied plan must not double them.
        latest = ActionPlan.objects.order_by("-start_date").values_list("pk", flat=True).first()
        this_year = Q(task_rows__task__plan=latest)
        return (
            super()
            .get_queryset(request)
            .annotate(
                _plan=Value(latest),
                _led=Count("task_rows__task", filter=this_year & Q(task_rows__role__is_leading=True), distinct=True),
                _shared=Count(
                    "task_rows__task", filter=this_year & Q(task_rows__role__is_leading=False), distinct=True
                ),
                _liaisons=Count("liaisons", distinct=True),
            )
        )

    def _tasks_link(self, obj, count, leading: bool):
        url = reverse("admin:innovation_action_task_changelist")
        roles = ",".join(TaskRole.objects.filter(is_leading=leading).values_list("name", flat=True))
        return format_html(
            '<a href="{}?unit={}&role={}&plan__id__exact={}">{}</a>', url, obj.pk, roles, obj._plan, count
        )

    @admin.display(description="牵头任务", ordering="_led")
    def led_count(self, obj):
        return self._tasks_link(obj, obj._led, leading=True)

    @admin.display(description="参与任务（非牵头）", ordering="_shared")
    def shared_count(self, obj):
        return self._tasks_link(obj, obj._shared, leading=False)

    @admin.display(description="联络员", ordering="_liaisons")
    def liaison_count(self, obj):
        url = reverse("admin:innovation_action_liaison_changelist")
        return format_html('<a href="{}?unit__id__exact={}">{}</a>', url, obj.pk, obj._liaisons)
