from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, Sum

from apps.innovation_action.doctype.assessee import AssesseeRecord, assessee_fields
from apps.innovation_action.doctype.assessment_period.model import AssessmentPeriod
from apps.innovation_action.doctype.county.model import County
from apps.innovation_action.doctype.indicator.model import BonusRule, Indicator, Scheme
from apps.innovation_action.doctype.plan_assessee.model import PlanAssessee
from apps.lowcode.doctype import ChildDocument, Document
from apps.lowcode.doctype.methods import doc_method
from apps.lowcode.numbers import number_text
from apps.lowcode.permissions import only_through

SCORE = dict(max_digits=6, decimal_places=2, null=True, blank=True)


class SelfAssessment(AssesseeRecord, Document):
    """自评报告: one assessee (a county, or a city unit) for one period, one line per indicator.

    The assessee fills value, self score, evidence and analysis; the office
    adds its reviewed score and 初审意见 per line; the workflow (data, see
    fixtures) carries it through 待初审 and 待审定.
    """

    doctype = "SelfAssessment"

    period = models.ForeignKey(
        AssessmentPeriod, verbose_name="考评周期", on_delete=models.PROTECT, related_name="self_assessments"
    )
    scheme = models.CharField(
        "考评方案", max_length=4, choices=Scheme.choices, blank=True, help_text="留空则按考评对象自动确定"
    )
    county, unit = assessee_fields("self_assessments")
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

    def get_title(self) -> str:
        """章贡区的2023年第一季度自评报告: what messages and lists call it."""
        if not (self.period_id and self.assessee):
            return str(self.name)
        return f"{self.assessee}的{self.period.title}{self._meta.verbose_name}"

    def __str__(self):
        return f"{self.assessee} {self.period}自评报告" if self.period_id and self.assessee else self.name

    def clean(self):
        super().clean()
        county, unit = (self._meta.get_field(name).verbose_name for name in ("county", "unit"))
        if bool(self.county_id) == bool(self.unit_id):
            raise ValidationError(f"{county}和{unit}须填写且只填写其中一个")
        expected = Scheme.COUNTY if self.county_id else Scheme.UNIT
        self.scheme = self.scheme or expected
        if self.scheme != expected:
            shown = dict(self._meta.get_field("scheme").flatchoices)[expected]  # as an administrator labelled it
            raise ValidationError({"scheme": f"{county if self.county_id else unit}应使用“{shown}”"})
        if (
            self.period_id
            and not PlanAssessee.objects.filter(
                plan_id=self.period.plan_id, county_id=self.county_id, unit_id=self.unit_id
            ).exists()
        ):
            field = "county" if self.county_id else "unit"
            raise ValidationError({field: f"{self.assessee} 不是“{self.period.plan}”的考评对象"})
        if self._state.adding and self.period_id and not self.period.is_open:
            # Reporting starts when the office opens the period (services/periods.py), for every door:
            # the API, the admin form and imports all validate here.
            raise ValidationError(
                {"period": f"“{self.period}”尚未开启，暂不能填报自评报告；请等待领导小组办公室开启考评"}
            )

    @classmethod
    def scope_condition(cls, user) -> Q:
        """A self-assessment belongs to its assessee alone: a county user sees their county's,
        a unit liaison their unit's; everyone unrestricted (office, leading group) sees all."""
        return only_through(user, {"County": ["county__name"], "Unit": ["unit__name"]})

    def indicators(self):
        return Indicator.objects.filter(group__plan=self.period.plan, group__scheme=self.scheme)

    @doc_method()
    def get_unfilled_lines(self, user, field="self_score"):
        """Lines still missing a score or their evidence, for the assessee before 提交 (run_doc_method).

        ``field`` is "self_score" (the assessee's column) or "reviewed_score" (the office's).
        """
        if field not in ("self_score", "reviewed_score"):
            raise ValidationError(f"field 应为 self_score 或 reviewed_score，而不是 {str(field)[:50]}")
        lines = self.lines.select_related("indicator").order_by("idx")
        return [
            {"name": line.name, "idx": line.idx, "indicator": line.indicator.name, "label": str(line.indicator)}
            for line in lines
            if getattr(line, field) is None or (field == "self_score" and not line.evidence.strip())
        ]

    def update_totals(self) -> None:
        totals = self.lines.aggregate(self_total=Sum("self_score"), reviewed_total=Sum("reviewed_score"))
        type(self).objects.filter(pk=self.pk).update(**totals)
        self.self_total, self.reviewed_total = totals["self_total"], totals["reviewed_total"]


