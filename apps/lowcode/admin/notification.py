from django.contrib import admin
from django.http import HttpResponseRedirect
from django.urls import reverse

from apps.lowcode.admin.base import ScopedAdminMixin, change_url
from apps.lowcode.admin.doctype_filter import doctype_list_filter
from apps.lowcode.doctype import doctype_registry
from apps.lowcode.notification.model import NotificationLog


@admin.register(NotificationLog)
class NotificationLogAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """我的消息: each user sees only their own; opening one marks it read and goes to its document."""

    list_display = ("subject", "read", "creation")
    list_filter = ("read", doctype_list_filter("document_type"))
    search_fields = ("subject", "document_name")
    actions = ["mark_read"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        note = self.get_object(request, object_id)
        if note is None:
            return super().change_view(request, object_id, form_url, extra_context)
        NotificationLog.objects.filter(pk=note.pk).update(read=True)
        model = doctype_registry.get(note.document_type)
        doc = model._default_manager.filter(name=note.document_name).first() if model else None
        return HttpResponseRedirect(change_url(doc) if doc else reverse("admin:lowcode_notificationlog_changelist"))

    @admin.action(description="标为已读")
    def mark_read(self, request, queryset):
        queryset.update(read=True)
