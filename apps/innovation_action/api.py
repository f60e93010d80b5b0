"""The app's own whitelisted methods, called as /api/method/innovation_action.api.<name>."""

from django.db.models import Count, Sum
from django.http import HttpResponse
from django.utils.http import content_disposition_header

from apps.innovation_action.models import ActionPlan, AssessmentPeriod, Project
from apps.innovation_action.services import (
    assessee_targets,
    new_year,
    official_data,
    periods,
    scoring,
)
from apps.lowcode.doctype.meta import get_meta
from apps.lowcode.doctype.serialize import doc_to_dict
from apps.lowcode.document.service import get_document
from apps.lowcode.exceptions import PermissionError, ValidationError
from apps.lowcode.jobs import progress
from apps.lowcode.permissions import can, scope_queryset
from apps.lowcode.whitelist import whitelist


@whitelist("innovation_action.api.get_project_totals", methods=("GET",))
def get_project_totals(request, plan="2023"):
    """Project count and investment (万元) per section, over the projects the user may see."""
    if not can(request.user, "read", Project):
        raise PermissionError("没有查看重点项目的权限")
    rows = (
        scope_queryset(request.user, Project)
        .filter(plan__name=str(plan))
        .order_by()
        .values("section")
        .annotate(count=Count("id"), total=Sum("total_investment"), planned=Sum("planned_investment"))
    )
    by_section = {row["section"]: row for row in rows}
    return [
        {
            "section": section,
            "count": by_section[section]["count"],
            "total_investment": float(by_section[section]["total"]),
            "planned_investment": float(by_section[section]["planned"]),
        }
        for section in Project.Section.values
        if section in by_section
    ]


def period_for(user, name):
    """The Assessment Period a method names, refused unless the user may open periods (the office)."""
    if not can(user, "write", AssessmentPeriod):  # the office (plan data), not the assessees
        raise PermissionError("只有领导小组办公室可以开启考评或重新计算得分")
    return periods.named(name)


def job_answer(job) -> dict:
    """A long operation's answer: the job to poll (lowcode.api.get_job_status), and its result once it is done.

    Without Redis the job ran inline, so the result (or the error) is there at once, as it always was.
    """
    if job.exception is not None:
        raise job.exception
    return {"job_id": job.id, "status": job.status, **(job.result or {})}


@whitelist("innovation_action.api.open_period", methods=("POST",))
def open_period(request, period):
    """开启考评：为本方案的各考评对象生成本周期的自评报告（月度周期生成月度调度），已有的不重复生成。
    在后台执行：返回 job_id，用 lowcode.api.get_job_status 查看进度和结果。"""
    period = period_for(request.user, period)
    job = progress.start(
        request.user, f"开启考评：{period.title}", periods.open_period_job, request.user.pk, period.name
    )
    return job_answer(job)


@whitelist("innovation_action.api.recompute_scores", methods=("POST",))
def recompute_scores(request, period):
    """重新计算本周期的得分与排名；已审定的得分不变，与现有数据不一致的列出。
    在后台执行：返回 job_id，用 lowcode.api.get_job_status 查看进度和结果。"""
    period = period_for(request.user, period)
    job = progress.start(request.user, f"重新计算得分：{period.title}", scoring.recompute_period_job, period.name)
    return job_answer(job)


@whitelist("innovation_action.api.get_ranking", methods=("GET",))
def get_ranking(request, period=None):
    """考评排名 of a period (e.g. 2023-Q1; default the latest with approved results), within the user's scope."""
    from apps.innovation_action.services.ranking_report import ranking_data

    return ranking_data(request.user, period)


@whitelist(
    "innovation_action.api.import_official_values",
    methods=("POST",),
    request_content={
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["period", "file"],
                "properties": {
                    "period": {"type": "string", "description": "考评周期编号，如 2023-Y"},
                    "file": {"type": "string", "format": "binary", "description": "导入模板格式的 .xlsx 文件"},
                },
            }
        },
    },
)
def import_official_values(request, period, file=None):
    """导入核定数据（multipart：period、file）；任何一行有误则全部不保存，按行号列出问题。"""
    official_data.ensure_can_import(request.user)
    upload = request.FILES.get("file")
    if upload is None and file not in (None, ""):
        raise ValidationError("请以 multipart/form-data 上传 .xlsx 文件（字段 file）")
    return official_data.import_official_values(request.user, period, upload).as_dict()


@whitelist(
    "innovation_action.api.official_values_template",
    methods=("GET",),
    response_content={official_data.XLSX_CONTENT_TYPE: {"schema": {"type": "string", "format": "binary"}}},
)
def official_values_template(request, period):
    """下载核定数据导入模板（xlsx），已导入的核定值已填入。"""
    official_data.ensure_can_import(request.user)
    period = official_data.resolve_period(period)
    response = HttpResponse(official_data.template(period), content_type=official_data.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, official_data.template_file_name(period))
    return response


@whitelist(
    "innovation_action.api.import_year_targets",
    methods=("POST",),
    request_content={
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["indicator", "file"],
                "properties": {
                    "indicator": {"type": "string", "description": "考评指标编号，如 2023-C-05"},
                    "file": {
                        "type": "string",
                        "format": "binary",
                        "description": "年度目标表 .xlsx：每行一个考评对象，每列一个年度",
                    },
                },
            }
        },
    },
)
def import_year_targets(request, indicator, file=None):
    """按年度导入考评目标（multipart：indicator、file）；任何一行有误则全部不保存，按行号列出问题。"""
    assessee_targets.ensure_can_import(request.user)
    upload = request.FILES.get("file")
    if upload is None and file not in (None, ""):
        raise ValidationError("请以 multipart/form-data 上传 .xlsx 文件（字段 file）")
    return assessee_targets.import_year_targets(request.user, indicator, upload).as_dict()


@whitelist(
    "innovation_action.api.year_targets_template",
    methods=("GET",),
    response_content={assessee_targets.XLSX_CONTENT_TYPE: {"schema": {"type": "string", "format": "binary"}}},
)
def year_targets_template(request, indicator):
    """下载一项考评指标的年度目标导入模板（xlsx），已有的年度目标已填入。"""
    assessee_targets.ensure_can_import(request.user)
    indicator = assessee_targets.resolve_indicator(indicator)
    response = HttpResponse(assessee_targets.year_template(indicator), content_type=assessee_targets.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, assessee_targets.template_file_name(indicator))
    return response


@whitelist("innovation_action.api.copy_plan", methods=("POST",))
def copy_plan(request, plan, year, title=None):
    """复制为新年度方案：复制工作方案及其重点任务、考评指标和考评周期到新年度（不含重点项目），返回新方案。"""
    new_year.ensure_can_copy(request.user)
    source = get_document(request.user, get_meta(ActionPlan.doctype), plan)  # 404 also outside the user's scope
    return doc_to_dict(new_year.copy_plan(source, year, request.user, title))
