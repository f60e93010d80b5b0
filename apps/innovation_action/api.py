"""The app's own whitelisted methods, called as /api/method/innovation_action.api.<name>."""

from datetime import date

from django.db.models import Count, Sum
from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

from apps.innovation_action import roles
from apps.innovation_action.models import ActionPlan, AssessmentPeriod, Project, Score
from apps.innovation_action.services import (
    approval,
    assessee_targets,
    dashboard,
    new_year,
    official_data,
    periods,
    reminders,
    scoring,
    status_lights,
    workbench,
    workbench_assessments,
    workbench_monthly,
    workbench_periods,
    workbench_projects,
    worklist,
)
from apps.innovation_action.services.deadlines import deadline_of
from apps.lowcode.doctype.meta import get_meta
from apps.lowcode.doctype.serialize import doc_to_dict
from apps.lowcode.document.service import get_document, meta_for
from apps.lowcode.exceptions import PermissionError, ValidationError
from apps.lowcode.jobs import imports, progress
from apps.lowcode.permissions import can, ensure_can, scope_queryset
from apps.lowcode.reminder.service import ensure_may_remind, logs_of
from apps.lowcode.reminder.service import remind as remind_document
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
        raise PermissionError(f"只有{roles.name(roles.OFFICE)}可以开启考评或重新计算得分")
    return periods.named(name)


@whitelist("innovation_action.api.open_period", methods=("POST",))
def open_period(request, period):
    """开启考评：为本方案的各考评对象生成本周期的自评报告（月度周期生成月度调度），已有的不重复生成。
    在后台执行：返回 job_id，用 lowcode.api.get_job_status 查看进度和结果。"""
    period = period_for(request.user, period)
    job = progress.start(
        request.user, f"开启考评：{period.title}", periods.open_period_job, request.user.pk, period.name
    )
    return progress.answer(job)


@whitelist("innovation_action.api.recompute_scores", methods=("POST",))
def recompute_scores(request, period):
    """重新计算本周期的得分与排名；已审定的得分不变，与现有数据不一致的列出。
    在后台执行：返回 job_id，用 lowcode.api.get_job_status 查看进度和结果。"""
    period = period_for(request.user, period)
    job = progress.start(request.user, f"重新计算得分：{period.title}", scoring.recompute_period_job, period.name)
    return progress.answer(job)


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
    if upload is None:
        if file not in (None, ""):
            raise ValidationError("请以 multipart/form-data 上传 .xlsx 文件（字段 file）")
        return official_data.import_official_values(request.user, period, upload).as_dict()  # its own refusal
    found = official_data.resolve_period(period)
    job = imports.start_import(
        request.user, f"导入核定数据：{found.title}", official_data.import_official_values, (found.name,), upload
    )
    return progress.answer(job)


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
    if upload is None:
        if file not in (None, ""):
            raise ValidationError("请以 multipart/form-data 上传 .xlsx 文件（字段 file）")
        return assessee_targets.import_year_targets(request.user, indicator, upload).as_dict()  # its own refusal
    found = assessee_targets.resolve_indicator(indicator)
    job = imports.start_import(
        request.user, f"导入年度目标：{found.name}", assessee_targets.import_year_targets, (found.name,), upload
    )
    return progress.answer(job)


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


# ------------------------------------------------------------------ 红黄绿灯


def as_of_date(value) -> date | None:
    """The optional ``date`` a method judges lights on (YYYY-MM-DD); today when not given."""
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError(f"日期“{value}”格式不正确，应为 YYYY-MM-DD") from None


def visible_period(user, name) -> AssessmentPeriod:
    """A period the user may see (404 outside the plans it takes part in)."""
    return get_document(user, get_meta(AssessmentPeriod.doctype), name)


@whitelist("innovation_action.api.get_status_lights", methods=("GET",))
def get_status_lights(request, period, kind="project", group_by=None, date=None):
    """红黄绿灯：一个周期（月度、季度或年度）的重点项目（kind=project）、重点任务（task）或考评对象（assessee）
    的亮灯情况及说明，可按 group_by 汇总（项目：section、county；任务：section、unit；考评对象：category、county、
    unit），每个数字附列出其记录的筛选条件。县级用户只看到本县（市、区）的。date 为判断日期（默认今天）。"""
    if kind not in status_lights.KINDS:
        raise ValidationError(f"kind 只能取：{'、'.join(status_lights.KINDS)}")
    if group_by not in (None, "") and group_by not in status_lights.GROUPINGS[kind]:
        raise ValidationError(f"group_by 只能取：{'、'.join(status_lights.GROUPINGS[kind])}")
    period = visible_period(request.user, period)
    as_of = as_of_date(date)
    lights = status_lights.KINDS[kind](request.user, period, as_of)
    month = status_lights.light_month(period, as_of or timezone.localdate())
    setting = status_lights.setting_of(period.plan)
    return {
        "period": period.name,
        "month": month.name if month else None,
        "month_title": month.title if month else None,
        "kind": kind,
        "settings": {"yellow_margin": float(setting.yellow_margin), "late_is_yellow": setting.late_is_yellow},
        "lights": [light.as_dict() for light in lights],
        "groups": status_lights.summary(lights, group_by or None),
    }


