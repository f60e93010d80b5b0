from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models

from apps.innovation_action.doctype.action_plan.model import ActionPlan, in_users_plans
from apps.lowcode.doctype import ChildDocument, Document
from apps.lowcode.numbers import number_text
from apps.lowcode.scoring.rules import Method, Rule, rule_errors


class Scheme(models.TextChoices):
    """The two indicator tables of 附件3."""

    COUNTY = "县级", "县（市、区）考评指标（附表3-1）"
    UNIT = "市直", "市直单位考评指标（附表3-2）"


SCHEME_CODES = {Scheme.COUNTY: "C", Scheme.UNIT: "U"}


class IndicatorGroup(Document):
    """A block of an indicator table with its points, e.g. 政策保障（25分）."""

    doctype = "Indicator Group"

    plan = models.ForeignKey(
        ActionPlan, verbose_name="工作方案", on_delete=models.CASCADE, related_name="indicator_groups"
    )
    scheme = models.CharField("考评方案", max_length=4, choices=Scheme.choices)
    order = models.PositiveSmallIntegerField("顺序")
    title = models.CharField("指标类别", max_length=100)
    short_title = models.CharField(
        "简称", max_length=20, blank=True, help_text="排名表和通报表头中的称呼，例如 科技创新；留空则用指标类别"
    )
    points = models.DecimalField("分值", max_digits=6, decimal_places=2)
    is_bonus = models.BooleanField("加分项", default=False, help_text="加分项的分值为加分上限")

    @classmethod
    def scope_condition(cls, user):
        """Seen by those who see its plan (a county or unit user: the plans it takes part in)."""
        return in_users_plans(user)

    class Meta:
        verbose_name = "指标类别"
        verbose_name_plural = "指标类别"
        ordering = ["plan", "scheme", "order"]
        constraints = [models.UniqueConstraint(fields=["plan", "scheme", "order"], name="unique_indicator_group")]

    def autoname(self):
        return f"{self.plan.name}-{SCHEME_CODES[self.scheme]}{self.order}"

    def __str__(self):
        return f"{self.get_scheme_display()} · {self.title}（{number_text(self.points)}分）"


class ValueSource(models.TextChoices):
    """Where the value an indicator is scored on comes from."""

    REPORTED = "reported", "填报值（有核定值的以核定值为准）"
    LATE_REPORTS = "late_reports", "月度调度迟报、漏报次数"
    TASK_COMPLETION = "task_completion", "牵头和配合的重点任务完成率（%）"


RULE_FIELDS = {"step": "rank_step"}
PARAMETER = dict(max_digits=14, decimal_places=4, null=True, blank=True)


