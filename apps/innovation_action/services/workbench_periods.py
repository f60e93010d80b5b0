"""The office's 考评周期 page of the workbench (/app/periods): each period's state, deadline and documents,
whom 开启考评 would give a document to, and who has not submitted yet (with whom a 催办 reaches).

Only aggregates are answered here; the actions themselves go through the same doors as everywhere:
the deadline through the resource route (the document lifecycle), 开启考评 through services/periods.py,
催办 through services/reminders.py and the platform's reminder service.
"""

from datetime import date, timedelta

from django.db.models import Count, Max, Q
from django.utils import timezone

from apps.innovation_action import roles
from apps.innovation_action.doctype.assessment_period.model import AssessmentPeriod, PeriodKind
from apps.innovation_action.doctype.deadline_rule.model import DeadlineRule
from apps.innovation_action.models import PlanAssessee, ProgressReport, SelfAssessment
from apps.innovation_action.services import periods, reminders
from apps.innovation_action.services.deadlines import DOCUMENT_OF_KIND, deadline_of, due_dates, rule_date
from apps.lowcode.doctype.meta import get_meta
from apps.lowcode.exceptions import PermissionError
from apps.lowcode.permissions import can, scope_queryset
from apps.lowcode.reminder.model import ReminderLog
from apps.lowcode.reminder.service import ensure_may_remind, who_must_act


def ensure_office(user) -> None:
    """The periods are set up by those who may change them: the office (and administrators)."""
    if not can(user, "write", AssessmentPeriod):
        raise PermissionError(f"只有{roles.office_or_administrator()}可以管理考评周期")


def model_of(period: AssessmentPeriod):
    return ProgressReport if period.kind == PeriodKind.MONTH else SelfAssessment


def _counts(model, period_ids) -> dict[int, dict]:
    rows = (
        model.objects.filter(period_id__in=period_ids)
        .order_by()
        .values("period_id")
        .annotate(created=Count("id"), submitted=Count("id", filter=Q(docstatus__gte=1)))
    )
    return {row["period_id"]: row for row in rows}


def _expected(plan_ids) -> tuple[dict[int, int], dict[int, int]]:
    """({plan id: assessees with a self-assessment}, {plan id: units with monthly reports})."""
    assessees = dict(
        PlanAssessee.objects.filter(plan_id__in=plan_ids)
        .order_by()
        .values("plan_id")
        .annotate(n=Count("id"))
        .values_list("plan_id", "n")
    )
    monthly = {plan_id: periods.reporting_units(plan_id).count() for plan_id in plan_ids}
    return assessees, monthly


def period_rows(user) -> list[dict]:
    """考评周期: every period of the plans the user sees, in order, with its state, its deadline (and where
    it comes from), and its documents: expected, generated, submitted and late."""
    ensure_office(user)
    today = timezone.localdate()
    found = list(
        scope_queryset(user, AssessmentPeriod).select_related("plan").order_by("plan__name", "start_date", "-end_date")
    )
    due = due_dates(found)
    ids = [p.pk for p in found]
    counts = {"SelfAssessment": _counts(SelfAssessment, ids), "Progress Report": _counts(ProgressReport, ids)}
    assessees, monthly = _expected({p.plan_id for p in found})
    labels = {doctype: get_meta(doctype).label for doctype in counts}
    rows = []
    for period in found:
        model = model_of(period)
        count = counts[model.doctype].get(period.pk, {"created": 0, "submitted": 0})
        expected = (monthly if period.kind == PeriodKind.MONTH else assessees).get(period.plan_id, 0)
        due_date = due[period.pk]
        unsubmitted = count["created"] - count["submitted"]
        rows.append(
            {
                "name": period.name,
                "title": period.title,
                "plan": period.plan.name,
                "plan_title": period.plan.title,
                "kind": period.kind,
                "start_date": period.start_date.isoformat(),
                "end_date": period.end_date.isoformat(),
                "opened": period.is_open,
                "state": "已开启" if period.is_open else "未开启",
                "opened_at": timezone.localtime(period.opened_at).strftime("%Y-%m-%d %H:%M")
                if period.opened_at
                else None,
                "deadline": period.deadline.isoformat() if period.deadline else None,
                "due_date": due_date.isoformat() if due_date else None,
                "due_source": "本周期设定" if period.deadline else ("报送截止规则" if due_date else ""),
                "past_due": bool(due_date and due_date < today),
                "document_label": labels[model.doctype],
                "expected": expected,
                "created": count["created"],
                "missing": max(expected - count["created"], 0),
                "submitted": count["submitted"],
                "unsubmitted": unsubmitted,
                "late": unsubmitted if due_date and due_date < today else 0,
            }
        )
    return rows


