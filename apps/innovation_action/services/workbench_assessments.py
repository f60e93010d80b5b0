"""自评报告 in the workbench (/app/self-assessment): each opened period of the user's plans with, for each
assessee the user reports for, its report or an offer to start one."""

from django.utils import timezone

from apps.innovation_action.doctype.assessment_period.model import AssessmentPeriod, PeriodKind
from apps.innovation_action.doctype.self_assessment.model import SelfAssessment
from apps.innovation_action.services.dashboard import in_scope_assessees
from apps.innovation_action.services.deadlines import deadline_of, due_dates
from apps.innovation_action.services.workbench_monthly import missing_deadline
from apps.lowcode.permissions import scope_queryset


def overview(user) -> list[dict]:
    """每个已开启考评的季度或年度（最近的在前）：我报送的每个考评对象的自评报告（状态、自评总分、截止情况），
    还没有报告的附截止日期，页面据此提供“开始填写”。"""
    today = timezone.localdate()
    periods = list(
        scope_queryset(user, AssessmentPeriod)
        .filter(opened_at__isnull=False)
        .exclude(kind=PeriodKind.MONTH)
        .select_related("plan")
        .order_by("-start_date", "end_date")
    )
    reports = {
        (r.period_id, r.county_id, r.unit_id): r
        for r in scope_queryset(user, SelfAssessment).filter(period__in=periods).select_related("period")
    }
    due = due_dates(periods, SelfAssessment.doctype)
    plans: dict = {}
    rows = []
    for period in periods:
        if period.plan_id not in plans:
            counties, units = in_scope_assessees(user, period.plan)
            # A county's user reports for the county; a unit's liaison for the unit.
            plans[period.plan_id] = [("county", c) for c in counties] or [("unit", u) for u in units]
        for field, assessee in plans[period.plan_id]:
            key = (period.pk, assessee.pk if field == "county" else None, assessee.pk if field == "unit" else None)
            report = reports.get(key)
            rows.append(
                {
                    "period": period.name,
                    "period_title": period.title,
                    "assessee_field": field,
                    "assessee": assessee.name,
                    "report": report.name if report else None,
                    "workflow_state": report.workflow_state if report else "未填写",
                    "self_total": float(report.self_total) if report and report.self_total is not None else None,
                    "deadline": deadline_of(report, today).as_dict()
                    if report
                    else missing_deadline(due[period.pk], today),
                }
            )
    return rows
