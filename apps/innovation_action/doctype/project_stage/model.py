from django.db import models

from apps.lowcode.doctype import Document

# The stages every site starts with (a data migration and the site's defaults create them); the office adds
# others (规划、试生产, …) as records in the admin, without code or a migration.
DEFAULT_STAGES = (
    {"name": "前期", "order": 1, "is_default": False},
    {"name": "在建", "order": 2, "is_default": True},
    {"name": "竣工", "order": 3, "is_default": False},
    {"name": "投产", "order": 4, "is_default": False},
    {"name": "停缓建", "order": 5, "is_default": False},
)


class ProjectStage(Document):
    """A stage a county reports its key project in (项目月报的项目阶段: 前期、在建、竣工 …), as data.

    The record is named by the stage (在建), which is what a report links to and what the API and
    imports write. The default one is what a new report says when the county leaves it empty.
    """

    doctype = "Project Stage"
    naming_rule = "prompt"
    allow_rename = True

    order = models.PositiveSmallIntegerField("排列顺序", default=0)
    is_default = models.BooleanField("默认阶段", default=False, help_text="新填项目月报未选阶段时取此阶段")

    class Meta:
        verbose_name = "项目阶段"
        verbose_name_plural = "项目阶段"
        ordering = ["order", "id"]

    def __str__(self):
        return self.name

    @classmethod
    def default(cls) -> "ProjectStage | None":
        """The stage a new report starts in: the one marked default, else the first in order."""
        return cls.objects.filter(is_default=True).order_by("order", "id").first() or cls.objects.first()


def default_stage() -> int | None:
    """The default stage's id: the field's default, so that every way of making a report (the ORM too) has one."""
    stage = ProjectStage.default()
    return stage.pk if stage else None
