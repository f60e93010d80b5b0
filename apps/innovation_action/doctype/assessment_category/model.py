from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from apps.innovation_action.doctype.action_plan.model import ActionPlan, in_users_plans
from apps.innovation_action.doctype.indicator.model import Scheme
from apps.lowcode.doctype import Document

CHINESE_DIGITS = "零一二三四五六七八九十"


class AssesseeType(models.TextChoices):
    """What a category ranks: county-level areas (县、市、区, or a district's 街办、镇) or units."""

    COUNTY = "County", "县（市、区）"
    UNIT = "Unit", "单位"


SCHEMES = {AssesseeType.COUNTY: Scheme.COUNTY, AssesseeType.UNIT: Scheme.UNIT}


def chinese_count(n: int) -> str:
    """3 → 三, 12 → 十二: how a rule writes 名次前三."""
    if n <= 10:
        return CHINESE_DIGITS[n]
    tens, ones = divmod(n, 10)
    return f"{CHINESE_DIGITS[tens] if tens > 1 else ''}十{CHINESE_DIGITS[ones] if ones else ''}"


class AssessmentCategory(Document):
    """考评分类 of a plan (附件3 三、（一）分类考评): assessees are ranked only within their category.

    A plan names its own: the demo plan's 一类/二类/三类县（市、区） and 市直单位, a district's 街办/镇.
    How many of a category are praised (表扬, from the top) and interviewed (约谈, from the
    bottom) is the category's; a category with neither (市直单位) is ranked without outcomes.
    """

    doctype = "Assessment Category"

    plan = models.ForeignKey(ActionPlan, verbose_name="工作方案", on_delete=models.CASCADE, related_name="categories")
    title = models.CharField(
        "类别名称", max_length=100, help_text="排名表的标题，例如 一类县（市、区）、市直单位、街办"
    )
    short_name = models.CharField(
        "简称", max_length=50, help_text="排名和计分说明中的称呼，例如 一类；同一方案内不能重复"
    )
    order = models.PositiveSmallIntegerField("排列顺序", default=0)
    assessee_type = models.CharField(
        "考评对象类型", max_length=10, choices=AssesseeType.choices, default=AssesseeType.COUNTY
    )
    praised = models.PositiveSmallIntegerField("表扬名额", default=3, help_text="名次在前的几名（含并列）予以表扬")
    interviewed = models.PositiveSmallIntegerField(
        "约谈名额", default=1, help_text="名次在后的几名（含并列）由领导小组组长约谈；均为 0 则只排名"
    )
    rule = models.TextField("排名说明", blank=True, help_text="留空则按表扬、约谈名额生成")

    class Meta:
        verbose_name = "考评分类"
        verbose_name_plural = "考评分类"
        ordering = ["plan", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "short_name"], name="unique_category_short_name"),
        ]

    def autoname(self):
        return f"{self.plan.name}-{self.short_name}"

    @classmethod
    def scope_condition(cls, user) -> Q:
        """Seen by those who see its plan (a county user, the plans it takes part in)."""
        return in_users_plans(user)

    def __str__(self):
        return self.title

    @property
    def scheme(self) -> str:
        """The indicator table its assessees are scored on (附表3-1 or 3-2)."""
        return SCHEMES[self.assessee_type]

    @property
    def has_outcomes(self) -> bool:
        return bool(self.praised or self.interviewed)

    @property
    def rule_text(self) -> str:
        """The ranking rule shown with the category's table: the category's own, or one from its numbers."""
        if self.rule.strip():
            return self.rule.strip()
        if not self.has_outcomes:
            return f"{self.short_name}按总分排名。"
        outcomes = []
        if self.praised:
            outcomes.append(f"名次前{chinese_count(self.praised)}（含并列）予以表扬")
        if self.interviewed:
            last = "末位" if self.interviewed == 1 else f"末{chinese_count(self.interviewed)}位"
            outcomes.append(f"{last}（含并列）由领导小组组长约谈")
        parts = ["并列者名次相同，其后名次顺延（如 1、2、2、4）", "，".join(outcomes)]
        if self.praised:
            parts.append("发生重大科研诚信问题的取消当年评优资格，不予表扬")
        return "；".join(parts) + "。"

    def clean(self):
        super().clean()
        self.short_name = (self.short_name or "").strip()
        if self.plan_id and self.short_name:
            clash = type(self).objects.filter(plan_id=self.plan_id, short_name=self.short_name).exclude(pk=self.pk)
            if clash.exists():
                raise ValidationError({"short_name": f"本方案已有简称为“{self.short_name}”的考评分类"})
        if self.pk and self.assessee_type:
            other = self.assessees.exclude(**{f"{self.assessee_field}__isnull": False}).first()
            if other is not None:
                raise ValidationError({"assessee_type": f"{other.assessee} 已在本分类中，类型不符，请先调整考评对象"})

    @property
    def assessee_field(self) -> str:
        return "county" if self.assessee_type == AssesseeType.COUNTY else "unit"
