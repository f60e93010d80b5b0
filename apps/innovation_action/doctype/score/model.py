from django.conf import settings
from django.db import models
from django.db.models import Q

from apps.innovation_action.doctype.assessee import AssesseeRecord, assessee_fields
from apps.innovation_action.doctype.assessment_period.model import AssessmentPeriod
from apps.innovation_action.doctype.indicator.model import Indicator, Scheme
from apps.innovation_action.doctype.self_assessment.model import SelfAssessment
from apps.lowcode.doctype import ChildDocument, Document

SCORE = dict(max_digits=6, decimal_places=2)


class Outcome(models.TextChoices):
    """附件3 四、考评结果运用."""

    PRAISE = "表扬", "表扬"
    INTERVIEW = "约谈", "约谈"


class Score(AssesseeRecord, Document):
    """考评得分: the result of an approved self-assessment, frozen at the leading group's approval.

    Written by the scoring service only (apps/innovation_action/services/scoring.py);
    its lines say how each indicator's score was reached. The rank and outcome
    change whenever another score of the same category and period is approved.
    """

    doctype = "Score"
    writable_as_resource = False

    period = models.ForeignKey(
        AssessmentPeriod, verbose_name="考评周期", on_delete=models.PROTECT, related_name="scores"
    )
    self_assessment = models.OneToOneField(
        SelfAssessment, verbose_name="自评报告", on_delete=models.CASCADE, related_name="score"
    )
    scheme = models.CharField("考评方案", max_length=4, choices=Scheme.choices)
    county, unit = assessee_fields("scores")
    category = models.CharField(
        "排名类别", max_length=50, help_text="考评分类的简称（一类、市直单位…）：在本类别内排名"
    )
    subtotal = models.DecimalField("指标得分", **SCORE)
    bonus_claimed = models.DecimalField("加分（核定合计）", **SCORE, default=0)
    bonus = models.DecimalField("加分（计入）", **SCORE, default=0, help_text="加分项合计，超过上限的按上限计")
    total = models.DecimalField("总分", **SCORE)
    rank = models.PositiveSmallIntegerField("类别排名", null=True, blank=True)
    outcome = models.CharField("考评结果", max_length=4, choices=Outcome.choices, blank=True)
    veto = models.BooleanField("取消评优资格", default=False)
    outcome_note = models.CharField("结果说明", max_length=300, blank=True)
    approved_at = models.DateTimeField("审定时间")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审定人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "考评得分"
        verbose_name_plural = "考评得分"
        ordering = ["period", "category", "rank", "county__order", "unit__order"]

    def autoname(self):
        return self.self_assessment.name

    def __str__(self):
        return f"{self.assessee} {self.period} 得分" if self.period_id else self.name

    @classmethod
    def scope_condition(cls, user) -> Q:
        return SelfAssessment.scope_condition(user)


class ScoreLine(ChildDocument):
    """One indicator's score and how it was reached."""

    doctype = "Score Line"

    score = models.ForeignKey(Score, verbose_name="考评得分", on_delete=models.CASCADE, related_name="lines")
    indicator = models.ForeignKey(Indicator, verbose_name="考评指标", on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField("分值", **SCORE)
    reported_value = models.CharField("填报值", max_length=200, blank=True)
    official_value = models.DecimalField("核定值", max_digits=20, decimal_places=4, null=True, blank=True)
    basis = models.CharField("计分依据", max_length=20)
    result = models.DecimalField("得分", **SCORE)
    explanation = models.TextField("计分过程")

    class Meta(ChildDocument.Meta):
        verbose_name = "得分明细"
        verbose_name_plural = "得分明细"

    def __str__(self):
        return str(self.indicator) if self.indicator_id else self.name
