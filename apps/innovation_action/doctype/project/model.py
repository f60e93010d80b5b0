from django.db import models
from django.db.models import Q

from apps.innovation_action.doctype.action_plan.model import ActionPlan
from apps.innovation_action.doctype.county.model import County
from apps.lowcode.doctype import Document
from apps.lowcode.permissions import restrictions


class Project(Document):
    """A row of 附件2 项目清单. Investment figures are in 万元."""

    doctype = "Project"
    title_field = "project_name"  # what a link search shows and matches beside the name

    class Section(models.TextChoices):
        NEW = "新开工", "新开工"
        CONTINUING = "续建", "续建"

    plan = models.ForeignKey(ActionPlan, verbose_name="工作方案", on_delete=models.CASCADE, related_name="projects")
    section = models.CharField("项目类型", max_length=4, choices=Section.choices)
    number = models.PositiveSmallIntegerField("序号")
    project_name = models.CharField("项目名称", max_length=200)
    county = models.ForeignKey(County, verbose_name="隶属", on_delete=models.PROTECT, related_name="projects")
    category = models.CharField("类别", max_length=50)
    project_code = models.CharField("项目代码", max_length=50, blank=True)
    content = models.TextField("建设内容或建设规模")
    start_month = models.DateField("开工年月", help_text="按月计，取当月1日")
    end_month = models.DateField("竣工年月", help_text="按月计，取当月1日")
    construction_unit = models.CharField("建设单位", max_length=200)
    total_investment = models.DecimalField("总投资（万元）", max_digits=14, decimal_places=2)
    planned_investment = models.DecimalField("年度投资计划（万元）", max_digits=14, decimal_places=2)
    responsible_leader = models.CharField("包保责任领导", max_length=200, blank=True)

    class Meta:
        verbose_name = "重点项目"
        verbose_name_plural = "重点项目"
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="unique_project_number")]

    def autoname(self):
        return f"{self.plan.name}-P{self.number:02d}"

    @classmethod
    def scope_condition(cls, user) -> Q:
        """A project belongs to its county (附件2 项目清单 "隶属"): a county user sees their county's; a unit
        liaison the projects of the county their unit belongs to (章贡区人民政府 → 章贡区's), and none
        when the unit belongs to no county — the list links no project to a city unit (its 建设单位
        are companies, as text). Unrestricted users (office, leading group) see all. Unlike a plain
        ``scope_paths``, a project linked to none of the user's values is not shared with them."""
        allowed = restrictions(user)
        if not allowed:
            return Q()
        condition = Q(pk__in=[])
        if "County" in allowed:
            condition |= Q(county__name__in=allowed["County"])
        if "Unit" in allowed:  # a subquery: a county with several of the user's units must not repeat rows
            condition |= Q(county__in=County.objects.filter(unit__name__in=allowed["Unit"]).values("pk"))
        return condition

    def __str__(self):
        return f"{self.number}. {self.project_name}"
