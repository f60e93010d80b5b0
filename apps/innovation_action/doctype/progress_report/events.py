"""Document events of Progress Report (registered in apps/innovation_action/hooks.py)."""

from django.utils import timezone

from apps.innovation_action.doctype.progress_report.model import ProgressReport, ProgressReportLine
from apps.innovation_action.services.monthly_reports import tasks_of_unit
from apps.lowcode.workflow import engine


def prefill_lines(report, **context) -> None:
    """A new report gets one line per task its unit leads or shares, unless the client sent lines.

    Each line shows the task's requirements (具体任务及要求) and starts from
    what the unit reported on that task in its last earlier report of the plan
    (status, progress, evidence), so that a month's report says only what
    changed. The lines carry the task numbers the office and the scoring read.
    """
    if report.lines.exists():
        for line in report.lines.select_related("task").filter(requirements=""):
            line.requirements = line.task.content
            line.save(update_fields=["requirements"])
        return
    user = context.get("user")
    before = last_report(report)
    carried = {line.task_id: line for line in before.lines.all()} if before is not None else {}
    lines = []
    for idx, task in enumerate(tasks_of_unit(report.period.plan, report.unit), start=1):
        line = ProgressReportLine(
            report=report,
            task=task,
            idx=idx,
            requirements=task.content,
            name=f"{report.name}-{task.number:02d}",
            owner=user,
            modified_by=user,
        )
        previous = carried.get(task.pk)
        if previous is not None:
            line.status, line.progress, line.evidence = previous.status, previous.progress, previous.evidence
        lines.append(line)
    ProgressReportLine.objects.bulk_create(lines)


def last_report(report) -> ProgressReport | None:
    """The unit's report of the latest earlier month of the same plan (whatever its state), or None."""
    return (
        ProgressReport.objects.filter(
            unit_id=report.unit_id,
            period__plan_id=report.period.plan_id,
            period__start_date__lt=report.period.start_date,
        )
        .order_by("-period__start_date")
        .first()
    )


def stamp_submission(report, from_state: str = "", to_state: str = "", **context) -> None:
    """Stamp 报送时间 the first time the report leaves an editable (docstatus 0) state.

    A report the office returns and the unit submits again keeps its first
    stamp: the unit did report on that day, and the correction does not make a
    punctual report late. The other way round holds too: a first submission
    after the deadline stays late however often it is corrected. Only a report
    never submitted counts as missing (漏报).
    """
    if report.submitted_at is not None:
        return
    workflow = engine.workflow_of(report)
    source = engine.get_state(workflow, from_state) if workflow else None
    target = engine.get_state(workflow, to_state) if workflow else None
    if source is None or target is None or source.docstatus_value != 0 or target.docstatus_value == 0:
        return
    report.submitted_at = timezone.now()
    # ``modified`` is saved too: the instance's auto_now value must match the row
    # the client's next "modified" check compares with.
    report.save(update_fields=["submitted_at", "modified"])
