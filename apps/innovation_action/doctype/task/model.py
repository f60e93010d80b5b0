from django.db import models

from apps.innovation_action.doctype.action_plan.model import ActionPlan
from apps.innovation_action.doctype.liaison.model import Liaison
from apps.innovation_action.doctype.unit.model import Unit
from apps.lowcode.doctype import ChildDocument, Document


class Task(Document):
    """A row of 附件1 任务清单: one key task, its lead unit and responsible units."""

    doctype = "Task"
    # A unit sees the tasks it leads or shares; a county the tasks its
    # government takes part in, and the tasks that involve no county.
    scope_paths = {
        "Unit": ["lead_unit__name", "units__unit__name"],
        "County": ["units__unit__county__name"],
    }

    plan = models.ForeignKey(ActionPlan, verbose_name="工作方案", on_delete=models.CASCADE, related_name="tasks")
    section_number = models.PositiveSmallIntegerField("板块序号")
    section = models.CharField("任务板块", max_length=100, help_text="例如 （一）突出企业主体地位，提升研发覆盖广度")
    number = models.PositiveSmallIntegerField("序号")
    title = models.CharField("任务名称", max_length=100)
    content = models.TextField("具体任务及要求")
    lead_unit = models.ForeignKey(Unit, verbose_name="牵头单位", on_delete=models.PROTECT, related_name="led_tasks")

    class Meta:
        verbose_name = "重点任务"
        verbose_name_plural = "重点任务"
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="unique_task_number")]

    def autoname(self):
        return f"{self.plan.name}-T{self.number:02d}"

    def __str__(self):
        return f"{self.number}. {self.title}"

    @property
    def responsible_units(self) -> list[Unit]:
        return [row.unit for row in self.units.all() if row.role == TaskUnit.Role.RESPONSIBLE]

    @property
    def liaisons(self) -> list[Liaison]:
        """The liaisons of the lead and responsible units, in the task list's order."""
        return [row.liaison for row in self.units.all() if row.liaison_id]


class TaskUnit(ChildDocument):
    """A unit's part in a task (the lead unit or one responsible unit) and its liaison."""

    doctype = "Task Unit"

    class Role(models.TextChoices):
        LEAD = "牵头", "牵头单位"
        RESPONSIBLE = "责任", "责任单位"

    task = models.ForeignKey(Task, verbose_name="任务", on_delete=models.CASCADE, related_name="units")
    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.PROTECT, related_name="task_rows")
    role = models.CharField("职责", max_length=4, choices=Role.choices)
    liaison = models.ForeignKey(
        Liaison, verbose_name="联络员", null=True, blank=True, on_delete=models.SET_NULL, related_name="task_rows"
    )

    class Meta(ChildDocument.Meta):
        verbose_name = "任务单位"
        verbose_name_plural = "牵头及责任单位"
        constraints = [models.UniqueConstraint(fields=["task", "unit"], name="unique_task_unit")]

    def __str__(self):
        return f"{self.get_role_display()}：{self.unit}"