class SelfAssessmentLine(ChildDocument):
    doctype = "SelfAssessment Line"

    assessment = models.ForeignKey(
        SelfAssessment, verbose_name="自评报告", on_delete=models.CASCADE, related_name="lines"
    )
    indicator = models.ForeignKey(Indicator, verbose_name="考评指标", on_delete=models.PROTECT, related_name="+")
    value = models.CharField(
        "指标值/完成情况", max_length=200, blank=True, help_text="自动计分的指标填数字（可带 %），例如 2.35"
    )
    official_value = models.DecimalField(
        "核定值",
        max_digits=20,
        decimal_places=4,
        null=True,
        blank=True,
        editable=False,
        help_text="主管部门公布或核定的数值，计分以此为准",
    )
    self_score = models.DecimalField("自评分", **SCORE)
    self_note = models.TextField("自评计分说明", blank=True, editable=False)
    evidence = models.TextField("事实依据", blank=True)
    analysis = models.TextField("分析意见", blank=True)
    reviewed_score = models.DecimalField("初审得分", **SCORE)
    reviewed_note = models.TextField("初审计分说明", blank=True, editable=False)
    review_comment = models.TextField("初审意见", blank=True, help_text="初审得分与计算得分不同时，须在此说明调整理由")
    # The office may override a computed 初审得分 (services/scoring.py): the computed score is kept
    # beside it, so that the form, the explanation and the print show both, and a recomputation
    # knows what was typed and leaves it alone.
    reviewed_computed = models.DecimalField(
        "计算得分", **SCORE, editable=False, help_text="按计分方法算出的初审得分（自动计分的指标）"
    )
    reviewed_overridden = models.BooleanField(
        "初审调整", default=False, editable=False, help_text="初审得分由领导小组办公室调整，不采用计算得分"
    )

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
        limit = self.indicator.weight
        for field in ("self_score", "reviewed_score"):
            score = getattr(self, field)
            if score is not None and not Decimal(0) <= score <= limit:
                label = self._meta.get_field(field).verbose_name
                raise ValidationError(
                    {field: f"第{self.indicator.number}项{label}应在 0 到 {number_text(limit)} 分之间"}
                )
        if self.overrides_computed_score and not self.review_comment.strip():
            # Said here too (not only by the scoring service after the save) so that a form shows it
            # beside the line and keeps what was typed.
            raise ValidationError(
                {
                    "review_comment": (
                        f"第{self.indicator.number}项的初审得分 {number_text(self.reviewed_score)} 与计算得分 "
                        f"{number_text(self.reviewed_computed)} 不同：调整计算得分须在“初审意见”中说明理由；"
                        "如不调整，请清空初审得分，将采用计算得分"
                    )
                }
            )

    @property
    def overrides_computed_score(self) -> bool:
        """The 初审得分 differs from the score computed for the line (services/scoring.py keeps both)."""
        if self.reviewed_score is None or self.reviewed_computed is None:
            return False
        return self.reviewed_score != self.reviewed_computed


class BonusClaim(ChildDocument):
    """加分申报: an event of the bonus catalogue (附表3-1 第15项) claimed with evidence, checked by the office."""

    doctype = "Bonus Claim"

    assessment = models.ForeignKey(
        SelfAssessment, verbose_name="自评报告", on_delete=models.CASCADE, related_name="bonus_claims"
    )
    rule = models.ForeignKey(BonusRule, verbose_name="加分事项", on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveSmallIntegerField("申报数量", default=1, help_text="个（次）；一次性加分的事项填 1")
    description = models.CharField(
        "具体事项", max_length=300, help_text="例如 企业名称、平台名称、获奖项目、会议或媒体"
    )
    evidence = models.TextField("佐证说明", blank=True)
    accepted_quantity = models.PositiveSmallIntegerField(
        "核定数量", null=True, blank=True, help_text="领导小组办公室核定；0 表示不予认定"
    )
    review_comment = models.TextField("核定意见", blank=True)

    class Meta(ChildDocument.Meta):
        verbose_name = "加分申报"
        verbose_name_plural = "加分申报"

    def __str__(self):
        return f"{self.rule.item}：{self.description}" if self.rule_id else self.name

    def points_for(self, quantity) -> Decimal:
        if not quantity:
            return Decimal(0)
        return self.rule.points * (quantity if self.rule.per_occurrence else 1)

    @property
    def claimed_points(self) -> Decimal:
        return self.points_for(self.quantity)

    @property
    def accepted_points(self) -> Decimal:
        return self.points_for(self.accepted_quantity)

    def clean(self):
        super().clean()
        if not self.quantity:
            raise ValidationError({"quantity": "申报数量至少为 1"})
        if self.accepted_quantity is not None and self.accepted_quantity > self.quantity:
            raise ValidationError({"accepted_quantity": f"核定数量不能超过申报数量 {self.quantity}"})
        if self.assessment_id and self.assessment.unit_id:
            raise ValidationError(f"加分项只适用于{County._meta.verbose_name}考评")
        if self.rule_id and self.assessment_id and self.rule.indicator.group.plan_id != self.assessment.period.plan_id:
            raise ValidationError({"rule": "加分事项不属于本考评周期的工作方案"})
