from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from apps.innovation_action.doctype.action_plan.model import ActionPlan, in_users_plans
from apps.lowcode.doctype import Document

CHINESE_NUMBERS = "一二三四五六七八九十"


class PeriodKind(models.TextChoices):
    """附件3: 每月调度、每季通报排名、年终综合考评."""

    MONTH = "月度", "月度"
    QUARTER = "季度", "季度"
    YEAR = "年度", "年度"


KIND_CODES = {PeriodKind.MONTH: "M", PeriodKind.QUARTER: "Q", PeriodKind.YEAR: "Y"}


class AssessmentPeriod(Document):
    """A reporting and assessment period of a plan: a month, a quarter or the year."""

    doctype = "Assessment Period"

    plan = models.ForeignKey(ActionPlan, verbose_name="工作方案", on_delete=models.CASCADE, related_name="periods")
    kind = models.CharField("周期类型", max_length=4, choices=PeriodKind.choices)
    number = models.PositiveSmallIntegerField("序号", null=True, blank=True, help_text="第几月/第几季度；年度留空")
    start_date = models.DateField("开始日期")
    end_date = models.DateField("结束日期")
    deadline = models.DateField("报送截止日期", null=True, blank=True)
    opened_at = models.DateTimeField(
        "开启时间", null=True, blank=True, editable=False, help_text="开启考评时为各考评对象生成自评报告"
    )

    class Meta:
        verbose_name = "考评周期"
        verbose_name_plural = "考评周期"
        ordering = ["plan", "start_date", "-end_date"]

    @classmethod
    def scope_condition(cls, user) -> Q:
        """A period is seen by those who see its plan (a county user, the plans it takes part in)."""
        return in_users_plans(user)

    def autoname(self):
        """2023-Q1 in a one-year plan; a plan over several years names the year too: 区2021-2023-2022-Q1."""
        suffix = f"{self.number:02d}" if self.kind == PeriodKind.MONTH else (self.number or "")
        year = "" if self.plan.single_year else f"{self.year}-"
        return f"{self.plan.name}-{year}{KIND_CODES[self.kind]}{suffix}"

    @property
    def year(self) -> int:
        """The year the period lies in, from its own dates (a notice about it is numbered in it: 〔2023〕);
        in a plan over several years each year's periods are that year's."""
        return self.start_date.year

    @property
    def title(self) -> str:
        year = self.year
        if self.kind == PeriodKind.YEAR:
            return f"{year}年度"
        if self.kind == PeriodKind.QUARTER:
            return f"{year}年第{CHINESE_NUMBERS[self.number - 1]}季度"
        return f"{year}年{self.number}月"

    def __str__(self):
        return self.title

    @property
    def is_open(self) -> bool:
        """The office opened it (开启考评): assessees may report in it from then on."""
        return self.opened_at is not None

    def clean(self):
        super().clean()
        if self.kind != PeriodKind.YEAR and not self.number:
            raise ValidationError({"number": "月度、季度周期须填写序号"})
        limit = {PeriodKind.MONTH: 12, PeriodKind.QUARTER: 4}.get(self.kind)
        if limit and self.number and not 1 <= self.number <= limit:
            raise ValidationError({"number": f"{self.get_kind_display()}序号应在 1 到 {limit} 之间"})
        if self.start_date and self.end_date and self.start_date > self.end_date:
            raise ValidationError({"end_date": "结束日期不能早于开始日期"})
        if self.deadline and self.start_date and self.deadline < self.start_date:
            raise ValidationError({"deadline": f"不能早于考评周期的开始日期（{self.start_date}）"})
        if self.start_date and self.end_date and self.start_date.year != self.end_date.year:
            raise ValidationError({"end_date": "考评周期的开始日期和结束日期应在同一年内"})
        plan = self.plan if self.plan_id else None
        if (
            plan
            and self.start_date
            and self.end_date
            and not plan.start_date <= self.start_date <= self.end_date <= plan.end_date
        ):
            raise ValidationError(
                {"start_date": f"考评周期应在工作方案的起止日期（{plan.start_date} 至 {plan.end_date}）之内"}
            )
