from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, Sum

from apps.lowcode.doctype import ChildDocument, Document
from apps.lowcode.permissions import restrictions
from apps.innovation_action.doctype.assessment_period.model import AssessmentPeriod
from apps.innovation_action.doctype.county.model import County
from apps.innovation_action.doctype.indicator.model import Indicator, Scheme, points_text
from apps.innovation_action.doctype.unit.model import Unit

SCORE = dict(max_digits=6, decimal_places=2, null=True, blank=True)


class SelfAssessment(Document):
    """自评报告: one assessee (a county, or a city unit) for one period, one line per indicator.

    The assessee fills value, self score, evidence and analysis; the office
    adds its reviewed score and 初审意见 per line; the workflow (data, see
    fixtures) carries it through 待初审 and 待审定.
    """

    doctype = "SelfAssessment"

    period = models.ForeignKey(AssessmentPeriod, verbose_name="考评周期", on_delete=models.PROTECT,
                               related_name="self_assessments")
    scheme = models.CharField("考评方案", max_length=4, choices=Scheme.choices, blank=True,
                              help_text="留空则按考评对象自动确定")
    county = models.ForeignKey(County, verbose_name="县（市、区）", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="self_assessments")
    unit = models.ForeignKey(Unit, verbose_name="市直单位", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="self_assessments")
    summary = models.TextField("自评总体情况", blank=True)
    self_total = models.DecimalField("自评总分", **SCORE, editable=False)
    reviewed_total = models.DecimalField("初审总分", **SCORE, editable=False)

    class Meta:
        verbose_name = "自评报告"
        verbose_name_plural = "自评报告"
        ordering = ["period", "county__order", "unit__order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["period", "county"], name="unique_county_self_assessment"),
            models.UniqueConstraint(fields=["period", "unit"], name="unique_unit_self_assessment"),
        ]

    def autoname(self):
        return f"{self.period.name}-{self.assessee.name}"

    @property
    def assessee(self):
        return self.county or self.unit

    def __str__(self):
        return f"{self.assessee} {self.period}自评报告" if self.period_id and self.assessee else self.name

    def clean(self):
        super().clean()
        if bool(self.county_id) == bool(self.unit_id):
            raise ValidationError("县（市、区）和市直单位须填写且只填写其中一个")
        expected = Scheme.COUNTY if self.county_id else Scheme.UNIT
        self.scheme = self.scheme or expected
        if self.scheme != expected:
            raise ValidationError({"scheme": f"{'县（市、区）' if self.county_id else '市直单位'}应使用“{expected.label}”"})
        if self.unit_id and not self.unit.is_assessed:
            raise ValidationError({"unit": f"{self.unit} 不是市直单位考评对象"})

    @classmethod
    def scope_condition(cls, user) -> Q:
        """A self-assessment belongs to its assessee alone: a county user sees their county's,
        a unit liaison their unit's; everyone unrestricted (office, leading group) sees all."""
        allowed = restrictions(user)
        if not allowed:
            return Q()
        condition = Q(pk__in=[])
        if "County" in allowed:
            condition |= Q(county__name__in=allowed["County"])
        if "Unit" in allowed:
            condition |= Q(unit__name__in=allowed["Unit"])
        return condition

    def indicators(self):
        return Indicator.objects.filter(group__plan=self.period.plan, group__scheme=self.scheme)

    def update_totals(self) -> None:
        totals = self.lines.aggregate(self_total=Sum("self_score"), reviewed_total=Sum("reviewed_score"))
        type(self).objects.filter(pk=self.pk).update(**totals)
        self.self_total, self.reviewed_total = totals["self_total"], totals["reviewed_total"]


class SelfAssessmentLine(ChildDocument):
    doctype = "SelfAssessment Line"

    assessment = models.ForeignKey(SelfAssessment, verbose_name="自评报告", on_delete=models.CASCADE,
                                   related_name="lines")
    indicator = models.ForeignKey(Indicator, verbose_name="考评指标", on_delete=models.PROTECT, related_name="+")
    value = models.CharField("指标值/完成情况", max_length=200, blank=True)
    self_score = models.DecimalField("自评分", **SCORE)
    evidence = models.TextField("事实依据", blank=True)
    analysis = models.TextField("分析意见", blank=True)
    reviewed_score = models.DecimalField("初审得分", **SCORE)
    review_comment = models.TextField("初审意见", blank=True)

    class Meta(ChildDocument.Meta):
        verbose_name = "自评明细"
        verbose_name_plural = "自评明细"
        constraints = [models.UniqueConstraint(fields=["assessment", "indicator"], name="unique_assessment_indicator")]

    def __str__(self):
        return str(self.indicator) if self.indicator_id else self.name

    def clean(self):
        super().clean()
        if not self.indicator_id:
            return
        limit = self.indicator.points if self.indicator.points is not None else self.indicator.group.points
        for field in ("self_score", "reviewed_score"):
            score = getattr(self, field)
            if score is not None and not Decimal(0) <= score <= limit:
                label = self._meta.get_field(field).verbose_name
                raise ValidationError({field: f"第{self.indicator.number}项{label}应在 0 到 {points_text(limit)} 分之间"})
