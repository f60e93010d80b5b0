from django.db import models

from apps.lowcode.doctype import Document

# The roles every site starts with (a data migration and the plan loader create them); an
# administrator adds others (牵头协调单位, 参与单位, …) as records, without code.
LEAD = "牵头"
RESPONSIBLE = "责任"
SUPPORTING = "配合"
DEFAULT_ROLES = (
    {"name": LEAD, "label": "牵头单位", "order": 1, "is_leading": True},
    {"name": RESPONSIBLE, "label": "责任单位", "order": 2, "is_leading": False},
    {"name": SUPPORTING, "label": "配合单位", "order": 3, "is_leading": False},
)


class TaskRole(Document):
    """A unit's part in a key task (牵头、责任、配合 …), as data.

    The record is named by its short name (牵头), which is what a task's unit rows
    link to and what the API and imports write; the label (牵头单位) heads the
    column of the task list. A leading role is what the task's 牵头单位 means: the
    unit shown as the task's lead, in prints and lists.
    """

    doctype = "Task Role"
    naming_rule = "prompt"

    label = models.CharField("名称", max_length=40, unique=True, help_text="例如 牵头单位、责任单位、配合单位")
    order = models.PositiveSmallIntegerField("排列顺序", default=0)
    is_leading = models.BooleanField(
        "牵头职责", default=False, help_text="担任此职责的单位即任务的牵头单位（任务清单“牵头单位”一栏）"
    )

    class Meta:
        verbose_name = "任务职责"
        verbose_name_plural = "任务职责"
        ordering = ["order", "id"]

    def __str__(self):
        return self.name

    @classmethod
    def named(cls, text: str) -> "TaskRole | None":
        """The role a cell or a client writes, by its short name (牵头) or its label (牵头单位)."""
        text = str(text).strip()
        return cls.objects.filter(name=text).first() or cls.objects.filter(label=text).first()
