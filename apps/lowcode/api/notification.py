"""Frappe's notification methods (the bell): my latest messages, how many are unread, mark read."""

from apps.lowcode.doctype.meta import get_meta
from apps.lowcode.doctype.serialize import doc_to_dict
from apps.lowcode.exceptions import DoesNotExistError, ValidationError
from apps.lowcode.notification.model import NotificationLog
from apps.lowcode.notification.service import unread_count
from apps.lowcode.whitelist import whitelist

DEFAULT_LIMIT = 20
MAX_LIMIT = 500


def _limit(value) -> int:
    if value in (None, ""):
        return DEFAULT_LIMIT
    try:
        limit = int(value)
    except (TypeError, ValueError):
        raise ValidationError("参数 limit 应为正整数") from None
    if limit < 1:
        raise ValidationError("参数 limit 应为正整数")
    return min(limit, MAX_LIMIT)


def user_info(user) -> dict:
    """Frappe's ``add_user_info`` entry: who a message is from, as the bell shows them."""
    return {
        "fullname": user.get_full_name() or user.get_username(),
        "image": None,
        "name": user.get_username(),
        "email": user.email or "",
        "time_zone": None,
    }


@whitelist("frappe.desk.doctype.notification_log.notification_log.get_notification_logs")
def get_notification_logs(request, limit=None, **_):
    """我的最新消息（最新的在前）及未读条数：``{"notification_logs": [...], "user_info": {...}, "unread_count": n}``"""
    meta = get_meta(NotificationLog.doctype)
    notes = list(
        NotificationLog.objects.filter(for_user=request.user)
        .select_related("for_user", "from_user")
        .order_by("-creation", "-pk")[: _limit(limit)]
    )
    senders = {note.from_user.get_username(): note.from_user for note in notes if note.from_user is not None}
    return {
        "notification_logs": [doc_to_dict(note, meta) for note in notes],
        "user_info": {name: user_info(user) for name, user in senders.items()},
        "unread_count": unread_count(request.user),
    }


@whitelist("frappe.desk.doctype.notification_log.notification_log.get_unread_count", methods=("GET",))
def get_unread_count(request, **_):
    """我的未读消息条数（铃铛上的数字）"""
    return unread_count(request.user)


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
