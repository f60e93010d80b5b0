"""Reminders in the admin: the rules (the office's), the log (read only), and 催办 on a document's list and form."""

from django import forms
from django.contrib import admin, messages
from django.utils.html import format_html, format_html_join

from apps.lowcode.admin.base import DocumentAdmin, ReadOnlyAdminMixin, ScopedAdminMixin
from apps.lowcode.admin.doctype_filter import doctype_label, doctype_list_filter
from apps.lowcode.exceptions import FrappeError
from apps.lowcode.reminder import channels, deadlines, service
from apps.lowcode.reminder.model import ReminderLog, ReminderRule


def document_type_choices():
    """The doctypes whose apps declare deadlines, by their labels (月度调度, not Progress Report)."""
    return [("", "---------")] + [(name, doctype_label(name)) for name in deadlines.doctypes()]


def channel_choices():
    """The channels besides the in-app message (always sent), by their labels (邮件, 短信 …)."""
    return [(name, channels.get(name).label or name) for name in channels.registry() if name != channels.IN_APP]


def channel_label(name: str) -> str:
    try:
        return channels.get(name).label or name
    except Exception:  # an unknown name stored earlier: shown as it is, refused on the next save
        return name


class ReminderRuleForm(forms.ModelForm):
    """Doctype and channels are picked from lists by their Chinese labels; the model keeps their names."""

    document_type = forms.ChoiceField(label="单据类型", choices=document_type_choices)
    channel_list = forms.MultipleChoiceField(
        label="发送渠道",
        choices=channel_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="站内消息总会发送；另选要同时使用的渠道（站点配置了邮件服务器时可发邮件）",
    )

    class Meta:
        model = ReminderRule
        exclude = ("channels",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None or self.instance.channels:
            self.initial["channel_list"] = self.instance.channel_names

    def clean(self):
        cleaned = super().clean()
        self.instance.channels = ",".join(cleaned.get("channel_list") or [])
        return cleaned


@admin.register(ReminderRule)
class ReminderRuleAdmin(DocumentAdmin):
    form = ReminderRuleForm
    list_display = (
        "title",
        "document_type_label",
        "enabled",
        "days_before",
        "on_due_date",
        "every_days_late",
        "channel_labels",
    )
    list_filter = (doctype_list_filter("document_type"), "enabled")
    fields = (
        "title",
        "document_type",
        "enabled",
        "days_before",
        "on_due_date",
        "every_days_late",
        "subject",
        "message",
        "channel_list",
        "owner",
        "creation",
        "modified",
        "modified_by",
    )

    @admin.display(description="单据类型", ordering="document_type")
    def document_type_label(self, obj):
        return doctype_label(obj.document_type)

    @admin.display(description="发送渠道")
    def channel_labels(self, obj):
        return "、".join(["站内消息", *(channel_label(name) for name in obj.channel_names)])


@admin.register(ReminderLog)
class ReminderLogAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """Every reminder sent (who, whom, when, why, how); nobody edits or deletes one."""

    list_display = (
        "creation",
        "document_type_label",
        "document_name",
        "kind",
        "sender",
        "recipient",
        "channel_label",
        "reason",
        "status",
    )
    list_filter = ("kind", "status", doctype_list_filter("document_type"))
    search_fields = ("document_name", "recipient__username", "reason")
    list_select_related = ("sender", "recipient")

    @admin.display(description="单据类型", ordering="document_type")
    def document_type_label(self, obj):
        return doctype_label(obj.document_type)

    @admin.display(description="渠道", ordering="channel")
    def channel_label(self, obj):
        return channel_label(obj.channel)

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]


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
