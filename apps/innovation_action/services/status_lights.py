"""红黄绿灯 (status lights) of projects, tasks and assessees, each with the sentence that explains it.

Plain functions over the reports (services/monthly_reports.py judges lateness the way 按时报送 of
附表3-2 does); the plan's 红黄绿灯设置 (Light Setting) gives the margins. Nothing is stored: a light
is computed for a month as of a day, so moving the day (a deadline passing) changes it.

- A **project** is green when its cumulative investment of the year reaches 序时进度 (the year's
  planned investment × months elapsed ÷ 12), yellow when it falls short by no more than the yellow
  margin (percentage points of 序时进度), red below that, and red when its report of a month whose
  deadline has passed is missing.
- A **task** from its units' monthly reports: red when one of them is missing after the deadline,
  yellow when one was late or a unit reports the task 未启动, green when all report it 已完成 or
  推进中 on time.
- An **assessee** (a county or a unit) from its submissions over the months due: red when one is
  missing, yellow when one was late, green when all came on time.

A month without a deadline, or whose deadline has not passed, never makes anything red for a
missing report: until the office sets a deadline nothing is late (as 按时报送 counts it).
"""

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q
from django.utils import timezone

from apps.innovation_action.doctype.assessment_period.model import AssessmentPeriod, PeriodKind
from apps.innovation_action.doctype.county.model import County
from apps.innovation_action.doctype.light_setting.model import setting_of
from apps.innovation_action.doctype.plan_assessee.model import PlanAssessee
from apps.innovation_action.doctype.progress_report.model import ProgressReport, TaskStatus
from apps.innovation_action.doctype.project.model import Project
from apps.innovation_action.doctype.project_report.model import ProjectReport
from apps.innovation_action.doctype.task.model import Task, TaskUnit
from apps.innovation_action.doctype.unit.model import Unit
from apps.innovation_action.services.deadlines import due_dates, period_due_date
from apps.innovation_action.services.monthly_reports import (
    LATE,
    MISSING,
    ON_TIME,
    day_text,
    verdict,
)
from apps.lowcode.numbers import number_text
from apps.lowcode.permissions import restrictions, scope_queryset

GREEN, YELLOW, RED, GREY = "green", "yellow", "red", "grey"
LABELS = {GREEN: "绿灯", YELLOW: "黄灯", RED: "红灯", GREY: "未亮灯"}
COLORS = (GREEN, YELLOW, RED, GREY)
HUNDRED = Decimal(100)
UNREAD = object()  # an argument not given: the function reads it itself


@dataclass
class Light:
    doctype: str  # what the light is about: Project, Task, County, Unit
    name: str
    title: str
    color: str  # green / yellow / red / grey
    explanation: str  # Chinese, ends with the light: "…，亮红灯"
    month: str  # the monthly period judged (Assessment Period name)
    group: dict = field(default_factory=dict)  # what it is grouped by: section, county, unit
    figures: dict = field(default_factory=dict)  # the numbers behind it, as plain values
    reports: list = field(default_factory=list)  # names of the reports it was judged on

    @property
    def label(self) -> str:
        return LABELS[self.color]

    def as_dict(self) -> dict:
        return {**asdict(self), "label": self.label}


# ------------------------------------------------------------------ which month


def months_of(period: AssessmentPeriod) -> list[AssessmentPeriod]:
    """The monthly periods of the period's plan lying within it (a month gives itself)."""
    if period.kind == PeriodKind.MONTH:
        return [period]
    months = list(
        AssessmentPeriod.objects.filter(
            plan_id=period.plan_id,
            kind=PeriodKind.MONTH,
            start_date__gte=period.start_date,
            end_date__lte=period.end_date,
        ).order_by("start_date")
    )
    deadlines = due_dates(months)
    for month in months:
        month._light_deadline = deadlines[month.pk]  # what month_deadline gives, for all of them in one query
    return months


