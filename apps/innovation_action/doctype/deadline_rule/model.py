from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from apps.innovation_action.doctype.action_plan.model import ActionPlan, in_users_plans
from apps.innovation_action.doctype.assessment_period.model import PeriodKind
from apps.lowcode.doctype import Document


class DeadlineDocument(models.TextChoices):
    """The documents of a period that are due: a month's 月度调度, a quarter's or the year's 自评报告."""

    PROGRESS_REPORT = "Progress Report", "月度调度"
    SELF_ASSESSMENT = "SelfAssessment", "自评报告"


class DeadlineBasis(models.TextChoices):
    NEXT_MONTH_DAY = "次月日", "次月第 N 日"
    DAYS_AFTER_END = "期满后", "周期结束后 N 日"


# Which period kinds each document is filed for.
KINDS_OF = {
    DeadlineDocument.PROGRESS_REPORT: {PeriodKind.MONTH},
    DeadlineDocument.SELF_ASSESSMENT: {PeriodKind.QUARTER, PeriodKind.YEAR},
}


class DeadlineRule(Document):
    """报送截止规则: when a kind of document of a plan is due, e.g. 月度调度 on the 5th of the next month.

    A period's own 报送截止日期 (Assessment Period.deadline) overrides the rule for that period; a
    period without one and without an enabled rule has no deadline, and nothing of it is late
    (services/deadlines.py). Rules are data the office sets per plan, not code.
    """

    doctype = "Deadline Rule"

    plan = models.ForeignKey(
        ActionPlan, verbose_name="工作方案", on_delete=models.CASCADE, related_name="deadline_rules"
    )
    document_type = models.CharField("单据类型", max_length=40, choices=DeadlineDocument.choices)
    period_kind = models.CharField("周期类型", max_length=4, choices=PeriodKind.choices)
    basis = models.CharField("截止方式", max_length=4, choices=DeadlineBasis.choices)
    days = models.PositiveSmallIntegerField(
        "N", help_text="次月第 N 日（超过当月天数按月末）；或周期结束后第 N 日（0 为结束当日）"
    )
    enabled = models.BooleanField("启用", default=True, help_text="停用后，未单独设置截止日期的周期不计逾期")

    class Meta:
        verbose_name = "报送截止规则"
        verbose_name_plural = "报送截止规则"
        ordering = ["plan", "document_type", "period_kind"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "document_type", "period_kind"], name="unique_deadline_rule")
        ]

    @classmethod
    def scope_condition(cls, user) -> Q:
        return in_users_plans(user)

    def autoname(self):
        return f"{self.plan.name}-{self.get_document_type_display()}-{self.period_kind}"

    def __str__(self):
        return f"{self.get_document_type_display()}（{self.get_period_kind_display()}）：{self.rule_text}"

    @property
    def rule_text(self) -> str:
        if self.basis == DeadlineBasis.NEXT_MONTH_DAY:
            return f"次月{self.days}日前报送"
        return f"周期结束后{self.days}日内报送" if self.days else "周期结束当日报送"

    def clean(self):
        super().clean()
        kinds = KINDS_OF.get(self.document_type)
        if kinds and self.period_kind and self.period_kind not in kinds:
            allowed = "、".join(PeriodKind(k).label for k in sorted(kinds))
            raise ValidationError({"period_kind": f"{self.get_document_type_display()}只按{allowed}周期报送"})
        if self.basis == DeadlineBasis.NEXT_MONTH_DAY and self.days is not None and not 1 <= self.days <= 31:
            raise ValidationError({"days": "次月第 N 日的 N 应在 1 到 31 之间"})
        if self.basis == DeadlineBasis.DAYS_AFTER_END and self.days is not None and self.days > 366:
            raise ValidationError({"days": "周期结束后的天数不能超过 366"})
