from django.db import models

from apps.lowcode.doctype import Document
from apps.innovation_action.doctype.action_plan.model import ActionPlan
from apps.innovation_action.doctype.county.model import County


class Project(Document):
    """A row of 附件2 项目清单. Investment figures are in 万元."""

    doctype = "Project"
    scope_paths = {"County": ["county__name"]}

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

    def __str__(self):
        return f"{self.number}. {self.project_name}"
