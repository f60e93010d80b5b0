"""Document events of Progress Report (registered in apps/innovation_action/hooks.py)."""

from django.utils import timezone

from apps.innovation_action.doctype.progress_report.model import ProgressReportLine
from apps.innovation_action.services.monthly_reports import tasks_of_unit
from apps.lowcode.workflow import engine


def prefill_lines(report, **context) -> None:
    """A new report gets one line per task its unit leads or shares, unless the client sent lines.

    The unit then only says how far each task has come; the lines carry the
    task numbers the office and the scoring read.
    """
    if report.lines.exists():
        return
    user = context.get("user")
    ProgressReportLine.objects.bulk_create(
        [
            ProgressReportLine(
                report=report, task=task, idx=idx, name=f"{report.name}-{task.number:02d}", owner=user, modified_by=user
            )
            for idx, task in enumerate(tasks_of_unit(report.period.plan, report.unit), start=1)
        ]
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
