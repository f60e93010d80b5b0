"""Monthly progress reports (月度调度, 附件3 "每月调度") as the city-unit scoring (附表3-2) reads them.

Two numbers come from them: how often a unit reported late or not at all
(按时报送, −1 each), and how many of its tasks it reports completed
(重点任务推进). Each comes with a Chinese explanation naming the months and
tasks concerned, so a score built on it can always say how it was reached.
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from apps.innovation_action.doctype.assessment_period.model import (
    AssessmentPeriod,
    PeriodKind,
)
from apps.innovation_action.doctype.progress_report.model import (
    ProgressReport,
    TaskStatus,
)
from apps.innovation_action.doctype.task.model import Task
from apps.innovation_action.services.deadlines import due_dates, period_due_date
from apps.lowcode.numbers import number_text


@dataclass(frozen=True)
class Counted:
    value: Decimal  # the number scored on
    explanation: str  # Chinese, says how it was reached, listing the months / tasks concerned


# What one month's report amounts to for 按时报送.
ON_TIME = "按时"
LATE = "迟报"
MISSING = "漏报"
NOT_DUE = "未到截止日期"
NO_DEADLINE = "未设截止日期"


def tasks_of_unit(plan, unit):
    """The tasks of a plan a unit takes part in, in any role (牵头、责任、配合 …), by number."""
    return Task.objects.filter(plan=plan, units__unit=unit).distinct().order_by("number")


def months_within(period: AssessmentPeriod):
    """The monthly periods of the period's plan lying within it (a month gives itself)."""
    return AssessmentPeriod.objects.filter(
        plan_id=period.plan_id,
        kind=PeriodKind.MONTH,
        start_date__gte=period.start_date,
        end_date__lte=period.end_date,
    ).order_by("start_date")


def submission_date(submitted_at: datetime | None, as_of: date) -> date | None:
    """The local calendar day (settings.TIME_ZONE, Asia/Shanghai) of a submission made by ``as_of``.

    A deadline is a local date: a report stamped at 23:30 Beijing time on the
    deadline day is on time although it is the next day in UTC. A submission
    after ``as_of`` had not happened yet on that day.
    """
    if submitted_at is None:
        return None
    day = timezone.localdate(submitted_at)
    return day if day <= as_of else None


def verdict(deadline: date | None, submitted_at: datetime | None, as_of: date) -> str:
    """按时 / 迟报 / 漏报 for a month whose deadline (services/deadlines.py) has passed; otherwise why it
    does not count yet."""
    if deadline is None:
        return NO_DEADLINE
    submitted = submission_date(submitted_at, as_of)
    if submitted is not None:
        return LATE if submitted > deadline else ON_TIME
    return MISSING if deadline < as_of else NOT_DUE


def report_verdict(report: ProgressReport, as_of: date | None = None) -> str:
    """The verdict on one report as of today (the admin's 是否逾期 column)."""
    deadline = period_due_date(report.period, ProgressReport.doctype)
    return verdict(deadline, report.submitted_at, as_of or timezone.localdate())


def late_reports(unit, period, as_of: date | None = None) -> Counted:
    """迟报 and 漏报 of the unit over the months of ``period`` whose deadline has passed by ``as_of``.

    A month without a submitted report counts once (漏报), a report first
    submitted after its deadline once (迟报); months without a deadline, or
    whose deadline has not passed, do not count and the explanation says so.
    """
    as_of = as_of or timezone.localdate()
    months = list(months_within(period))
    if not months:
        return Counted(Decimal(0), f"{period.title}内无月度调度周期，不计")
    stamps = dict(ProgressReport.objects.filter(unit=unit, period__in=months).values_list("period_id", "submitted_at"))
    year = period.year
    deadlines = due_dates(months, ProgressReport.doctype)
    issues, on_time, undated, not_due = [], 0, [], []
    for month in months:
        submitted_at = stamps.get(month.pk)
        deadline = deadlines[month.pk]
        outcome = verdict(deadline, submitted_at, as_of)
        if outcome == LATE:
            issues.append(
                f"{month.title}迟报（{day_text(timezone.localdate(submitted_at), year)}报送，"
                f"截止{day_text(deadline, year)}）"
            )
        elif outcome == MISSING:
            issues.append(f"{month.title}漏报（截止{day_text(deadline, year)}）")
        elif outcome == ON_TIME:
            on_time += 1
        elif outcome == NO_DEADLINE:
            undated.append(month.number)
        else:
            not_due.append(month.number)
    parts = [*issues, f"共 {len(issues)} 次"] if issues else [f"按时报送 {on_time} 次，无迟报、漏报"] if on_time else []
    if undated:
        parts.append(f"{months_text(undated)}未设报送截止日期，不计")
    if not_due:
        parts.append(f"{months_text(not_due)}报送截止日期未到，暂不计")
    return Counted(Decimal(len(issues)), "；".join(parts))


def task_completion(unit, period) -> Counted:
    """Percentage of the unit's tasks completed according to its latest submitted report in ``period``.

    "Submitted" means in a submitted workflow state now (docstatus 1): a
    report the office returned for correction does not count until it is
    submitted again, and the month before stands meanwhile. A task without a
    line in that report counts as unfinished (未报送).
    """
    plan = period.plan
    tasks = list(tasks_of_unit(plan, unit))
    if not tasks:
        return Counted(Decimal("100.00"), f"{unit}在{plan.years_text}年工作方案中无牵头或配合任务，按全部完成计 100%")
    latest = (
        ProgressReport.objects.filter(unit=unit, period__in=months_within(period), docstatus=1)
        .select_related("period__plan")
        .order_by("-period__start_date")
        .first()
    )
    statuses = dict(latest.lines.values_list("task_id", "status")) if latest else {}
    unfinished = [
        f"第{task.number}项（{statuses.get(task.pk, '未报送')}）"
        for task in tasks
        if statuses.get(task.pk) != TaskStatus.DONE
    ]
    done = len(tasks) - len(unfinished)
    percent = (Decimal(done) * 100 / len(tasks)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    parts = [f"牵头或配合任务 {len(tasks)} 项，已完成 {done} 项（{number_text(percent)}%）"]
    if unfinished:
        parts.append(f"未完成：{'、'.join(unfinished)}")
    parts.append(f"依据{latest.period.title}调度" if latest else f"{period.title}内无已报送的月度调度")
    return Counted(percent, "；".join(parts))


# ------------------------------------------------------------------ wording


def day_text(day: date, year: int) -> str:
    """4月8日; the year only when it is not the plan's (December's deadline falls in January)."""
    return f"{day.month}月{day.day}日" if day.year == year else f"{day.year}年{day.month}月{day.day}日"


def months_text(numbers: list[int]) -> str:
    """[1, 2, 3, 5, 7, 8] → 1-3、5、7-8月."""
    runs: list[list[int]] = []
    for n in sorted(numbers):
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return "、".join(f"{r[0]}-{r[-1]}" if len(r) > 1 else f"{r[0]}" for r in runs) + "月"
