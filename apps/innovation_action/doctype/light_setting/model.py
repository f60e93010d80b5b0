from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from apps.innovation_action.doctype.action_plan.model import ActionPlan, in_users_plans
from apps.lowcode.doctype import Document

DEFAULT_YELLOW_MARGIN = Decimal(10)


class LightSetting(Document):
    """红黄绿灯设置 of a plan, set by the office (services/status_lights.py reads them).

    A plan without one takes the defaults: yellow within 10 percentage points
    below 序时进度, a late report yellow.
    """

    doctype = "Light Setting"

    plan = models.OneToOneField(
        ActionPlan, verbose_name="工作方案", on_delete=models.CASCADE, related_name="light_setting"
    )
    yellow_margin = models.DecimalField(
        "黄灯幅度（百分点）",
        max_digits=5,
        decimal_places=2,
        default=DEFAULT_YELLOW_MARGIN,
        help_text="项目累计完成投资达到序时进度为绿灯；低于序时进度不超过此幅度（占序时进度的百分点）为黄灯，"
        "超过为红灯。例如 10：完成序时进度的 90% 及以上为黄灯",
    )
    late_is_yellow = models.BooleanField(
        "迟报亮黄灯", default=True, help_text="任务或考评对象的月度报告迟于截止日期报送时亮黄灯；不勾选则不计"
    )

    class Meta:
        verbose_name = "红黄绿灯设置"
        verbose_name_plural = "红黄绿灯设置"
        ordering = ["plan"]

    def autoname(self):
        return f"{self.plan.name}-灯"

    def __str__(self):
        return f"{self.plan}红黄绿灯设置" if self.plan_id else self.name

    @classmethod
    def scope_condition(cls, user) -> Q:
        return in_users_plans(user)

    def clean(self):
        super().clean()
        if self.yellow_margin is not None and not Decimal(0) <= self.yellow_margin <= Decimal(100):
            raise ValidationError({"yellow_margin": "黄灯幅度应在 0 到 100 个百分点之间"})


def setting_of(plan) -> LightSetting:
    """The plan's settings, or the defaults (unsaved) when the office has set none."""
    return LightSetting.objects.filter(plan=plan).first() or LightSetting(plan=plan)
