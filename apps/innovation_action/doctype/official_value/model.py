from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from apps.innovation_action.doctype.assessment_period.model import AssessmentPeriod
from apps.innovation_action.doctype.county.model import County
from apps.innovation_action.doctype.indicator.model import Indicator, Scheme
from apps.lowcode.doctype import Document
from apps.lowcode.numbers import number_text
from apps.lowcode.permissions import only_through


class OfficialValue(Document):
    """核定数据: a value published or confirmed by the competent department ("以各主管部门公布或核定的为准").

    It overrides the county's self-reported value when scoring; both are kept
    and shown. Imported by the office from an xlsx sheet. A county's own target is not
    official data: it is an Assessee Target (考评目标).
    """

    doctype = "Official Value"

    period = models.ForeignKey(
        AssessmentPeriod, verbose_name="考评周期", on_delete=models.CASCADE, related_name="official_values"
    )
    county = models.ForeignKey(
        County, verbose_name="县（市、区）", on_delete=models.PROTECT, related_name="official_values"
    )
    indicator = models.ForeignKey(Indicator, verbose_name="考评指标", on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField("核定值", max_digits=20, decimal_places=4)
    source = models.CharField("数据来源", max_length=100, blank=True, help_text="公布或核定的主管部门，例如 市统计局")
    note = models.CharField("备注", max_length=300, blank=True)

    class Meta:
        verbose_name = "核定数据"
        verbose_name_plural = "核定数据"
        ordering = ["period", "county__order", "indicator__number"]
        constraints = [models.UniqueConstraint(fields=["period", "county", "indicator"], name="unique_official_value")]

    def autoname(self):
        return f"{self.period.name}-{self.county.name}-{self.indicator.number:02d}"

    def __str__(self):
        return (
            f"{self.county} 第{self.indicator.number}项 {number_text(self.value)}" if self.indicator_id else self.name
        )

    def clean(self):
        super().clean()
        if self.indicator_id and self.indicator.group.scheme != Scheme.COUNTY:
            raise ValidationError({"indicator": f"核定数据只用于{County._meta.verbose_name}考评指标"})
        if self.indicator_id and self.period_id and self.indicator.group.plan_id != self.period.plan_id:
            raise ValidationError({"indicator": "考评指标不属于本考评周期的工作方案"})

    @classmethod
    def scope_condition(cls, user) -> Q:
        return only_through(user, {"County": ["county__name"]})