class Indicator(Document):
    """One assessment indicator (考核指标 / 计分细则), its points and how it is scored.

    ``points`` is empty where the seed leaves the weight to configuration
    (the ten 科技创新指标 share 60 points "按综合考核指标计分方法折算"): such
    indicators share what their group's points leave equally. The scoring
    method and its parameters are configuration too (apps/lowcode/scoring).
    """

    doctype = "Indicator"

    group = models.ForeignKey(
        IndicatorGroup, verbose_name="指标类别", on_delete=models.CASCADE, related_name="indicators"
    )
    number = models.PositiveSmallIntegerField("序号")
    title = models.CharField("考核指标", max_length=300)
    points = models.DecimalField("分值", max_digits=6, decimal_places=2, null=True, blank=True)
    scoring_standard = models.TextField("计分标准", blank=True)
    scoring_method = models.CharField("计分方法", max_length=24, choices=Method.choices, default=Method.MANUAL)
    value_source = models.CharField(
        "取值来源", max_length=16, choices=ValueSource.choices, default=ValueSource.REPORTED
    )
    target = models.DecimalField(
        "目标值",
        **PARAMETER,
        help_text="完成率法、功效系数法：达到即得满分的值；考评对象在“考评目标”中有本年度或本周期目标的，按其目标",
    )
    floor = models.DecimalField(
        "不允许值",
        **PARAMETER,
        help_text="功效系数法：得 60% 分值的底线值；考评对象在“考评目标”中有不允许值的，按其不允许值",
    )
    cap = models.DecimalField(
        "封顶系数",
        max_digits=6,
        decimal_places=2,
        default=Decimal(1),
        help_text="完成率法：完成率超过目标的部分最多按此倍数计分，1 表示完成目标即满分",
    )
    rank_step = models.DecimalField("每降一位扣分", **PARAMETER, help_text="位次法：第一名满分，每降一位扣此分值")
    deduction = models.DecimalField("每次扣分", **PARAMETER, help_text="扣分法：每次（个）扣此分值，扣完为止")
    formula = models.CharField(
        "计分公式",
        max_length=300,
        blank=True,
        help_text="自定义公式，可用：value 计分的指标值（有核定值的初审时为核定值）；target、floor 目标值、不允许值"
        "（考评对象有本年度或本周期目标的为其目标，否则为本指标的）；official 核定值（没有时为 None）；points 分值；"
        "best、worst、average 同类最优、最差、平均值；rank 同类位次；count 同类个数。"
        "例如 min(value / target, 1.2) * points",
    )
    higher_is_better = models.BooleanField("数值越大越好", default=True, help_text="比最优法、位次法按此判断最优")

    @classmethod
    def scope_condition(cls, user):
        """Seen by those who see its plan (a county or unit user: the plans it takes part in)."""
        return in_users_plans(user, "group__plan")

    class Meta:
        verbose_name = "考评指标"
        verbose_name_plural = "考评指标"
        ordering = ["group__plan", "group__scheme", "number"]
        constraints = [models.UniqueConstraint(fields=["group", "number"], name="unique_indicator_number")]

    def autoname(self):
        group = self.group
        return f"{group.plan.name}-{SCHEME_CODES[group.scheme]}-{self.number:02d}"

    def __str__(self):
        return f"{self.number}. {self.title}"

    @property
    def weight(self) -> Decimal:
        """The points this indicator is scored out of: its own, or an equal share of what its group leaves."""
        if self.points is not None:
            return self.points
        # Itself included: an indicator being added (no pk yet, not among the saved ones) shares too.
        siblings = [i for i in self.group.indicators.all() if i.pk != self.pk] + [self]
        unset = [i for i in siblings if i.points is None]
        left = self.group.points - sum((i.points for i in siblings if i.points is not None), Decimal(0))
        return (max(left, Decimal(0)) / len(unset)).quantize(Decimal("0.01"))

    @property
    def is_bonus(self) -> bool:
        return self.group.is_bonus

    def rule(self) -> Rule:
        return Rule(
            method=self.scoring_method,
            points=self.weight,
            target=self.target,
            floor=self.floor,
            cap=self.cap,
            step=self.rank_step,
            deduction=self.deduction,
            formula=self.formula,
            higher_is_better=self.higher_is_better,
        )

    def clean(self):
        super().clean()
        if not self.group_id:
            return
        if self.points is not None and self.points > self.group.points:
            raise ValidationError({"points": f"分值不能超过所在类别的 {number_text(self.group.points)} 分"})
        if self.is_bonus:
            return
        others = self.group.indicators.exclude(pk=self.pk).exclude(points=None)
        assigned = sum((i.points for i in others), Decimal(0)) + (self.points or 0)
        if assigned > self.group.points:
            raise ValidationError(
                {
                    "points": f"{self.group.title}各指标分值合计 {number_text(assigned)} 分，"
                    f"超过该类别的 {number_text(self.group.points)} 分"
                }
            )
        errors = rule_errors(self.rule())
        if errors:  # the rule's parameter names, as this model's fields
            raise ValidationError({RULE_FIELDS.get(name, name): message for name, message in errors.items()})


class BonusRule(ChildDocument):
    """An item of the bonus catalogue (附表3-1 第15项): an event and the points it earns."""

    doctype = "Bonus Rule"

    indicator = models.ForeignKey(
        Indicator, verbose_name="考评指标", on_delete=models.CASCADE, related_name="bonus_rules"
    )
    category = models.CharField("加分类别", max_length=100, help_text="例如 高成长企业培育、科技奖励")
    item = models.CharField("加分事项", max_length=200)
    points = models.DecimalField("加分值", max_digits=5, decimal_places=2)
    per_occurrence = models.BooleanField("按个数累计", default=True, help_text="每个（次）加分；否则一次性加分")

    class Meta(ChildDocument.Meta):
        verbose_name = "加分规则"
        verbose_name_plural = "加分规则"

    def __str__(self):
        return f"{self.item}：{number_text(self.points)}分"
