"""Frappe's notification methods: mark one or all of my messages read."""

from apps.lowcode.exceptions import DoesNotExistError, ValidationError
from apps.lowcode.notification.model import NotificationLog
from apps.lowcode.whitelist import whitelist


@whitelist("frappe.desk.doctype.notification_log.notification_log.mark_as_read", methods=("POST",))
def mark_as_read(request, docname, **_):
    """将我的一条消息标为已读"""
    if not isinstance(docname, str | int):
        raise ValidationError("参数 docname 应为消息编号")
    updated = NotificationLog.objects.filter(for_user=request.user, name=str(docname)).update(read=True)
    if not updated:
        raise DoesNotExistError(f"消息 {docname} 不存在")


@whitelist("frappe.desk.doctype.notification_log.notification_log.mark_all_as_read", methods=("POST",))
def mark_all_as_read(request, **_):
    """将我的全部消息标为已读"""
    NotificationLog.objects.filter(for_user=request.user, read=False).update(read=True)
