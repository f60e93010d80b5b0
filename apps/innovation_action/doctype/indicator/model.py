from django.db import models

from apps.lowcode.doctype import ChildDocument, Document
from apps.innovation_action.doctype.action_plan.model import ActionPlan


def points_text(value) -> str:
    """10.00 → "10", 2.50 → "2.5": points as the scheme writes them."""
    return format(value.normalize(), "f")


class Scheme(models.TextChoices):
    """The two indicator tables of 附件3."""

    COUNTY = "县级", "县（市、区）考评指标（附表3-1）"
    UNIT = "市直", "市直单位考评指标（附表3-2）"


SCHEME_CODES = {Scheme.COUNTY: "C", Scheme.UNIT: "U"}


class IndicatorGroup(Document):
    """A block of an indicator table with its points, e.g. 政策保障（25分）."""

    doctype = "Indicator Group"

    plan = models.ForeignKey(ActionPlan, verbose_name="工作方案", on_delete=models.CASCADE, related_name="indicator_groups")
    scheme = models.CharField("考评方案", max_length=4, choices=Scheme.choices)
    order = models.PositiveSmallIntegerField("顺序")
    title = models.CharField("指标类别", max_length=100)
    points = models.DecimalField("分值", max_digits=6, decimal_places=2)
    is_bonus = models.BooleanField("加分项", default=False, help_text="加分项的分值为加分上限")

    class Meta:
        verbose_name = "指标类别"
        verbose_name_plural = "指标类别"
        ordering = ["plan", "scheme", "order"]
        constraints = [models.UniqueConstraint(fields=["plan", "scheme", "order"], name="unique_indicator_group")]

    def autoname(self):
        return f"{self.plan.name}-{SCHEME_CODES[self.scheme]}{self.order}"

    def __str__(self):
        return f"{self.get_scheme_display()} · {self.title}（{points_text(self.points)}分）"


class Indicator(Document):
    """One assessment indicator (考核指标 / 计分细则) and its points.

    ``points`` is empty where the seed leaves the weight to configuration
    (the ten 科技创新指标 share 60 points "按综合考核指标计分方法折算").
    """

    doctype = "Indicator"

    group = models.ForeignKey(IndicatorGroup, verbose_name="指标类别", on_delete=models.CASCADE, related_name="indicators")
    number = models.PositiveSmallIntegerField("序号")
    title = models.CharField("考核指标", max_length=300)
    points = models.DecimalField("分值", max_digits=6, decimal_places=2, null=True, blank=True)
    scoring_standard = models.TextField("计分标准", blank=True)

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


class BonusRule(ChildDocument):
    """An item of the bonus catalogue (附表3-1 第15项): an event and the points it earns."""

    doctype = "Bonus Rule"

    indicator = models.ForeignKey(Indicator, verbose_name="考评指标", on_delete=models.CASCADE, related_name="bonus_rules")
    category = models.CharField("加分类别", max_length=100, help_text="例如 高成长企业培育、科技奖励")
    item = models.CharField("加分事项", max_length=200)
    points = models.DecimalField("加分值", max_digits=5, decimal_places=2)
    per_occurrence = models.BooleanField("按个数累计", default=True, help_text="每个（次）加分；否则一次性加分")

    class Meta(ChildDocument.Meta):
        verbose_name = "加分规则"
        verbose_name_plural = "加分规则"

    def __str__(self):
        return f"{self.item}：{points_text(self.points)}分"
