"""Reminder rules from fixture rows (a site's defaults): created once by title, then the office's."""

from django.core.exceptions import ValidationError as DjangoValidationError

from apps.lowcode.exceptions import ValidationError
from apps.lowcode.reminder.model import ReminderRule

FIELDS = ("document_type", "enabled", "days_before", "on_due_date", "every_days_late", "subject", "message", "channels")


def load_reminder_rules(rows: list) -> list[str]:
    """Creates the rules not there yet (by title); returns their titles. A bad row is refused whole, in Chinese."""
    created = []
    for row in rows or []:
        title = str(row.get("title") or "").strip()
        if not title:
            raise ValidationError(f"提醒规则缺少 title：{row}")
        if ReminderRule.objects.filter(title=title).exists():
            continue
        rule = ReminderRule(title=title, **{k: row[k] for k in FIELDS if k in row})
        try:
            rule.full_clean()
        except DjangoValidationError as exc:
            raise ValidationError(f"提醒规则“{title}”：{'；'.join(exc.messages)}") from None
        rule.save()
        created.append(title)
    return created
