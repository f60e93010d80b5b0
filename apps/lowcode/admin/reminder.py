"""Reminders in the admin: the rules (the office's), the log (read only), and 催办 on a document's list and form."""

from django.contrib import admin, messages
from django.utils.html import format_html, format_html_join

from apps.lowcode.admin.base import DocumentAdmin, ScopedAdminMixin
from apps.lowcode.exceptions import FrappeError
from apps.lowcode.reminder import service
from apps.lowcode.reminder.model import ReminderLog, ReminderRule


@admin.register(ReminderRule)
class ReminderRuleAdmin(DocumentAdmin):
    list_display = ("title", "document_type", "enabled", "days_before", "on_due_date", "every_days_late", "channels")
    list_filter = ("document_type", "enabled")
    fields = (
        "title",
        "document_type",
        "enabled",
        "days_before",
        "on_due_date",
        "every_days_late",
        "subject",
        "message",
        "channels",
        "owner",
        "creation",
        "modified",
        "modified_by",
    )


@admin.register(ReminderLog)
class ReminderLogAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Every reminder sent (who, whom, when, why, how); nobody edits or deletes one."""

    list_display = (
        "creation",
        "document_type",
        "document_name",
        "kind",
        "sender",
        "recipient",
        "channel",
        "reason",
        "status",
    )
    list_filter = ("kind", "channel", "status", "document_type")
    search_fields = ("document_name", "recipient__username", "reason")
    list_select_related = ("sender", "recipient")

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RemindersAdminMixin:
    """For the admin of a doctype with deadlines: the 提醒记录 read-only section and the 催办 action."""

    reminder_fields = ("reminder_list",)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if service.may_remind(request.user):
            func = type(self).remind_selected
            actions["remind_selected"] = (func, "remind_selected", func.short_description)
        return actions

    @admin.display(description="提醒记录")
    def reminder_list(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        user = getattr(obj, "_reminders_for", None)
        rows = service.logs_of(user, obj) if user is not None else []
        if not rows:
            return "暂无提醒"
        body = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    r["creation"],
                    r["kind"],
                    r["sender_name"],
                    r["recipient_name"],
                    r["channel_label"],
                    r["reason"],
                    r["status"],
                )
                for r in rows
            ),
        )
        return format_html(
            '<table class="table table-sm"><thead><tr><th>时间</th><th>类型</th><th>发送人</th><th>接收人</th>'
            "<th>渠道</th><th>原因</th><th>状态</th></tr></thead><tbody>{}</tbody></table>",
            body,
        )

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            obj._reminders_for = request.user  # reminder_list shows what this user may see
        return obj

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return [*fields, *(f for f in self.reminder_fields if f not in fields)]

    def remind_selected(self, request, queryset):
        reminded = failed = 0
        for doc in queryset:
            try:
                sent = service.remind(request.user, doc)
            except FrappeError as exc:
                self.message_user(request, f"{doc}：{exc.message}", messages.WARNING)
                failed += 1
            else:
                reminded += 1 if sent else 0
        if reminded:
            self.message_user(request, f"已催办 {reminded} 份单据", messages.SUCCESS)

    remind_selected.short_description = "催办所选单据"
