from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from apps.innovation_action.doctype.assessment_period.model import AssessmentPeriod, PeriodKind
from apps.innovation_action.doctype.county.model import County
from apps.innovation_action.doctype.project.model import Project
from apps.innovation_action.doctype.project_stage.model import ProjectStage, default_stage
from apps.lowcode.doctype import Document
from apps.lowcode.numbers import number_text
from apps.lowcode.permissions import restrictions


class ProjectReport(Document):
    """项目月报: a key project's progress in one month, reported by its county (附件3 每月调度、重点项目推进).

    Amounts are in 万元. ``year_investment`` (本年累计) is computed from the
    project's report of the month before when the county leaves it empty, and
    checked against it when entered. ``county`` and ``planned_investment`` are
    copied from the project, so lists and filters read them as the report was made.
    """

    doctype = "Project Report"
    # Frappe's DocType.search_fields: what a search matches besides the name (the workbench's 查找).
    search_fields = ("project__project_name", "project__construction_unit")

    period = models.ForeignKey(
        AssessmentPeriod,
        verbose_name="报告月份",
        on_delete=models.PROTECT,
        related_name="project_reports",
        limit_choices_to={"kind": PeriodKind.MONTH},
    )
    project = models.ForeignKey(Project, verbose_name="重点项目", on_delete=models.PROTECT, related_name="reports")
    county = models.ForeignKey(
        County, verbose_name="隶属", on_delete=models.PROTECT, related_name="project_reports", editable=False
    )
    planned_investment = models.DecimalField(
        "年度投资计划（万元）", max_digits=14, decimal_places=2, editable=False, default=Decimal(0)
    )
    stage = models.ForeignKey(
        ProjectStage,
        verbose_name="项目阶段",
        on_delete=models.PROTECT,
        related_name="reports",
        default=default_stage,
        blank=True,  # left empty: the default stage (clean); the office keeps the list in 项目阶段
        help_text="留空则为默认阶段；阶段列表由领导小组办公室在“项目阶段”中维护",
    )
    month_investment = models.DecimalField("本月完成投资（万元）", max_digits=14, decimal_places=2, default=Decimal(0))
    year_investment = models.DecimalField(
        "本年累计完成投资（万元）",
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="留空则按上月累计加本月完成自动计算",
    )
    progress = models.TextField("形象进度", blank=True)
    problems = models.TextField("存在问题", blank=True)
    next_steps = models.TextField("下步计划", blank=True)
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "项目月报"
        verbose_name_plural = "项目月报"
        ordering = ["period", "project__number", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "project"],
                name="unique_project_report",
                violation_error_message="该项目本月的月报已存在，每个项目每月只报一次",
            )
        ]

    def autoname(self):
        return f"{self.period.name}-{self.project.name}"

    def get_title(self) -> str:
        """章贡区“某某项目”2023年3月项目月报: what messages and lists call it."""
        if not (self.period_id and self.project_id):
            return str(self.name)
        return f"{self.project.county}“{self.project.project_name}”{self.period.title}{self._meta.verbose_name}"

    def __str__(self):
        return f"{self.project.project_name} {self.period}月报" if self.period_id and self.project_id else self.name

    @classmethod
    def scope_condition(cls, user) -> Q:
        """A report is seen by those who see its project (its county's users, its county government's liaison)."""
        if not restrictions(user):
            return Q()
        return Q(project__in=Project.objects.filter(Project.scope_condition(user)).values("pk"))

    # ------------------------------------------------------------ validation

    def clean(self):
        super().clean()
        if self.stage_id is None:
            self.stage = ProjectStage.default()
            if self.stage is None:
                raise ValidationError({"stage": "尚未设置项目阶段，请先在“项目阶段”中添加"})
        if not (self.period_id and self.project_id):
            return  # the required-field check names what is missing
        period, project = self.period, self.project
        if period.kind != PeriodKind.MONTH:
            raise ValidationError({"period": "项目月报须选择月度周期"})
        if period.plan_id != project.plan_id:
            raise ValidationError({"period": f"{period.title}不在项目“{project.project_name}”所属的工作方案内"})
        self.county_id = project.county_id
        self.planned_investment = project.planned_investment
        for field in ("month_investment", "year_investment"):
            value = getattr(self, field)
            if value is not None and value < 0:
                raise ValidationError({field: f"{self._meta.get_field(field).verbose_name}不能为负数"})
        self.check_cumulative()

    def earlier(self):
        """The project's report of the latest earlier month of the same year, or None."""
        return (
            ProjectReport.objects.filter(
                project_id=self.project_id,
                period__start_date__lt=self.period.start_date,
                period__start_date__year=self.period.year,
            )
            .exclude(pk=self.pk)
            .select_related("period")
            .order_by("-period__start_date")
            .first()
        )

    def later(self):
        """The project's report of the earliest later month of the same year, or None."""
        return (
            ProjectReport.objects.filter(
                project_id=self.project_id,
                period__start_date__gt=self.period.start_date,
                period__start_date__year=self.period.year,
            )
            .exclude(pk=self.pk)
            .select_related("period")
            .order_by("period__start_date")
            .first()
        )

    def check_cumulative(self) -> None:
        """本年累计 = 上月累计 + 本月完成; computed when left empty, checked when entered.

        When the month before has no report (a gap), the cumulative cannot be
        derived: it may be entered, and must then be at least the last reported
        cumulative plus this month. It never exceeds a later month's cumulative.
        """
        month = self.month_investment or Decimal(0)
        before = self.earlier()
        base = (before.year_investment or Decimal(0)) if before else Decimal(0)
        first_of_year = self.period.start_date.month == 1
        adjacent = (
            first_of_year if before is None else before.period.start_date.month == self.period.start_date.month - 1
        )
        expected = base + month
        if self.year_investment is None or self._month_changed_alone():
            self.year_investment = expected
        elif before is not None and self.year_investment < base:
            raise ValidationError(
                {
                    "year_investment": f"本年累计完成投资（{wan(self.year_investment)}万元）不能少于"
                    f"{before.period.title}累计（{wan(base)}万元）"
                }
            )
        elif adjacent and self.year_investment != expected:
            where = f"{before.period.title}累计（{wan(base)}万元）加" if before else ""
            raise ValidationError(
                {
                    "year_investment": f"本年累计完成投资（{wan(self.year_investment)}万元）应等于"
                    f"{where}本月完成（{wan(month)}万元），即 {wan(expected)} 万元；留空可自动计算"
                }
            )
        elif self.year_investment < expected:
            raise ValidationError(
                {
                    "year_investment": f"本年累计完成投资（{wan(self.year_investment)}万元）不能少于"
                    f"{before.period.title}累计（{wan(base)}万元）加本月完成（{wan(month)}万元）"
                }
            )
        after = self.later()
        if after is not None and after.year_investment is not None and self.year_investment > after.year_investment:
            raise ValidationError(
                {
                    "year_investment": f"本年累计完成投资（{wan(self.year_investment)}万元）不能多于"
                    f"{after.period.title}已报累计（{wan(after.year_investment)}万元）"
                }
            )
        total = self.project.total_investment
        if total and self.year_investment > total:
            raise ValidationError(
                {
                    "year_investment": f"本年累计完成投资（{wan(self.year_investment)}万元）不能超过项目总投资（{wan(total)}万元）"
                }
            )

    def _month_changed_alone(self) -> bool:
        """A client sent the stored cumulative back with a new month's figure: derive it again."""
        if self.pk is None:
            return False
        stored = ProjectReport.objects.filter(pk=self.pk).values("month_investment", "year_investment").first()
        return bool(
            stored
            and stored["year_investment"] == self.year_investment
            and stored["month_investment"] != self.month_investment
        )


def wan(amount: Decimal) -> str:
    """An amount in 万元 as people write it: 1200, 1200.5."""
    return number_text(amount)
