from dataclasses import replace

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from apps.innovation_action.doctype.assessee import AssesseeRecord, assessee_fields, require_one_assessee
from apps.innovation_action.doctype.assessment_period.model import AssessmentPeriod
from apps.innovation_action.doctype.indicator.model import Indicator, Scheme
from apps.lowcode.doctype import Document
from apps.lowcode.numbers import number_text
from apps.lowcode.permissions import only_through
from apps.lowcode.scoring.rules import rule_errors

TARGET = dict(max_digits=20, decimal_places=4)


def period_year(period: AssessmentPeriod) -> int:
    """The year whose targets apply to a period: the year it ends in (a quarter, a month, the year itself)."""
    return period.end_date.year


class AssesseeTarget(AssesseeRecord, Document):
    """考评目标: one assessee's own target (and 不允许值) for an indicator, for a year or for one period.

    Plans publish yearly target tables (rows of assessees, a column per year);
    a target for a year applies to every period ending in that year, a target
    for a specific period wins over its year's. Where an assessee has none,
    the indicator's own target applies. 完成率法, 功效系数法 and formulas
    score against it (services/scoring.py).
    """

    doctype = "Assessee Target"

    indicator = models.ForeignKey(Indicator, verbose_name="考评指标", on_delete=models.CASCADE, related_name="+")
    county, unit = assessee_fields("assessee_targets", on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField(
        "年度", null=True, blank=True, help_text="适用于该年度的各考评周期；与考评周期二选一"
    )
    period = models.ForeignKey(
        AssessmentPeriod,
        verbose_name="考评周期",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="只适用于这一考评周期，优先于同年度的年度目标；与年度二选一",
    )
    target = models.DecimalField("目标值", **TARGET, help_text="完成率法、功效系数法和公式（target）使用的目标值")
    floor = models.DecimalField(
        "不允许值", **TARGET, null=True, blank=True, help_text="功效系数法和公式（floor）使用；留空按指标的不允许值"
    )
    source = models.CharField("来源", max_length=100, blank=True, help_text="例如 2021—2023年目标任务分解表")
    note = models.CharField("备注", max_length=300, blank=True)

    class Meta:
        verbose_name = "考评目标"
        verbose_name_plural = "考评目标"
        ordering = ["indicator", "county__order", "unit__order", "year", "period__start_date"]
        # NULLs are distinct in unique indexes (MariaDB and SQLite alike): each constraint only
        # binds the rows that have all its columns, i.e. one assessee kind and one of year/period.
        constraints = [
            models.UniqueConstraint(fields=["indicator", "county", "year"], name="unique_county_year_target"),
            models.UniqueConstraint(fields=["indicator", "county", "period"], name="unique_county_period_target"),
            models.UniqueConstraint(fields=["indicator", "unit", "year"], name="unique_unit_year_target"),
            models.UniqueConstraint(fields=["indicator", "unit", "period"], name="unique_unit_period_target"),
        ]

    @property
    def applies_to(self) -> str:
        """What the target is for, as the scoring explanation says it: 2023年 / 2023年第一季度."""
        return f"{self.year}年" if self.year else self.period.title

    def autoname(self):
        when = self.year if self.year else self.period.name
        return f"{self.indicator.name}-{self.assessee.name}-{when}"

    def __str__(self):
        if not (self.indicator_id and self.assessee and (self.year or self.period_id)):
            return self.name
        return f"{self.assessee} {self.applies_to} 第{self.indicator.number}项目标 {number_text(self.target)}"

    def clean(self):
        super().clean()
        require_one_assessee(self)
        if bool(self.year) == bool(self.period_id):
            raise ValidationError("年度和考评周期须填写且只填写其中一个")
        if not self.indicator_id:
            return
        expected = Scheme.COUNTY if self.county_id else Scheme.UNIT
        if self.indicator.group.scheme != expected:
            raise ValidationError({"indicator": f"{self.assessee}的目标只能用于“{expected.label}”中的指标"})
        plan = self.indicator.group.plan
        if self.period_id and self.period.plan_id != plan.pk:
            raise ValidationError({"period": "考评周期不属于该指标的工作方案"})
        if self.year and self.year not in plan_years(plan):
            years = "、".join(str(y) for y in sorted(plan_years(plan)))
            raise ValidationError({"year": f"{self.year}年不在该指标所属工作方案的年度内（{years}）"})
        errors = target_errors(self.indicator, self.target, self.floor)
        if errors:
            raise ValidationError(errors)
        self.refuse_a_second_target()

    def refuse_a_second_target(self) -> None:
        """One target per assessee, indicator and year (or period): said plainly, before the unique index does."""
        same = (
            type(self)
            .objects.filter(
                indicator=self.indicator_id,
                county=self.county_id,
                unit=self.unit_id,
                year=self.year,
                period=self.period_id,
            )
            .exclude(pk=self.pk)
        )
        other = same.first()
        if other is not None:
            raise ValidationError(
                f"{self.assessee}已有{self.applies_to}第{self.indicator.number}项的目标"
                f"（{number_text(other.target)}），请修改该记录"
            )

    @classmethod
    def scope_condition(cls, user) -> Q:
        """An assessee's targets are its own: a county user sees their county's, a liaison their unit's."""
        return only_through(user, {"County": ["county__name"], "Unit": ["unit__name"]})


def plan_years(plan) -> set[int]:
    """The years a plan covers: from its start to its end date where it has them (a multi-year plan),
    else its own year; the years its periods end in count too."""
    start, end = getattr(plan, "start_date", None), getattr(plan, "end_date", None)
    years = set(range(start.year, end.year + 1)) if start and end else set()
    if getattr(plan, "year", None):
        years.add(plan.year)
    years.update(period_year(period) for period in plan.periods.all())
    return years


def target_errors(indicator: Indicator, target, floor) -> dict[str, str]:
    """What the indicator's method says of this target and floor (完成率法: target > 0; 功效系数法:
    floor < target), by field name; floor left empty takes the indicator's."""
    if target is None:
        return {}
    rule = replace(indicator.rule(), target=target, floor=floor if floor is not None else indicator.floor)
    errors = rule_errors(rule)
    return {name: message for name, message in errors.items() if name in ("target", "floor")}
