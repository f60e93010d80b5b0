"""项目月报 in the workbench (/app/monthly): the county's projects for a month with which are reported,
and one report with what its page needs to show 序时进度 and the light as the county types."""

from decimal import Decimal

from django.utils import timezone

from apps.innovation_action.doctype.assessment_period.model import AssessmentPeriod, PeriodKind
from apps.innovation_action.doctype.light_setting.model import setting_of
from apps.innovation_action.doctype.project.model import Project
from apps.innovation_action.doctype.project_report.model import ProjectReport
from apps.innovation_action.doctype.project_stage.model import ProjectStage
from apps.innovation_action.services import status_lights
from apps.innovation_action.services.deadlines import deadline_of
from apps.innovation_action.services.workbench_monthly import missing_deadline, returned_reason
from apps.lowcode.doctype.serialize import doc_to_dict
from apps.lowcode.document.service import get_document, meta_for
from apps.lowcode.exceptions import ValidationError
from apps.lowcode.file.model import File
from apps.lowcode.permissions import scope_queryset
from apps.lowcode.workflow import engine

DOCTYPE = "Project Report"
CARRIED = ("stage", "progress", "problems", "next_steps")  # what a new month starts from


def _month(projects, period: str | None) -> tuple[AssessmentPeriod | None, list[AssessmentPeriod]]:
    """The months of the projects' plans begun by today (latest first), and the one asked for (else the latest)."""
    months = list(
        AssessmentPeriod.objects.filter(
            plan_id__in={p.plan_id for p in projects},
            kind=PeriodKind.MONTH,
            start_date__lte=timezone.localdate(),
        ).order_by("-start_date")
    )
    if period:
        chosen = next((m for m in months if m.name == period), None)
        if chosen is None:
            raise ValidationError(f"没有可以填报项目月报的月份“{period}”")
        return chosen, months
    return (months[0] if months else None), months


def overview(user, period: str | None = None) -> dict:
    """我能看到的重点项目在某月（默认最近一个已开始的月份）的月报情况：已报、草稿、未填报，附截止情况；
    未填报的项目附上月月报中可沿用的内容（阶段、形象进度、存在问题、下步计划）。"""
    projects = list(scope_queryset(user, Project).select_related("county").order_by("county__order", "number"))
    month, months = _month(projects, period)
    if month is None:
        return {"period": None, "months": [], "projects": []}
    today = timezone.localdate()
    reports = {r.project_id: r for r in scope_queryset(user, ProjectReport).filter(period=month)}
    earlier = {}
    for report in (
        ProjectReport.objects.filter(
            project__in=projects, period__start_date__lt=month.start_date, period__start_date__year=month.year
        )
        .select_related("period", "stage")
        .order_by("period__start_date")
    ):
        earlier[report.project_id] = report  # the latest earlier month wins
    deadline = status_lights.month_deadline(month)
    taken_back = engine.withdrawn_names(
        DOCTYPE, [r.name for r in reports.values() if r.docstatus == 0 and r.submitted_at]
    )
    rows = []
    for project in projects:
        if project.plan_id != month.plan_id:
            continue
        report = reports.get(project.pk)
        before = earlier.get(project.pk)
        rows.append(
            {
                "project": project.name,
                "title": project.project_name,
                "county": str(project.county),
                "report": report.name if report else None,
                "workflow_state": report.workflow_state if report else "未填报",
                "returned": bool(
                    report and report.docstatus == 0 and report.submitted_at and report.name not in taken_back
                ),
                "deadline": deadline_of(report, today).as_dict() if report else missing_deadline(deadline, today),
                "prefill": _carried(before) if before and not report else None,
            }
        )
    return {
        "period": month.name,
        "month": month.title,
        "months": [{"name": m.name, "title": m.title} for m in months if m.plan_id == month.plan_id],
        "projects": rows,
    }


def _carried(report: ProjectReport) -> dict:
    """What a new month starts from, as the API writes it (the stage by its name, a link)."""
    values = {field: getattr(report, field) for field in CARRIED}
    values["stage"] = report.stage.name if report.stage_id else None
    return values


def report(user, name) -> dict:
    """一份项目月报：单据、项目的年度计划和总投资、上月累计、序时进度与黄灯幅度（页面据此随输入预览灯色）、
    当前的灯和说明、照片与文件、截止情况、退回原因、我可执行的操作。"""
    doc = get_document(user, meta_for(DOCTYPE), name)
    project, month = doc.project, doc.period
    before = doc.earlier()
    setting = setting_of(project.plan)
    planned = project.planned_investment or Decimal(0)
    light = status_lights.project_light(project, month, setting=setting)
    return {
        "doc": doc_to_dict(doc),
        "title": doc.get_title(),
        "stages": list(ProjectStage.objects.order_by("order", "id").values_list("name", flat=True)),
        "project": {
            "name": project.name,
            "title": project.project_name,
            "planned_investment": float(planned),
            "total_investment": float(project.total_investment or 0),
        },
        "before": {"month": before.period.title, "year_investment": float(before.year_investment or 0)}
        if before
        else None,
        "schedule": {
            "months_elapsed": status_lights.months_elapsed(month),
            "investment": float(planned * status_lights.months_elapsed(month) / 12),
            "yellow_margin": float(setting.yellow_margin),
        },
        "light": light.as_dict(),
        "files": list(
            File.objects.filter(attached_to_doctype=DOCTYPE, attached_to_name=doc.name)
            .order_by("id")
            .values("name", "file_name", "file_url", "file_size")
        ),
        "deadline": deadline_of(doc).as_dict(),
        "returned": returned_reason(doc),
        "actions": [t.action for t in engine.get_transitions(user, doc)],
        "editable": engine.edit_rights(user, doc).allowed if doc.docstatus == 0 else False,
    }