def month_deadline(month: AssessmentPeriod) -> date | None:
    """The month's 报送截止 (its own date, else the plan's rule for 月度调度, services/deadlines.py); project
    reports keep the month's rhythm. Kept on the instance: a light reads it once per report."""
    if not hasattr(month, "_light_deadline"):
        month._light_deadline = period_due_date(month)
    return month._light_deadline


def is_due(month: AssessmentPeriod, as_of: date) -> bool:
    """A month's reports are due once its deadline has passed (the deadline day itself is still on time)."""
    deadline = month_deadline(month)
    return deadline is not None and deadline < as_of


def light_month(
    period: AssessmentPeriod, as_of: date, months: list[AssessmentPeriod] | None = None
) -> AssessmentPeriod | None:
    """The month a period's lights are judged on: the month itself, or in a quarter or year the latest
    month whose deadline has passed, else the latest month that has ended, else its first month
    (``months``: the period's, when read already)."""
    months = months_of(period) if months is None else months
    if not months:
        return None
    due = [m for m in months if is_due(m, as_of)]
    ended = [m for m in months if m.end_date < as_of]
    return (due or ended or months[:1])[-1]


def months_elapsed(month: AssessmentPeriod) -> int:
    """Months of the year up to the end of ``month`` (March → 3), as 序时进度 counts them."""
    return month.end_date.month


# ------------------------------------------------------------------ wording


def amount_text(wan: Decimal) -> str:
    """万元 as people say it: 32000 → 3.2 亿元, 2600 → 2600 万元."""
    if abs(wan) >= 10000:
        return f"{number_text((wan / 10000).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP))} 亿元"
    return f"{number_text(wan.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP))} 万元"


def percent_text(value: Decimal) -> str:
    """A shortfall in percent to two decimals; one too small to show says so rather than "0%"."""
    rounded = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{number_text(rounded)}%" if rounded else "不足 0.01%"


def deadline_text(month: AssessmentPeriod) -> str:
    deadline = month_deadline(month)
    return f"截止{day_text(deadline, month.year)}" if deadline else "未设截止日期"


def joined(parts: Iterable[str]) -> str:
    return "、".join(parts)


# ------------------------------------------------------------------ projects


