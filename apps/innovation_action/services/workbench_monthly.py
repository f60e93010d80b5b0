"""月度调度 in the workbench (/app/monthly): a unit's months with their reports, and one report with what
its page needs beyond the document (task titles, deadline, the reason it was returned, the actions)."""

from django.utils import timezone

from apps.innovation_action.doctype.assessment_period.model import AssessmentPeriod, PeriodKind
from apps.innovation_action.doctype.progress_report.model import ProgressReport
from apps.innovation_action.doctype.task.model import Task
from apps.innovation_action.doctype.unit.model import Unit
from apps.innovation_action.services.deadlines import Deadline, deadline_of, due_dates
from apps.lowcode.doctype.serialize import doc_to_dict
from apps.lowcode.document.service import get_document, meta_for
from apps.lowcode.permissions import scope_queryset
from apps.lowcode.workflow import engine
from apps.lowcode.workflow.model import WorkflowLog

DOCTYPE = "Progress Report"


def missing_deadline(due, today) -> dict:
    """The deadline of a month not reported yet (no document to ask)."""
    if due is None:
        return Deadline(None, None, "未设截止日期", False).as_dict()
    left = (due - today).days
    text = f"还剩 {left} 天" if left > 0 else "今天截止" if left == 0 else f"已逾期 {-left} 天"
    return Deadline(due, left, text, left < 0).as_dict()


def overview(user) -> dict:
    """每个我报送的单位：方案内已开始的各月份（最近的在前），已有报告的附状态和截止情况，未填报的附截止日期。"""
    today = timezone.localdate()
    units = list(scope_queryset(user, Unit).filter(task_rows__isnull=False).distinct().order_by("order", "id"))
    reports = {
        (r.unit_id, r.period_id): r
        for r in scope_queryset(user, ProgressReport).filter(unit__in=units).select_related("period", "unit")
    }
    plans = {r.period.plan_id for r in reports.values()}
    plans |= set(Task.objects.filter(units__unit__in=units).values_list("plan_id", flat=True))
    months = list(
        AssessmentPeriod.objects.filter(plan_id__in=plans, kind=PeriodKind.MONTH, start_date__lte=today).order_by(
            "-start_date"
        )
    )
    deadlines = due_dates(months, DOCTYPE)
    taken_back = engine.withdrawn_names(
        DOCTYPE, [r.name for r in reports.values() if r.docstatus == 0 and r.submitted_at]
    )
    rows = []
    for unit in units:
        unit_plans = set(Task.objects.filter(units__unit=unit).values_list("plan_id", flat=True))
        for month in months:
            if month.plan_id not in unit_plans:
                continue
            report = reports.get((unit.pk, month.pk))
            rows.append(
                {
                    "unit": unit.name,
                    "period": month.name,
                    "month": month.title,
                    "report": report.name if report else None,
                    "workflow_state": report.workflow_state if report else "未填报",
                    "editable": bool(report and report.docstatus == 0),
                    "returned": bool(
                        report and report.docstatus == 0 and report.submitted_at and report.name not in taken_back
                    ),
                    "deadline": deadline_of(report, today).as_dict()
                    if report
                    else missing_deadline(deadlines[month.pk], today),
                }
            )
    return {"units": [u.name for u in units], "months": rows}


def returned_reason(doc) -> dict | None:
    """Who sent a report back, when and why, while it waits to be reported again (None when its own
    people took it back: 撤回, no one's task)."""
    if doc.docstatus != 0 or doc.submitted_at is None:
        return None
    move = (
        WorkflowLog.objects.filter(reference_doctype=type(doc).doctype, reference_name=doc.name, moved=True)
        .select_related("user")
        .order_by("-id")
        .first()
    )
    if move is None or not engine.is_task_move(engine.workflow_of(doc), move):
        return None
    by = (move.user.get_full_name() or move.user.get_username()) if move.user else ""
    on = timezone.localtime(move.creation).strftime("%Y-%m-%d %H:%M")
    return {"action": move.action, "reason": move.comment, "by": by, "on": on}


def report(user, name) -> dict:
    """一份月度调度：单据本身、各任务的序号与名称、截止情况、退回原因、我可执行的操作、能否编辑。"""
    doc = get_document(user, meta_for(DOCTYPE), name)
    tasks = {
        t.name: {"number": t.number, "title": t.title} for t in Task.objects.filter(pk__in=doc.lines.values("task"))
    }
    return {
        "doc": doc_to_dict(doc),
        "title": doc.get_title(),
        "month": doc.period.title,
        "tasks": tasks,
        "deadline": deadline_of(doc).as_dict(),
        "returned": returned_reason(doc),
        "actions": [t.action for t in engine.get_transitions(user, doc)],
        "editable": engine.edit_rights(user, doc).allowed if doc.docstatus == 0 else False,
    }
