"""Reminders of deadlines: the scheduler's daily run, and 催办 by hand.

Who is reminded: those who may act on the document in its current workflow state (the same
people the workflow's notifications reach: the assessee's users, by role, approver field and
scope), never when the document has left its draft state. What is sent: a Reminder Rule's
message, in-app always, and by each further channel that can reach the person.

Exactly once: each reminder is a Reminder Log row inserted before it is sent, its ``occasion``
naming the rule, the deadline and which reminder of the rule it is; the database's unique
constraint turns a second insert (a second run, an overlapping worker) into a skip. Nothing is
checked first and acted on after.
"""

import logging
import uuid
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.lowcode.doctype import doctype_registry
from apps.lowcode.doctype.meta import get_meta
from apps.lowcode.exceptions import PermissionError, ValidationError
from apps.lowcode.permissions import can, in_scope, scope_queryset
from apps.lowcode.reminder import channels, deadlines
from apps.lowcode.reminder.model import ReminderKind, ReminderLog, ReminderRule, ReminderStatus
from apps.lowcode.roles import roles_phrase
from apps.lowcode.workflow import engine

logger = logging.getLogger(__name__)

REMIND_PERMISSION = "lowcode.remind"


def date_text(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def time_left_text(due: date, today: date) -> str:
    left = (due - today).days
    if left > 0:
        return f"还剩 {left} 天"
    return "今天截止" if left == 0 else f"已逾期 {-left} 天"


def occasion(rule: ReminderRule, due: date, today: date) -> tuple[str, str] | None:
    """Which of the rule's reminders is due today, as (key, reason), or None.

    The windows do not overlap: before (from N days before the deadline to the day before it),
    the day itself, and each stretch of ``every_days_late`` days once late. A run missed on the
    first day of a window is made up later in it, never twice.
    """
    left = (due - today).days
    if rule.days_before and 0 < left <= rule.days_before:
        return f"before-{rule.days_before}", f"截止前{rule.days_before}天提醒"
    if left == 0 and rule.on_due_date:
        return "due", "截止当日提醒"
    if left < 0 and rule.every_days_late:
        late = -left
        number = (late - 1) // rule.every_days_late + 1
        return f"late-{number}", f"已逾期{late}天，第{number}次逾期提醒"
    return None


def who_must_act(doc) -> list:
    """Those who may move the document on from its current state (its creator when the doctype has no workflow)."""
    if engine.workflow_of(doc) is None:
        return [doc.owner] if getattr(doc, "owner", None) and doc.owner.is_active else []
    return engine.users_who_can_act(doc)


def still_draft(doc) -> bool:
    """Read again from the database: a document submitted since the run began is not reminded."""
    return type(doc)._default_manager.filter(pk=doc.pk, docstatus=0).exists()


def render(template: str, doc, due: date | None, today: date) -> str:
    left = (due - today).days if due else 0
    values = {
        "单据": str(doc),
        "单据类型": get_meta(type(doc).doctype).label,
        "截止日期": date_text(due) if due else "未设",
        "剩余天数": max(left, 0),
        "逾期天数": max(-left, 0),
        "时间": time_left_text(due, today) if due else "未设截止日期",
    }
    return template.format_map(values)


def deliver(doc, recipients, *, channel_names, occasion_key, reason, subject, message, due, rule=None, sender=None):
    """Insert one Reminder Log row per person and channel, then send it; an existing row is skipped.

    Returns the rows sent. A channel that fails marks its row 发送失败 with the error; it is not
    retried, so nobody gets a reminder twice.
    """
    names = [channels.IN_APP, *(n for n in channel_names if n != channels.IN_APP)]
    sent = []
    for user in recipients:
        for name in names:
            channel = channels.get(name)
            if not channel.can_reach(user):
                continue
            try:
                with transaction.atomic():
                    log = ReminderLog.objects.create(
                        kind=ReminderKind.MANUAL if sender else ReminderKind.AUTOMATIC,
                        rule=rule,
                        document_type=type(doc).doctype,
                        document_name=doc.name,
                        recipient=user,
                        sender=sender,
                        channel=name,
                        due_date=due,
                        occasion=occasion_key,
                        reason=reason[:300],
                        subject=subject[:300],
                        message=message,
                        owner=sender,
                        modified_by=sender,
                    )
            except IntegrityError:
                continue  # sent already, by an earlier or a concurrent run
            try:
                channel.send(log)
            except Exception as exc:  # a gateway's failure is recorded, not raised into the scheduler
                logger.exception("reminder %s by %s failed", log.pk, name)
                ReminderLog.objects.filter(pk=log.pk).update(status=ReminderStatus.FAILED, error=str(exc)[:2000])
                continue
            ReminderLog.objects.filter(pk=log.pk).update(status=ReminderStatus.SENT)
            sent.append(log)
    return sent


def send_due_reminders(today: date | None = None) -> int:
    """The scheduler's job (hooks.py ``scheduler_events``): every enabled rule over the documents not
    yet submitted; returns how many reminders were sent."""
    today = today or timezone.localdate()
    count = 0
    for rule in ReminderRule.objects.filter(enabled=True).order_by("pk"):
        model = doctype_registry.get(rule.document_type)
        if model is None or rule.document_type not in deadlines.doctypes():
            continue
        for doc in model._default_manager.filter(docstatus=0).order_by("pk"):
            due = deadlines.due_date(doc)
            found = occasion(rule, due, today) if due else None
            if found is None or not still_draft(doc):
                continue
            key, reason = found
            count += len(
                deliver(
                    doc,
                    who_must_act(doc),
                    channel_names=rule.channel_names,
                    occasion_key=f"rule:{rule.pk}|{due.isoformat()}|{key}",
                    reason=f"{rule.title}：{reason}",
                    subject=render(rule.subject, doc, due, today),
                    message=render(rule.message, doc, due, today),
                    due=due,
                    rule=rule,
                )
            )
    return count


def may_remind(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.has_perm(REMIND_PERMISSION))


def ensure_may_remind(user) -> None:
    """Refuse 催办 to those without the permission, naming the roles that hold it as they are called now."""
    if not may_remind(user):
        raise PermissionError(f"只有{roles_phrase(REMIND_PERMISSION)}可以催办")


def remind(sender, doc, note: str = "", today: date | None = None) -> list:
    """催办 one document by hand: everyone who must act on it, in-app and by email; logged as the sender's."""
    ensure_may_remind(sender)
    if not (can(sender, "read", type(doc)) and in_scope(sender, doc)):
        raise PermissionError("超出你的数据权限范围")
    label = get_meta(type(doc).doctype).label
    if doc.docstatus != 0:
        raise ValidationError(f"{label} {doc} 已提交，无需催办")
    recipients = who_must_act(doc)
    if not recipients:
        raise ValidationError(f"{label} {doc} 没有可催办的填报人员")
    today = today or timezone.localdate()
    due = deadlines.due_date(doc)
    note = str(note or "").strip()[:200]
    actor = sender.get_full_name() or sender.get_username()
    timing = f"报送截止日期为{date_text(due)}，{time_left_text(due, today)}" if due else "请按要求报送"
    message = f"{actor}催办：{doc}，{timing}。请尽快填报并提交。"
    if note:
        message += f"\n催办说明：{note}"
    return deliver(
        doc,
        recipients,
        channel_names=["email"],
        occasion_key=f"manual:{uuid.uuid4().hex}",
        reason=f"催办：{note}" if note else "催办",
        subject=f"【催办】{label}：{doc}",
        message=message,
        due=due,
        sender=sender,
    )


def logs_of(user, doc) -> list[dict]:
    """The reminders about one document the user may see, newest first (the form's 提醒记录)."""
    rows = (
        scope_queryset(user, ReminderLog)
        .filter(document_type=type(doc).doctype, document_name=doc.name)
        .select_related("recipient", "sender", "rule")
        .order_by("-creation", "-id")
    )
    return [
        {
            "name": row.name,
            "kind": row.kind,
            "creation": timezone.localtime(row.creation).strftime("%Y-%m-%d %H:%M:%S"),
            "sender": row.sender.get_username() if row.sender else None,
            "sender_name": (row.sender.get_full_name() or row.sender.get_username()) if row.sender else "系统",
            "recipient": row.recipient.get_username(),
            "recipient_name": row.recipient.get_full_name() or row.recipient.get_username(),
            "channel": row.channel,
            "channel_label": _channel_label(row.channel),
            "reason": row.reason,
            "rule": row.rule.title if row.rule else None,
            "due_date": row.due_date.isoformat() if row.due_date else None,
            "status": row.status,
        }
        for row in rows
    ]


def _channel_label(name: str) -> str:
    try:
        return channels.get(name).label or name
    except Exception:  # a channel since removed from the configuration
        return name
