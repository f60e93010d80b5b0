from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.urls import reverse

from apps.innovation_action.doctype.assessment_period.model import AssessmentPeriod
from apps.innovation_action.services import periods, reminders, scoring
from apps.innovation_action.services.deadlines import period_due_date
from apps.lowcode.admin.base import DocumentAdmin
from apps.lowcode.jobs import progress
from apps.lowcode.reminder import service as reminder_service


@admin.register(AssessmentPeriod)
class AssessmentPeriodAdmin(DocumentAdmin):
    list_display = ("name", "title", "kind", "start_date", "end_date", "deadline", "due_date", "opened_at")
    list_filter = ("plan", "kind")
    fields = (
        "name",
        "plan",
        "kind",
        "number",
        "start_date",
        "end_date",
        "deadline",
        "opened_at",
        "owner",
        "creation",
        "modified",
        "modified_by",
    )
    readonly_fields = (*DocumentAdmin.readonly_fields, "opened_at")
    actions = ["open_periods", "recompute_scores", "remind_late"]

    @admin.display(description="名称")
    def title(self, obj):
        return obj.title

    @admin.display(description="实际截止日期")
    def due_date(self, obj):
        """The period's own date, else the plan's 报送截止规则's (services/deadlines.py)."""
        return period_due_date(obj) or "未设"

    def has_remind_permission(self, request):
        return reminder_service.may_remind(request.user)

    @admin.action(description="催办：本周期逾期未报送的单据", permissions=["remind"])  # checked before queueing
    def remind_late(self, request, queryset):
        started = []
        for period in queryset.order_by("start_date"):
            job = progress.start(
                request.user, f"催办：{period.title}", reminders.remind_late_job, request.user.pk, period.name
            )
            started.append(self.finished_or_running(request, period, job))
        return self.progress_page(request, started)

    def has_open_permission(self, request):
        return self.has_change_permission(request)  # the office, who sets up periods

    @admin.action(description="开启考评：为各考评对象生成自评报告（月度为月度调度）", permissions=["open"])
    def open_periods(self, request, queryset):
        started = []
        for period in queryset.order_by("start_date"):
            job = progress.start(
                request.user, f"开启考评：{period.title}", periods.open_period_job, request.user.pk, period.name
            )
            started.append(self.finished_or_running(request, period, job))
        return self.progress_page(request, started)

    @admin.action(description="重新计算得分与排名", permissions=["open"])
    def recompute_scores(self, request, queryset):
        started = []
        for period in queryset.order_by("start_date"):
            job = progress.start(
                request.user, f"重新计算得分：{period.title}", scoring.recompute_period_job, period.name
            )
            started.append(
                self.finished_or_running(request, period, job, warn=bool((job.result or {}).get("differences")))
            )
        return self.progress_page(request, started)

    def finished_or_running(self, request, period, job, warn=False):
        """A job that ran inline (no Redis) is done: its message is shown here, as before. Else its id."""
        if job.status == "finished":
            self.message_user(
                request, f"{period}：{job.result['message']}", messages.WARNING if warn else messages.SUCCESS
            )
        elif job.status == "failed":
            self.message_user(request, f"{period}：{job.error}", messages.ERROR)
        else:
            return job.id
        return None

    def progress_page(self, request, started):
        """On Redis the jobs run in the background: follow the (last) one on its progress page."""
        started = [job_id for job_id in started if job_id]
        if not started:
            return None
        if len(started) > 1:
            self.message_user(request, f"已在后台开始 {len(started)} 项任务", messages.INFO)
        back = reverse("admin:innovation_action_assessmentperiod_changelist")
        return HttpResponseRedirect(f"{reverse('job-progress', args=[started[-1]])}?next={back}")
