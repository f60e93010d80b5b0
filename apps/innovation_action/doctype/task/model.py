from django.db import models

from apps.innovation_action.doctype.action_plan.model import ActionPlan, in_users_plans
from apps.innovation_action.doctype.liaison.model import Liaison
from apps.innovation_action.doctype.task_role.model import RESPONSIBLE, TaskRole
from apps.innovation_action.doctype.unit.model import Unit
from apps.lowcode.doctype import ChildDocument, Document
from apps.lowcode.permissions import paths_condition


class Task(Document):
    """A row of 附件1 任务清单: one key task and the units taking part in it, each in a role.

    The unit rows are the one source of truth: ``lead_unit`` is kept by the
    server from the first row in a leading role (events.sync_lead_unit), so lists,
    filters and API clients still read a task's 牵头单位 as one field. A client
    writing ``lead_unit`` (an API call, an xlsx column) writes that row
    (events.prepare_units).
    """

    doctype = "Task"
    title_field = "title"  # what a link search shows and matches beside the name
    # A unit sees the tasks it takes part in, in any role; a county the tasks its
    # government takes part in, and the tasks that involve no county.
    scope_paths = {
        "Unit": ["units__unit__name"],
        "County": ["units__unit__county__name"],
    }

    @classmethod
    def scope_condition(cls, user):
        """What ``scope_paths`` allow, in the plans the user takes part in: a task that involves no county
        is shared with every county of its own plan, not with another jurisdiction's users."""
        return paths_condition(user, cls) & in_users_plans(user)

    plan = models.ForeignKey(ActionPlan, verbose_name="工作方案", on_delete=models.CASCADE, related_name="tasks")
    section_number = models.PositiveSmallIntegerField("板块序号")
    section = models.CharField("任务板块", max_length=100, help_text="例如 （一）突出企业主体地位，提升研发覆盖广度")
    number = models.PositiveSmallIntegerField("序号")
    title = models.CharField("任务名称", max_length=100)
    content = models.TextField("具体任务及要求")
    lead_unit = models.ForeignKey(
        Unit,
        verbose_name="牵头单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_tasks",
        help_text="即单位表中担任牵头职责的单位；填写此栏即设置单位表的牵头行",
    )

    class Meta:
        verbose_name = "重点任务"
        verbose_name_plural = "重点任务"
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="unique_task_number")]

    def autoname(self):
        return f"{self.plan.name}-T{self.number:02d}"

    def __str__(self):
        return f"{self.number}. {self.title}"

    def units_in(self, role_name: str) -> list[Unit]:
        """The units holding one role (by its short name), in the table's order."""
        return [row.unit for row in self.units.all() if row.role_id and row.role.name == role_name]

    @property
    def lead_units(self) -> list[Unit]:
        """The units in a leading role; usually one, the task's 牵头单位."""
        return list(dict.fromkeys(row.unit for row in self.units.all() if row.role.is_leading))

    @property
    def responsible_units(self) -> list[Unit]:
        return self.units_in(RESPONSIBLE)

    def units_by_role(self) -> list[tuple[TaskRole, list[Unit]]]:
        """Each role the task has, in the roles' order, with its units in the table's order."""
        by_role: dict[int, tuple[TaskRole, list[Unit]]] = {}
        for row in self.units.all():
            by_role.setdefault(row.role_id, (row.role, []))[1].append(row.unit)
        return sorted(by_role.values(), key=lambda pair: (pair[0].order, pair[0].pk))

    @property
    def liaisons(self) -> list[Liaison]:
        """The liaisons of the task's units, in the task list's order, each once."""
        return list(dict.fromkeys(row.liaison for row in self.units.all() if row.liaison_id))


class TaskUnit(ChildDocument):
    """A unit's part in a task (牵头、责任、配合 …) and its liaison; one unit may hold several roles."""

    doctype = "Task Unit"

    task = models.ForeignKey(Task, verbose_name="任务", on_delete=models.CASCADE, related_name="units")
    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.PROTECT, related_name="task_rows")
    role = models.ForeignKey(TaskRole, verbose_name="职责", on_delete=models.PROTECT, related_name="task_rows")
    liaison = models.ForeignKey(
        Liaison, verbose_name="联络员", null=True, blank=True, on_delete=models.SET_NULL, related_name="task_rows"
    )

    class Meta(ChildDocument.Meta):
        verbose_name = "任务单位"
        # The table's label, as the task list's heading and the import template's columns know it.
        verbose_name_plural = "牵头及责任单位"
        constraints = [models.UniqueConstraint(fields=["task", "unit", "role"], name="unique_task_unit_role")]

    def __str__(self):
        return f"{self.role.label if self.role_id else ''}：{self.unit}"
