"""When a document is due: the period's own 报送截止日期, else the plan's 报送截止规则 (Deadline Rule).

One place answers "when is it due" for everyone who asks: the 按时报送 deduction (附表3-2 第4项,
services/monthly_reports.py), the forms and the API that show the time left, and the reminders
(apps/lowcode/reminder, through the ``deadlines`` hook). A period without its own date and
without an enabled rule has no deadline: nothing in it is late, nobody is reminded.
"""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from apps.innovation_action.doctype.assessment_period.model import AssessmentPeriod, PeriodKind
from apps.innovation_action.doctype.deadline_rule.model import DeadlineBasis, DeadlineDocument, DeadlineRule
from apps.lowcode.reminder.service import logs_of
from apps.lowcode.workflow import engine

# The document a period of each kind is due with.
DOCUMENT_OF_KIND = {
    PeriodKind.MONTH: DeadlineDocument.PROGRESS_REPORT,
    PeriodKind.QUARTER: DeadlineDocument.SELF_ASSESSMENT,
    PeriodKind.YEAR: DeadlineDocument.SELF_ASSESSMENT,
}


def rule_date(rule: DeadlineRule, period: AssessmentPeriod) -> date:
    """The day a rule makes a period's document due: 次月第 N 日 (the month's last day when shorter), or N days
    after the period ends."""
    if rule.basis == DeadlineBasis.NEXT_MONTH_DAY:
        end = period.end_date
        year, month = (end.year + 1, 1) if end.month == 12 else (end.year, end.month + 1)
        return date(year, month, min(rule.days, calendar.monthrange(year, month)[1]))
    return period.end_date + timedelta(days=rule.days)


def enabled_rules(plan_ids) -> dict[tuple, DeadlineRule]:
    """{(plan id, document type, period kind): rule} of the enabled rules of these plans."""
    rules = DeadlineRule.objects.filter(plan_id__in=set(plan_ids), enabled=True)
    return {(r.plan_id, r.document_type, r.period_kind): r for r in rules}


def due_dates(periods, document_type: str | None = None) -> dict[int, date | None]:
    """{period pk: due date or None} for many periods at once (one query for the rules)."""
    periods = list(periods)
    rules = enabled_rules(p.plan_id for p in periods if p.deadline is None)
    out = {}
    for period in periods:
        if period.deadline is not None:
            out[period.pk] = period.deadline
            continue
        doctype = document_type or DOCUMENT_OF_KIND[period.kind]
        rule = rules.get((period.plan_id, doctype, period.kind))
        out[period.pk] = rule_date(rule, period) if rule else None
    return out


def period_due_date(period: AssessmentPeriod, document_type: str | None = None) -> date | None:
    return due_dates([period], document_type)[period.pk]


def due_date(document) -> date | None:
    """When a period's document (月度调度, 自评报告) is due; None when it has no deadline."""
    period = getattr(document, "period", None)
    if period is None:
        return None
    return period_due_date(period, type(document).doctype)


def submitted_on(document) -> date | None:
    """The local day the document was first submitted, where the document records it (月度调度's 报送时间)."""
    stamp = getattr(document, "submitted_at", None)
    return timezone.localdate(stamp) if stamp else None


@dataclass(frozen=True)
class Deadline:
    due_date: date | None
    days_left: int | None  # negative: days late; None: no deadline, or submitted
    text: str  # 还剩 3 天 / 今天截止 / 已逾期 2 天 / 已按时报送 / 逾期 2 天报送 / 未设截止日期 / 已退回，还剩 3 天
    late: bool

    def as_dict(self) -> dict:
        return {
            "due_date": self.due_date.isoformat() if self.due_date else None,
            "days_left": self.days_left,
            "text": self.text,
            "late": self.late,
        }


def deadline_of(document, today: date | None = None) -> Deadline:
    """The document's deadline and what it means today, in the words the forms show."""
    due = due_date(document)
    if due is None:
        return Deadline(None, None, "未设截止日期", False)
    today = today or timezone.localdate()
    if document.docstatus != 0:
        day = submitted_on(document)
        if day is None:
            return Deadline(due, None, "已报送", False)
        late = (day - due).days
        return Deadline(due, None, f"逾期 {late} 天报送" if late > 0 else "已按时报送", late > 0)
    # A draft again after a submission was returned: it counts down (or is late) until it is sent again;
    # the first submission's day still decides lateness deductions (monthly_reports). Taken back by its
    # own people (撤回) it was not returned.
    again = "已退回，" if submitted_on(document) and not _taken_back(document) else ""
    left = (due - today).days
    if left > 0:
        return Deadline(due, left, f"{again}还剩 {left} 天", False)
    if left == 0:
        return Deadline(due, 0, f"{again}今天截止", False)
    return Deadline(due, left, f"{again}已逾期 {-left} 天", True)


def _taken_back(document) -> bool:
    return document.name in engine.withdrawn_names(type(document).doctype, [document.name])


def deadline_text(document) -> str:
    """2023-04-05（还剩 3 天 / 已逾期 2 天 / 已按时报送）: the forms' and lists' 报送截止."""
    if document is None or document.pk is None:
        return "—"
    deadline = deadline_of(document)
    return f"{deadline.due_date}（{deadline.text}）" if deadline.due_date else deadline.text


def onload(document, onload: dict, user=None, **context) -> None:
    """getdoc's ``__onload``: the deadline with the time left, and the reminders the user may see."""
    onload["deadline"] = deadline_of(document).as_dict()
    if user is not None:
        onload["reminders"] = logs_of(user, document)
