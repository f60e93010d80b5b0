from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from apps.innovation_action.doctype.action_plan.model import ActionPlan
from apps.innovation_action.doctype.assessee import AssesseeRecord, assessee_fields, require_one_assessee
from apps.lowcode.doctype import Document
from apps.lowcode.permissions import only_through


class IntegrityCase(AssesseeRecord, Document):
    """科研诚信问题: a major case in a county or unit removes its eligibility for praise that year (附件3 五)."""

    doctype = "Integrity Case"

    plan = models.ForeignKey(
        ActionPlan, verbose_name="工作方案", on_delete=models.CASCADE, related_name="integrity_cases"
    )
    county, unit = assessee_fields("integrity_cases")
    title = models.CharField("问题概述", max_length=200)
    found_on = models.DateField("认定日期")
    is_major = models.BooleanField(
        "重大科研诚信问题", default=True, help_text="重大问题取消所在地该年度评先评优资格；一般问题仅作记录"
    )
    description = models.TextField("详细情况", blank=True)

    class Meta:
        verbose_name = "科研诚信问题"
        verbose_name_plural = "科研诚信问题"
        ordering = ["plan", "found_on", "id"]

    def autoname(self):
        return f"{self.plan.name}-IC-{self.found_on:%m%d}-{(self.county or self.unit).name}"

    def __str__(self):
        return f"{self.county or self.unit}：{self.title}"

    def clean(self):
        super().clean()
        require_one_assessee(self)
        plan = self.plan if self.plan_id else None
        if plan and self.found_on and not plan.start_date <= self.found_on <= plan.end_date:
            within = (
                f"{plan.year} 年内" if plan.year else f"工作方案的起止日期（{plan.start_date} 至 {plan.end_date}）之内"
            )
            raise ValidationError({"found_on": f"认定日期应在{' ' if plan.year else ''}{within}"})

    @classmethod
    def scope_condition(cls, user) -> Q:
        return only_through(user, {"County": ["county__name"], "Unit": ["unit__name"]})
