from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from apps.innovation_action.doctype.action_plan.model import ActionPlan
from apps.innovation_action.doctype.assessee import AssesseeRecord, assessee_fields, require_one_assessee
from apps.innovation_action.doctype.assessment_category.model import AssesseeType, AssessmentCategory
from apps.lowcode.doctype import Document
from apps.lowcode.permissions import only_through


class PlanAssessee(AssesseeRecord, Document):
    """考评对象: a county (or a district's 街办、镇) or a unit that takes part in a plan, in one of its categories.

    Opening a period creates self-assessments for these only (services/periods.py), and
    ranking, the category average and outcomes look at them (services/scoring.py, ranking.py).
    """

    doctype = "Plan Assessee"

    plan = models.ForeignKey(ActionPlan, verbose_name="工作方案", on_delete=models.CASCADE, related_name="assessees")
    category = models.ForeignKey(
        AssessmentCategory, verbose_name="考评分类", on_delete=models.PROTECT, related_name="assessees"
    )
    county, unit = assessee_fields("plan_assessees", unit_label="单位")

    class Meta:
        verbose_name = "考评对象"
        verbose_name_plural = "考评对象"
        ordering = ["plan", "category__order", "county__order", "unit__order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "county"], name="unique_plan_county"),
            models.UniqueConstraint(fields=["plan", "unit"], name="unique_plan_unit"),
        ]

    def autoname(self):
        return f"{self.plan.name}-{self.assessee.name}"

    @classmethod
    def category_of(cls, plan_id, county_id=None, unit_id=None) -> AssessmentCategory | None:
        """The category a county or unit is assessed in under a plan; None when it takes no part."""
        row = cls.objects.filter(plan_id=plan_id, county_id=county_id, unit_id=unit_id).select_related("category")
        row = row.first()
        return row.category if row else None

    def __str__(self):
        return str(self.assessee) if self.assessee else self.name

    @classmethod
    def scope_condition(cls, user) -> Q:
        """A county or unit user sees its own rows: which plans it takes part in, in which category."""
        return only_through(user, {"County": ["county__name"], "Unit": ["unit__name"]})

    def clean(self):
        super().clean()
        require_one_assessee(self)
        category = self.category if self.category_id else None
        if category is None:
            return
        if not self.plan_id:
            self.plan = category.plan
        elif category.plan_id != self.plan_id:
            raise ValidationError({"category": f"考评分类“{category}”不属于工作方案“{self.plan}”"})
        if (category.assessee_type == AssesseeType.COUNTY) != bool(self.county_id):
            kind = category.get_assessee_type_display()
            raise ValidationError({"category": f"考评分类“{category}”的考评对象应为{kind}"})
        clash = type(self).objects.filter(plan_id=self.plan_id, county=self.county, unit=self.unit).exclude(pk=self.pk)
        if clash.exists():
            raise ValidationError(f"{self.assessee} 已是本方案的考评对象")