@whitelist("innovation_action.api.get_status_light", methods=("GET",))
def get_status_light(request, doctype, name, period, date=None):
    """一条记录（Project、Task、County、Unit）在一个周期的红黄绿灯及说明；只能查看有权查看的记录。"""
    kinds = {"Project": "project", "Task": "task", "County": "assessee", "Unit": "assessee"}
    if doctype not in kinds:
        raise ValidationError(f"doctype 只能取：{'、'.join(kinds)}")
    period = visible_period(request.user, period)
    get_document(request.user, get_meta(doctype), name)  # 404 outside the user's scope
    lights = status_lights.KINDS[kinds[doctype]](request.user, period, as_of_date(date))
    found = next((light for light in lights if light.doctype == doctype and light.name == name), None)
    if found is None:
        raise ValidationError(f"{name} 不在{period.title}的亮灯范围内")
    return found.as_dict()


# ------------------------------------------------------------------ 工作台（仪表盘）的数字


@whitelist("innovation_action.api.get_dashboard", methods=("GET",))
def get_dashboard(request, period, date=None):
    """一个周期的全部工作台数字：报送情况、红黄绿灯、投资完成、各类别逐季排名、待我处理；每个数字附筛选条件。"""
    return dashboard.dashboard(request.user, visible_period(request.user, period), as_of_date(date))


@whitelist("innovation_action.api.get_submission_status", methods=("GET",))
def get_submission_status(request, period):
    """报送情况：本周期的自评报告及其各月的月度调度、项目月报，按未启动、草稿、已提交、已退回、已审定计数，
    按县（市、区）和单位汇总；每个数字附列出其单据的筛选条件（没有单据的列在 missing）。"""
    return dashboard.submissions(request.user, visible_period(request.user, period))


@whitelist("innovation_action.api.get_dashboard_lights", methods=("GET",))
def get_dashboard_lights(request, period, date=None):
    """红黄绿灯汇总：重点项目按板块和县（市、区），重点任务按板块和单位，考评对象按县（市、区）和单位。"""
    return dashboard.lights(request.user, visible_period(request.user, period), as_of_date(date))


@whitelist("innovation_action.api.get_investment_progress", methods=("GET",))
def get_investment_progress(request, period, date=None):
    """各县（市、区）重点项目年度计划投资、序时进度与累计完成投资（取亮灯所依据月份已报送的项目月报）。"""
    return dashboard.investment(request.user, visible_period(request.user, period), as_of_date(date))


@whitelist("innovation_action.api.get_category_rankings", methods=("GET",))
def get_category_rankings(request, period):
    """各考评类别在本方案年度各季度的排名与总分（已审定的得分）。"""
    return dashboard.rankings(request.user, visible_period(request.user, period))


@whitelist("innovation_action.api.get_waiting_counts", methods=("GET",))
def get_waiting_counts(request, period=None):
    """待我处理：当前用户现在可以办理的单据数，按单据类型，并列出其中属于本周期的。"""
    return dashboard.waiting(request.user, visible_period(request.user, period) if period not in (None, "") else None)


# ------------------------------------------------------------------ deadlines and 催办


def _document(user, doctype, name):
    if doctype not in ("Progress Report", "SelfAssessment"):
        raise ValidationError("只有月度调度和自评报告有报送截止日期")
    meta = meta_for(doctype)
    return get_document(user, meta, name)


@whitelist("innovation_action.api.get_deadline", methods=("GET",))
def get_deadline(request, doctype, name):
    """单据的报送截止日期、剩余时间（还剩 3 天 / 已逾期 2 天）与提醒记录。"""
    doc = _document(request.user, doctype, name)
    return {**deadline_of(doc).as_dict(), "reminders": logs_of(request.user, doc)}


@whitelist("innovation_action.api.remind", methods=("POST",))
def remind(request, doctype, name, note=""):
    """催办一份未报送的单据：向须填报的人员发送站内消息（站点有邮件服务器时同时发邮件），并记录。仅领导小组办公室。"""
    ensure_may_remind(request.user)
    doc = _document(request.user, doctype, name)
    sent = remind_document(request.user, doc, str(note or ""))
    recipients = sorted({log.recipient.get_username() for log in sent})
    return {"reminders": len(sent), "recipients": recipients, "message": f"已催办，发出提醒 {len(sent)} 条"}


@whitelist("innovation_action.api.remind_late", methods=("POST",))
def remind_late(request, period, note=""):
    """一键催办本周期所有逾期未报送的单据。仅领导小组办公室。
    在后台执行：返回 job_id，用 lowcode.api.get_job_status 查看进度和结果。"""
    ensure_may_remind(request.user)
    found = periods.named(period)
    job = progress.start(
        request.user, f"催办：{found.title}", reminders.remind_late_job, request.user.pk, found.name, str(note or "")
    )
    return progress.answer(job)


