from django.db import models

from apps.innovation_action.doctype.county.model import County
from apps.lowcode.doctype import Document


class UnitKind(models.TextChoices):
    MEMBER = "领导小组成员单位", "领导小组成员单位"
    LEAD = "重点任务牵头单位", "重点任务牵头单位"
    OTHER = "其他责任单位", "其他责任单位"


class Unit(Document):
    """A city-level unit named in the task list (市科技局, a state-owned group, a county government …)."""

    doctype = "Unit"
    naming_rule = "prompt"
    allow_rename = True  # frappe.client.rename_doc; User Permissions and references follow the new name
    # City units belong to no county and are visible to every county user;
    # a county's own government unit only to that county.
    scope_paths = {"Unit": ["name"], "County": ["county__name"]}

    kind = models.CharField("单位类型", max_length=20, choices=UnitKind.choices, default=UnitKind.OTHER)
    county = models.ForeignKey(
        County,
        verbose_name="所属县（市、区）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text="县级人民政府作为责任单位时填写",
    )
    order = models.PositiveSmallIntegerField("排列顺序", default=0)

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["order", "id"]