def suggested_deadline(period: AssessmentPeriod) -> date:
    """The date the deadline picker starts on: the period's own, else its rule's (even a rule switched off,
    as a plan may ship them), else ten days after the period ends."""
    if period.deadline:
        return period.deadline
    found = DeadlineRule.objects.filter(
        plan_id=period.plan_id, document_type=DOCUMENT_OF_KIND[period.kind], period_kind=period.kind
    ).order_by("-enabled")
    rule = found.first()
    return rule_date(rule, period) if rule else period.end_date + timedelta(days=10)


def opening(user, name) -> dict:
    """What 开启考评 of the period would do: for which counties and units it generates which document,
    which of them exist already (kept as they are), and the deadline it would be opened with."""
    ensure_office(user)
    period = periods.named(name)
    model = model_of(period)
    if period.kind == PeriodKind.MONTH:
        wanted = [{"unit": unit.name} for unit in periods.reporting_units(period.plan)]
    else:
        wanted = periods.assessees(period.plan)
    existing = model.objects.filter(period=period)
    have = {
        "county": set(existing.filter(county__isnull=False).values_list("county__name", flat=True))
        if model is SelfAssessment
        else set(),
        "unit": set(existing.filter(unit__isnull=False).values_list("unit__name", flat=True)),
    }
    groups = []
    for key, doctype in (("county", "County"), ("unit", "Unit")):
        names = [row[key] for row in wanted if key in row]
        if names:
            groups.append(
                {
                    "key": key,
                    "label": get_meta(doctype).label,
                    "names": names,
                    "new": [n for n in names if n not in have[key]],
                }
            )
    due = due_dates([period])[period.pk]
    return {
        "period": period.name,
        "title": period.title,
        "opened": period.is_open,
        "document_label": get_meta(model.doctype).label,
        "deadline": period.deadline.isoformat() if period.deadline else None,
        "due_date": due.isoformat() if due else None,
        "suggested_deadline": suggested_deadline(period).isoformat(),
        "start_date": period.start_date.isoformat(),
        "groups": groups,
        "to_create": sum(len(g["new"]) for g in groups),
        "existing": sum(len(g["names"]) - len(g["new"]) for g in groups),
    }


def unsubmitted(user, name) -> dict:
    """The period's documents not submitted yet (the late ones first), each with its deadline, the people a
    催办 reaches (those who may act on it now) and the reminders already sent."""
    ensure_may_remind(user)
    period = periods.named(name)
    model = model_of(period)
    docs = list(
        scope_queryset(user, model)
        .filter(period=period, docstatus=0)
        .select_related("period", *(["county"] if model is SelfAssessment else []), "unit")
        .order_by("pk")
    )
    reminded = {
        row["document_name"]: row
        for row in ReminderLog.objects.filter(document_type=model.doctype, document_name__in=[d.name for d in docs])
        .order_by()
        .values("document_name")
        .annotate(count=Count("id"), last=Max("creation"))
    }
    late = {doc.pk for doc in reminders.late_documents(period)}
    today = timezone.localdate()
    rows = []
    for doc in docs:
        people = who_must_act(doc)
        sent = reminded.get(doc.name)
        assessee = getattr(doc, "county", None) or doc.unit
        rows.append(
            {
                "doctype": model.doctype,
                "name": doc.name,
                "assessee": str(assessee) if assessee else str(doc),
                "workflow_state": doc.workflow_state,
                "deadline": deadline_of(doc, today).as_dict(),
                "late": doc.pk in late,
                "recipients": [p.get_full_name() or p.get_username() for p in people],
                "reminders": sent["count"] if sent else 0,
                "last_reminded": timezone.localtime(sent["last"]).strftime("%Y-%m-%d %H:%M") if sent else None,
            }
        )
    rows.sort(key=lambda row: not row["late"])
    return {
        "period": period.name,
        "title": period.title,
        "document_label": get_meta(model.doctype).label,
        "documents": rows,
        "late": sum(1 for row in rows if row["late"]),
    }
