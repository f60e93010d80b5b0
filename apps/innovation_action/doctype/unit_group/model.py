from django.db import models

from apps.innovation_action.doctype.unit.model import Unit
from apps.lowcode.doctype import ChildDocument, Document


class UnitGroup(Document):
    """Units a task list names together ("各街办、镇、集聚区", "各县（市、区）人民政府").

    Named in a task's unit row (the API, an xlsx import), a group stands for its
    members: the row becomes one row per member unit, in the role the row gives.
    The task keeps the units, not the group, so scope, reports and prints see
    each unit.
    """

    doctype = "Unit Group"
    naming_rule = "prompt"
    allow_rename = True

    order = models.PositiveSmallIntegerField("排列顺序", default=0)

    class Meta:
        verbose_name = "单位组"
        verbose_name_plural = "单位组"
        ordering = ["order", "id"]

    def member_units(self) -> list[Unit]:
        return [row.unit for row in self.members.select_related("unit")]


class UnitGroupMember(ChildDocument):
    doctype = "Unit Group Member"

    group = models.ForeignKey(UnitGroup, verbose_name="单位组", on_delete=models.CASCADE, related_name="members")
    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.CASCADE, related_name="group_rows")

    class Meta(ChildDocument.Meta):
        verbose_name = "成员单位"
        verbose_name_plural = "成员单位"
        constraints = [models.UniqueConstraint(fields=["group", "unit"], name="unique_unit_group_member")]

    def __str__(self):
        return str(self.unit)
