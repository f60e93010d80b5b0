from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.signals import post_delete
from django.dispatch import receiver

from apps.lowcode.doctype.base import BaseDocument, Document


class NotificationLog(BaseDocument):
    """An in-app message to one user (Frappe's Notification Log), e.g. "章贡区 自评报告 待初审".

    ``event_key`` names what caused it (a workflow log entry); one message per
    user and event, so a retried job never notifies twice.
    """

    doctype = "Notification Log"
    # Marked read through frappe.desk…mark_as_read; never written as a plain resource.
    writable_as_resource = False

    for_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="接收人", on_delete=models.CASCADE, related_name="notifications"
    )
    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发送人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="办理了引起此消息的操作的人；系统发出的为空",
    )
    type = models.CharField("类型", max_length=20, default="Alert", help_text="Frappe 的消息类型，例如 Alert")
    subject = models.CharField("标题", max_length=300)
    email_content = models.TextField("内容", blank=True)
    document_type = models.CharField("单据类型", max_length=140, blank=True)
    document_name = models.CharField("单据编号", max_length=140, blank=True)
    read = models.BooleanField("已读", default=False)
    email_sent = models.BooleanField("已发邮件", default=False)
    event_key = models.CharField("事件", max_length=100, editable=False)

    class Meta:
        verbose_name = "消息"
        verbose_name_plural = "我的消息"
        ordering = ["read", "-creation"]
        constraints = [models.UniqueConstraint(fields=["for_user", "event_key"], name="unique_notification_per_event")]

    @classmethod
    def scope_condition(cls, user) -> Q:
        """Everyone reads only their own messages."""
        return Q(for_user=user)


@receiver(post_delete)
def forget_deleted_document(sender, instance, **kwargs):
    """Messages about a deleted document would lead nowhere."""
    if isinstance(instance, Document) and sender.doctype:
        NotificationLog.objects.filter(document_type=sender.doctype, document_name=instance.name).delete()
