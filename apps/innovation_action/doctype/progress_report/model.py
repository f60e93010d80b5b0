from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from apps.innovation_action.doctype.assessment_period.model import (
    AssessmentPeriod,
    PeriodKind,
)
from apps.innovation_action.doctype.task.model import Task
from apps.innovation_action.doctype.unit.model import Unit
from apps.lowcode.doctype import ChildDocument, Document
from apps.lowcode.permissions import only_through


class TaskStatus(models.TextChoices):
    NOT_STARTED = "未启动", "未启动"
    IN_PROGRESS = "推进中", "推进中"
    DONE = "已完成", "已完成"


class ProgressReport(Document):
    """月度调度报告: a city unit's monthly progress on the tasks it leads or shares (附件3 每月调度).

    ``submitted_at`` is stamped when the report first leaves its draft state;
    a report stamped after its month's deadline, or missing once the deadline
    has passed, costs the unit a point of 按时报送 (附表3-2 第4项).
    """

    doctype = "Progress Report"
    # Frappe's DocType.search_fields: what a search matches besides the name (the workbench's 查找).
    search_fields = ("unit__name",)

    period = models.ForeignKey(
        AssessmentPeriod,
        verbose_name="调度月份",
        on_delete=models.PROTECT,
        related_name="progress_reports",
        limit_choices_to={"kind": PeriodKind.MONTH},
    )
    unit = models.ForeignKey(Unit, verbose_name="报送单位", on_delete=models.PROTECT, related_name="progress_reports")
    summary = models.TextField("本月工作进展", blank=True)
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "月度调度"
        verbose_name_plural = "月度调度"
        ordering = ["period", "unit__order", "id"]
        constraints = [models.UniqueConstraint(fields=["period", "unit"], name="unique_progress_report")]

    def autoname(self):
        return f"{self.period.name}-{self.unit.name}"

    def get_title(self) -> str:
        """市科技局的2023年1月月度调度: what messages and lists call it."""
        if not (self.period_id and self.unit_id):
            return str(self.name)
        return f"{self.unit}的{self.period.title}{self._meta.verbose_name}"

    def __str__(self):
        return f"{self.unit} {self.period}调度" if self.period_id and self.unit_id else self.name

    def clean(self):
        super().clean()
        if self.period_id and self.period.kind != PeriodKind.MONTH:
            raise ValidationError({"period": "月度调度须选择月度周期"})

    @classmethod
    def scope_condition(cls, user) -> Q:
        return only_through(user, {"Unit": ["unit__name"], "County": ["unit__county__name"]})


class ProgressReportLine(ChildDocument):
    doctype = "Progress Report Line"

    report = models.ForeignKey(ProgressReport, verbose_name="月度调度", on_delete=models.CASCADE, related_name="lines")
    task = models.ForeignKey(Task, verbose_name="重点任务", on_delete=models.PROTECT, related_name="+")
    # The task's 具体任务及要求, copied when the report is made: the unit reports against what it read.
    requirements = models.TextField("任务要求", blank=True, editable=False)
    status = models.CharField("完成情况", max_length=4, choices=TaskStatus.choices, default=TaskStatus.IN_PROGRESS)
    progress = models.TextField("进展情况", blank=True)
    evidence = models.TextField("佐证说明", blank=True)

    class Meta(ChildDocument.Meta):
        verbose_name = "任务进展"
        verbose_name_plural = "任务进展"
        constraints = [models.UniqueConstraint(fields=["report", "task"], name="unique_progress_report_task")]

    def __str__(self):
        return str(self.task) if self.task_id else self.name