# ------------------------------------------------------------------ the workbench (/app/)


@whitelist("innovation_action.api.get_workbench_session", methods=("GET",))
def get_workbench_session(request):
    """工作台的当前用户：用户名、姓名、角色（county_user、unit_liaison、office、leading_group、administrator）与站点名称。"""
    return workbench.session_info(request.user)


@whitelist("innovation_action.api.get_todo", methods=("GET",))
def get_todo(request):
    """待办：我现在可以办理的单据，被退回的在前（附退回人、时间和原因），其余按报送截止日期，附剩余时间和可执行的操作。"""
    return workbench.todo(request.user)


@whitelist("innovation_action.api.get_self_assessment_page", methods=("GET",))
def get_self_assessment_page(request, name):
    """自评报告页面的指标信息：每行的序号、考核指标、类别、分值、计分标准、计分方法、目标值，以及报送截止日期与剩余时间。"""
    return workbench.self_assessment_page(request.user, name)


@whitelist("innovation_action.api.get_done", methods=("GET",))
def get_done(request):
    """已办：我办理过的单据（提交、初审、审定、退回……），最近办理的在前，附我的操作、意见和单据现在的状态。"""
    return worklist.done(request.user)


@whitelist("innovation_action.api.get_finished", methods=("GET",))
def get_finished(request):
    """办结：我可以查看的、已走完流程的单据（已审定、已审核），最近的在前。"""
    return worklist.finished(request.user)


@whitelist("innovation_action.api.search_documents", methods=("GET",))
def search_documents(request, text=""):
    """按名称查找我可以查看的单据（自评报告、月度调度、项目月报），多个词以空格分隔，须全部包含。"""
    return worklist.search(request.user, text)


@whitelist("innovation_action.api.get_approval_queue", methods=("GET",))
def get_approval_queue(request):
    """待审定：我现在可以审定的自评报告，附自评与初审总分、初审调整了哪些指标及调整分值、加分核定和办公室意见。"""
    return approval.approval_queue(request.user)


@whitelist("innovation_action.api.get_ranking_periods", methods=("GET",))
def get_ranking_periods(request):
    """有审定得分的考评周期（最近的在前），供排名页选择：[{name, title}]。"""
    from apps.innovation_action.services.ranking_report import periods_with_scores

    ensure_can(request.user, "read", Score)
    return [{"name": period.name, "title": period.title} for period in periods_with_scores()]


@whitelist("innovation_action.api.get_self_assessments", methods=("GET",))
def get_self_assessments(request):
    """我的自评报告：已开启考评的各季度、年度（最近的在前），我报送的考评对象的报告状态、自评总分和截止情况（未填写的也列出）。"""
    return workbench_assessments.overview(request.user)


@whitelist("innovation_action.api.get_monthly_reports", methods=("GET",))
def get_monthly_reports(request):
    """我的月度调度：我报送的单位在方案内已开始的各月份，附报告状态、报送截止日期和剩余时间（未填报的月份也列出）。"""
    return workbench_monthly.overview(request.user)


@whitelist("innovation_action.api.get_monthly_report", methods=("GET",))
def get_monthly_report(request, name):
    """一份月度调度：单据、各任务的序号与名称、截止情况、退回原因、我可执行的操作。"""
    return workbench_monthly.report(request.user, name)


@whitelist("innovation_action.api.get_project_reports", methods=("GET",))
def get_project_reports(request, period=None):
    """项目月报：我能看到的重点项目在某月（默认最近一个已开始的月份）的月报情况，未填报的附上月可沿用的内容。"""
    return workbench_projects.overview(request.user, period or None)


@whitelist("innovation_action.api.get_project_report", methods=("GET",))
def get_project_report(request, name):
    """一份项目月报：单据、年度计划、上月累计、序时进度与黄灯幅度、当前的灯、截止情况、退回原因、可执行的操作。"""
    return workbench_projects.report(request.user, name)


# ------------------------------------------------------------------ the office's 考评周期 page (/app/periods)


@whitelist("innovation_action.api.get_periods", methods=("GET",))
def get_periods(request):
    """考评周期：各周期的状态（未开启、已开启）、报送截止日期及其来源、应报、已生成、已提交、逾期未报送的单据数。
    仅领导小组办公室（和系统管理员）。"""
    return workbench_periods.period_rows(request.user)


@whitelist("innovation_action.api.get_period_opening", methods=("GET",))
def get_period_opening(request, period):
    """开启考评前的确认：将为哪些县（市、区）和单位生成哪种单据（已有的不重复生成）、建议的报送截止日期。"""
    return workbench_periods.opening(request.user, period)


@whitelist("innovation_action.api.get_unsubmitted", methods=("GET",))
def get_unsubmitted(request, period):
    """一个周期未提交的单据（逾期的在前）：截止情况、催办会通知到的填报人员、已催办次数。仅可以催办的用户。"""
    return workbench_periods.unsubmitted(request.user, period)