def project_light(
    project: Project, month: AssessmentPeriod, as_of: date | None = None, setting=None, report=UNREAD
) -> Light:
    """The project's light for ``month``, from its report of that month (read here unless given: the
    report or None), as of ``as_of`` (today)."""
    as_of = as_of or timezone.localdate()
    setting = setting or setting_of(project.plan)
    if report is UNREAD:
        report = ProjectReport.objects.filter(project=project, period=month).first()
    planned = project.planned_investment or Decimal(0)
    elapsed = months_elapsed(month)
    schedule = planned * elapsed / 12
    light = Light(
        doctype=Project.doctype,
        name=project.name,
        title=project.project_name,
        color=GREY,
        explanation="",
        month=month.name,
        group={"section": project.section, "county": project.county.name},
        figures={
            "planned_investment": float(planned),
            "schedule_investment": float(schedule.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)),
            "months_elapsed": elapsed,
            "yellow_margin": float(setting.yellow_margin),
        },
    )
    if report is None or report.submitted_at is None:
        state = "（草稿未提交）" if report is not None else ""
        if is_due(month, as_of):
            light.color = RED
            light.explanation = f"{month.title}项目月报逾期未报{state}（{deadline_text(month)}），亮红灯"
        else:
            light.explanation = f"{month.title}项目月报尚未报送{state}（{deadline_text(month)}），暂不亮灯"
        if report is not None:
            light.reports = [report.name]
        return light
    light.reports = [report.name]
    done = report.year_investment or Decimal(0)
    light.figures["year_investment"] = float(done)
    returned = "（已退回修改）" if report.docstatus == 0 else ""
    head = f"{month.title}累计完成投资 {amount_text(done)}{returned}，序时进度 {amount_text(schedule)}"
    head += f"（年度计划 {amount_text(planned)} × {elapsed}/12）"
    if schedule <= 0 or done >= schedule:
        light.color = GREEN
        light.explanation = f"{head}，达到序时进度，亮绿灯"
        light.figures["shortfall_percent"] = 0.0
        return light
    shortfall = (schedule - done) * HUNDRED / schedule
    light.figures["shortfall_percent"] = float(shortfall.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
    margin = setting.yellow_margin
    if shortfall <= margin:
        light.color = YELLOW
        light.explanation = (
            f"{head}，低于序时进度 {percent_text(shortfall)}，在黄灯幅度 {number_text(margin)} 个百分点以内，亮黄灯"
        )
    else:
        light.color = RED
        light.explanation = (
            f"{head}，低于序时进度 {percent_text(shortfall)}，超过黄灯幅度 {number_text(margin)} 个百分点，亮红灯"
        )
    return light


# ------------------------------------------------------------------ tasks


class TaskReads:
    """What the lights of some tasks for a month are judged on, read once for all of them (three queries):
    each task's units in its table's order, the month's reports of those units and their lines."""

    def __init__(self, tasks: list[Task], month: AssessmentPeriod):
        self.units: dict[int, list[Unit]] = {task.pk: [] for task in tasks}
        rows = TaskUnit.objects.filter(task__in=[t.pk for t in tasks]).select_related("unit").order_by("task", "idx")
        for row in rows:
            if row.unit not in self.units[row.task_id]:
                self.units[row.task_id].append(row.unit)
        unit_ids = {u.pk for units in self.units.values() for u in units}
        # In the reports' own order (period, unit order, id), as a query per task would give them.
        self.reports = list(
            ProgressReport.objects.filter(period=month, unit__in=unit_ids).prefetch_related("lines") if unit_ids else []
        )
        self.statuses = {
            (report.pk, line.task_id): line.status for report in self.reports for line in report.lines.all()
        }

    def reports_of(self, units: list[Unit]) -> dict[int, ProgressReport]:
        """{unit id: its report of the month} for those units, in the reports' order."""
        ids = {u.pk for u in units}
        return {r.unit_id: r for r in self.reports if r.unit_id in ids}

    def status(self, report: ProgressReport, task: Task) -> str | None:
        """The status the report gives the task (None when it has no line for it)."""
        return self.statuses.get((report.pk, task.pk))


def unit_report_verdict(report: ProgressReport | None, month: AssessmentPeriod, as_of: date) -> str:
    return verdict(month_deadline(month), report.submitted_at if report else None, as_of)


def task_light(
    task: Task,
    month: AssessmentPeriod,
    as_of: date | None = None,
    setting=None,
    units: list[Unit] | None = None,
    read: "TaskReads | None" = None,
) -> Light:
    """The task's light for ``month`` from the monthly reports of its units (or of ``units`` among them);
    ``read`` holds the task's units and the month's reports when read for many tasks at once."""
    as_of = as_of or timezone.localdate()
    setting = setting or setting_of(task.plan)
    read = read or TaskReads([task], month)
    task_units = read.units[task.pk]
    if units is not None:
        task_units = [u for u in task_units if u in units]
    reports = read.reports_of(task_units)
    light = Light(
        doctype=Task.doctype,
        name=task.name,
        title=str(task),
        color=GREY,
        explanation="",
        month=month.name,
        group={"section": task.section, "units": [u.name for u in task_units]},
        reports=[r.name for r in reports.values()],
    )
    missing, late, not_started, done, pending, returned = [], [], [], [], [], []
    for unit in task_units:
        report = reports.get(unit.pk)
        outcome = unit_report_verdict(report, month, as_of)
        if report is None or report.submitted_at is None:
            (missing if outcome == MISSING else pending).append(unit.name)
            continue
        if outcome == LATE:
            late.append(unit.name)
        if report.docstatus == 0:
            returned.append(unit.name)
        status = read.status(report, task)
        if status == TaskStatus.NOT_STARTED:
            not_started.append(unit.name)
        elif status == TaskStatus.DONE:
            done.append(unit.name)
    light.figures = {
        "units": len(task_units),
        "missing": missing,
        "late": late,
        "not_started": not_started,
        "done": done,
        "pending": pending,
    }
    reported = len(task_units) - len(missing) - len(pending)
    facts = []
    if missing:
        facts.append(f"{joined(missing)}{month.title}月度调度逾期未报（{deadline_text(month)}）")
    if late and setting.late_is_yellow:
        facts.append(f"{joined(late)}迟报")
    if not_started:
        facts.append(f"{joined(not_started)}报告未启动")
    if returned:
        facts.append(f"{joined(returned)}的报告已退回修改")
    if missing:
        light.color = RED
    elif reported == 0:
        light.explanation = f"{month.title}月度调度尚未报送（{deadline_text(month)}），暂不亮灯"
        return light
    elif (late and setting.late_is_yellow) or not_started:
        light.color = YELLOW
    else:
        light.color = GREEN
        facts.insert(0, "全部责任单位报告已完成" if len(done) == reported else "按时报送，推进中")
    if pending and light.color != RED:
        facts.append(f"{joined(pending)}尚未报送")
    light.explanation = f"{month.title}：{'；'.join(facts)}，亮{LABELS[light.color]}"
    return light


# ------------------------------------------------------------------ assessees


@dataclass
class Submission:
    what: str  # 项目月报 “…” / 月度调度
    month: AssessmentPeriod
    outcome: str  # verdict: 按时 / 迟报 / 漏报 / not due
    report: str = ""


class AssesseeReads:
    """What the lights of some assessees over some months are judged on, read once for all of them (five
    queries): the plan's projects of their counties, their monthly reports, the counties' units, which
    units take part in the plan's tasks, and the units' monthly task reports."""

    def __init__(self, months: list[AssessmentPeriod], counties: list[County], units: list[Unit]):
        self.months = months
        self.light_month: AssessmentPeriod | None = None
        self.projects: dict[int, list[Project]] = {c.pk: [] for c in counties}
        self.units: dict[int, list[Unit]] = {c.pk: [] for c in counties}
        self.project_reports: dict[tuple, ProjectReport] = {}
        self.progress_reports: dict[tuple, ProgressReport] = {}
        self.in_tasks: set[int] = set()
        if not months:
            return
        plan_id = months[0].plan_id
        if counties:
            projects = Project.objects.filter(plan_id=plan_id, county__in=list(self.projects)).order_by("number")
            for project in projects.only("name", "project_name", "county_id", "number"):  # what a submission names
                self.projects[project.county_id].append(project)
            project_ids = [p.pk for projects in self.projects.values() for p in projects]
            self.project_reports = {
                (r.project_id, r.period_id): r
                for r in ProjectReport.objects.filter(project__in=project_ids, period__in=months).only(
                    "name", "project_id", "period_id", "submitted_at"
                )
            }
            units_of = Unit.objects.filter(county__in=list(self.units)).order_by("order", "id")
            for unit in units_of.only("name", "county_id", "order"):
                self.units[unit.county_id].append(unit)
        unit_ids = {u.pk for u in units} | {u.pk for county_units in self.units.values() for u in county_units}
        self.in_tasks = set(  # the units taking part in the plan's tasks (tasks_of_unit is not empty)
            TaskUnit.objects.filter(task__plan_id=plan_id, unit__in=unit_ids).values_list("unit_id", flat=True)
        )
        self.progress_reports = {
            (r.unit_id, r.period_id): r
            for r in ProgressReport.objects.filter(unit__in=self.in_tasks & unit_ids, period__in=months).only(
                "name", "unit_id", "period_id", "submitted_at"
            )
        }

    @classmethod
    def of_period(cls, period: AssessmentPeriod, as_of: date, counties: list[County], units: list[Unit], months=None):
        """For the lights of a period as of a day: its months begun by then, and the month it is judged on
        (``months``: the period's, when read already)."""
        months = months_of(period) if months is None else months
        read = cls([m for m in months if m.start_date <= as_of], counties, units)
        read.light_month = light_month(period, as_of, months)
        return read


def county_submissions(
    county: County, months: list[AssessmentPeriod], as_of: date, read: AssesseeReads | None = None
) -> list[Submission]:
    """What the county had to report in those months: each of its projects' monthly reports, and the
    monthly task report of each of its units taking part in tasks (its 人民政府)."""
    found = []
    if not months:
        return found
    read = read or AssesseeReads(months, [county], [])
    for month in months:
        for project in read.projects[county.pk]:
            report = read.project_reports.get((project.pk, month.pk))
            outcome = verdict(month_deadline(month), report.submitted_at if report else None, as_of)
            found.append(Submission(f"“{project.project_name}”项目月报", month, outcome, report.name if report else ""))
    for unit in read.units[county.pk]:
        found.extend(unit_submissions(unit, months, as_of, read))
    return found


def unit_submissions(
    unit: Unit, months: list[AssessmentPeriod], as_of: date, read: AssesseeReads | None = None
) -> list[Submission]:
    """The unit's monthly task reports (月度调度) in those months, when it takes part in tasks."""
    if not months:
        return []
    read = read or AssesseeReads(months, [], [unit])
    if unit.pk not in read.in_tasks:
        return []
    found = []
    for month in months:
        report = read.progress_reports.get((unit.pk, month.pk))
        outcome = verdict(month_deadline(month), report.submitted_at if report else None, as_of)
        found.append(Submission(f"{unit.name}月度调度", month, outcome, report.name if report else ""))
    return found


def assessee_light(
    assessee, period: AssessmentPeriod, as_of: date | None = None, setting=None, read: AssesseeReads | None = None
) -> Light:
    """A county's or unit's light from its submissions over the months of ``period`` due by ``as_of``
    (``read``: what the lights of many assessees of the period are judged on, read for all at once)."""
    as_of = as_of or timezone.localdate()
    setting = setting or setting_of(period.plan)
    if read is None:
        counties, units = ([assessee], []) if isinstance(assessee, County) else ([], [assessee])
        read = AssesseeReads.of_period(period, as_of, counties, units)
    months = read.months
    if isinstance(assessee, County):
        submissions = county_submissions(assessee, months, as_of, read)
    else:
        submissions = unit_submissions(assessee, months, as_of, read)
    counted = [s for s in submissions if s.outcome in (ON_TIME, LATE, MISSING)]
    missing = [s for s in counted if s.outcome == MISSING]
    late = [s for s in counted if s.outcome == LATE]
    month = read.light_month
    light = Light(
        doctype=type(assessee).doctype,
        name=assessee.name,
        title=assessee.name,
        color=GREY,
        explanation="",
        month=month.name if month else "",
        group={"county" if isinstance(assessee, County) else "unit": assessee.name},
        figures={
            "due": len(counted),
            "on_time": len(counted) - len(missing) - len(late),
            "late": len(late),
            "missing": len(missing),
        },
        reports=[s.report for s in submissions if s.report],
    )
    if not counted:
        light.explanation = f"{period.title}暂无已过截止日期的报送，暂不亮灯"
        return light
    facts = [f"{period.title}应报 {len(counted)} 份，按时 {light.figures['on_time']} 份"]
    if late:
        facts.append(f"迟报 {len(late)} 份（{joined(f'{s.month.title}{s.what}' for s in late)}）")
    if missing:
        facts.append(f"漏报 {len(missing)} 份（{joined(f'{s.month.title}{s.what}' for s in missing)}）")
    if missing:
        light.color = RED
    elif late and setting.late_is_yellow:
        light.color = YELLOW
    else:
        light.color = GREEN
    light.explanation = f"{'，'.join(facts)}，亮{LABELS[light.color]}"
    return light


# ------------------------------------------------------------------ for a user


def own_units(user):
    """The units a restricted user reports for (its own, or its county's); None for an unrestricted user."""
    allowed = restrictions(user)
    if not allowed:
        return None
    return Unit.objects.filter(Q(name__in=allowed.get("Unit", ())) | Q(county__name__in=allowed.get("County", ())))


def project_lights(user, period: AssessmentPeriod, as_of: date | None = None, months=None) -> list[Light]:
    """Lights of the plan's projects the user may see (a county user: its own county's); ``months``: the
    period's (months_of), when read already, as for the other kinds."""
    as_of = as_of or timezone.localdate()
    month = light_month(period, as_of, months)
    if month is None:
        return []
    setting = setting_of(period.plan)
    projects = list(
        scope_queryset(user, Project).filter(plan_id=period.plan_id).select_related("county", "plan").order_by("number")
    )
    reports = {}
    for report in ProjectReport.objects.filter(period=month, project__in=[p.pk for p in projects]):
        reports.setdefault(report.project_id, report)  # the first in the reports' order, as .first() gives
    return [project_light(p, month, as_of, setting, reports.get(p.pk)) for p in projects]


def task_lights(user, period: AssessmentPeriod, as_of: date | None = None, months=None) -> list[Light]:
    """Lights of the plan's tasks; a county or unit user sees those its own units take part in, judged
    on its own units' reports only (another unit's lateness is not theirs to see)."""
    as_of = as_of or timezone.localdate()
    month = light_month(period, as_of, months)
    if month is None:
        return []
    setting = setting_of(period.plan)
    units = own_units(user)
    tasks = scope_queryset(user, Task).filter(plan_id=period.plan_id).order_by("number")
    if units is not None:
        units = list(units)
        tasks = tasks.filter(units__unit__in=units).distinct()
    tasks = list(tasks)
    read = TaskReads(tasks, month)
    return [task_light(t, month, as_of, setting, units, read) for t in tasks]


def assessee_lights(user, period: AssessmentPeriod, as_of: date | None = None, months=None) -> list[Light]:
    """Lights of the plan's assessees; a county or unit user sees its own only."""
    as_of = as_of or timezone.localdate()
    setting = setting_of(period.plan)
    rows = PlanAssessee.objects.filter(plan_id=period.plan_id).select_related("county", "unit", "category")
    allowed = restrictions(user)
    if allowed:
        mine = Q(county__name__in=allowed.get("County", ())) | Q(unit__in=own_units(user))
        rows = rows.filter(mine)
    rows = list(rows)
    read = AssesseeReads.of_period(
        period, as_of, [r.county for r in rows if r.county_id], [r.unit for r in rows if r.unit_id], months
    )
    lights = []
    for row in rows:
        light = assessee_light(row.assessee, period, as_of, setting, read)
        light.group["category"] = row.category.name
        lights.append(light)
    return lights


KINDS = {"project": project_lights, "task": task_lights, "assessee": assessee_lights}
GROUPINGS = {
    "project": ("section", "county"),
    "task": ("section", "unit"),
    "assessee": ("category", "county", "unit"),
}
REPORT_DOCTYPE = {"project": ProjectReport.doctype, "task": ProgressReport.doctype}


def summary(lights: list[Light], group_by: str | None) -> list[dict]:
    """Counts per colour for each group (or overall), each with the filter that lists its records."""
    groups: dict[str, list[Light]] = {}
    for light in lights:
        keys = light.group.get(group_by) if group_by else "合计"
        if group_by == "unit" and "units" in light.group:
            keys = light.group["units"]
        for key in keys if isinstance(keys, list) else [keys]:
            if key:
                groups.setdefault(key, []).append(light)
    result = []
    for key, members in groups.items():
        counts, filters = {}, {}
        for color in COLORS:
            names = [light.name for light in members if light.color == color]
            counts[color] = len(names)
            filters[color] = {"doctype": members[0].doctype, "filters": [["name", "in", names]]}
        result.append(
            {
                "group": key,
                "total": len(members),
                "counts": counts,
                "filters": filters,
                "all": {"doctype": members[0].doctype, "filters": [["name", "in", [m.name for m in members]]]},
            }
        )
    return result
