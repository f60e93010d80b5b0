from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from apps.lowcode.doctype import ChildDocument, Document
from apps.lowcode.permissions import restrictions, scope_queryset


class ActionPlan(Document):
    """A work plan (工作方案) as issued: its header, its dates and overall targets.

    A plan runs one year or several (2021–2023); a site may hold any number, several for
    the same year. Its name is the administrator's (the demo plan's is "2023"), and its periods,
    tasks and indicators are named after it (2023-Q1, 2023-T01).
    """

    doctype = "Action Plan"
    naming_rule = "prompt"
    # A county or unit user sees the plans it takes part in (as an assessee, or a unit in its tasks).
    scope_paths = {
        "County": ["assessees__county__name"],
        "Unit": ["assessees__unit__name", "tasks__lead_unit__name", "tasks__units__unit__name"],
    }

    title = models.CharField("方案标题", max_length=200)
    start_date = models.DateField("开始日期", help_text="单年度方案为当年1月1日")
    end_date = models.DateField("结束日期", help_text="单年度方案为当年12月31日；多年度方案为最后一年的12月31日")
    year = models.PositiveSmallIntegerField(
        "年度", null=True, blank=True, editable=False, help_text="单年度方案的年度，由起止日期确定；多年度方案为空"
    )
    notice_title = models.CharField("印发通知标题", max_length=200, blank=True)
    document_number = models.CharField("发文字号", max_length=100, blank=True, help_text="例如 某科赋字〔2023〕1号")
    issuer = models.CharField("发文机关", max_length=100)
    issue_date = models.DateField("成文日期", null=True, blank=True)
    addressees = models.TextField("主送机关", blank=True)
    notice_body = models.TextField("通知正文", blank=True)
    preamble = models.TextField("方案前言", blank=True)
    overall_targets = models.TextField("总体目标", blank=True)
    safeguards = models.TextField("保障措施", blank=True)
    # The words the plan's notices and forms print (print_formats/period_*.yaml, score_sheet, self_assessment_form);
    # blank ones are built from the site's data (doctype/action_plan/words.py).
    action_name = models.CharField(
        "行动名称",
        max_length=100,
        blank=True,
        help_text="通报、自评报告表和评分明细表标题中对本行动的称呼，例如 科技创新三年行动；留空则标题不写",
    )
    assessing_office = models.CharField(
        "考评组织机构",
        max_length=100,
        blank=True,
        help_text="通报正文中组织考评的机构，例如 区科技创新工作领导小组办公室；留空则用站点设置的主办单位",
    )
    notice_addressees = models.CharField(
        "通报主送机关",
        max_length=200,
        blank=True,
        help_text="考评通报的主送机关；留空则为“各”加考评对象的名称（及参加考评的单位）",
    )
    units_addressee = models.CharField(
        "参评单位统称",
        max_length=100,
        blank=True,
        help_text="通报正文对参加考评的单位的统称，例如 区直有关部门；留空则用单位考评分类的名称",
    )

    class Meta:
        verbose_name = "年度工作方案"
        verbose_name_plural = "年度工作方案"
        ordering = ["-start_date", "-end_date", "id"]

    def __str__(self):
        return self.title

    @classmethod
    def scope_condition(cls, user) -> Q:
        """Only the plans the user takes part in: unlike ``scope_paths`` alone, a plan none of whose
        assessees or task units is theirs is not shared with them (another jurisdiction's plan).
        The paths run through tables with many rows per plan: subqueries, so a plan is listed once."""
        allowed = restrictions(user)
        if not allowed:
            return Q()
        condition = Q(pk__in=[])
        for doctype, paths in cls.scope_paths.items():
            for path in paths if doctype in allowed else ():
                condition |= Q(pk__in=cls.objects.filter(**{f"{path}__in": allowed[doctype]}).values("pk"))
        return condition

    def clean(self):
        super().clean()
        if self.start_date and self.end_date and self.start_date > self.end_date:
            raise ValidationError({"end_date": "结束日期不能早于开始日期"})

    def save(self, *args, **kwargs):
        self.year = self.single_year
        super().save(*args, **kwargs)

    @property
    def single_year(self) -> int | None:
        """The year of a one-year plan; None for a plan over several years."""
        if self.start_date and self.end_date and self.start_date.year == self.end_date.year:
            return self.start_date.year
        return None

    @property
    def years(self) -> list[int]:
        return list(range(self.start_date.year, self.end_date.year + 1)) if self.start_date and self.end_date else []

    @property
    def years_text(self) -> str:
        """ "2023" or "2021—2023": the years a heading names."""
        years = self.years
        if not years:
            return ""
        return str(years[0]) if len(years) == 1 else f"{years[0]}—{years[-1]}"


class PlanTarget(ChildDocument):
    """One quantified overall target of the plan (总体目标), e.g. 认定高新技术企业 300 家."""

    doctype = "Plan Target"

    plan = models.ForeignKey(ActionPlan, verbose_name="工作方案", on_delete=models.CASCADE, related_name="targets")
    indicator = models.CharField("目标项", max_length=200)
    target = models.CharField("目标值（原文）", max_length=100, help_text="例如 1.31%、超过130亿元、前移1位")
    value = models.DecimalField("目标数值", max_digits=14, decimal_places=2, null=True, blank=True)
    unit = models.CharField("计量单位", max_length=20, blank=True)

    class Meta(ChildDocument.Meta):
        verbose_name = "总体目标"
        verbose_name_plural = "总体目标"

    def __str__(self):
        return f"{self.indicator}：{self.target}"


def in_users_plans(user, path: str = "plan") -> Q:
    """Records of the plans the user takes part in (``path`` leads to the plan): what a county or unit
    user sees of a plan's tasks, indicators, periods and categories. No condition for an unrestricted user."""
    if not restrictions(user):
        return Q()
    return Q(**{f"{path}__in": scope_queryset(user, ActionPlan).values("pk")})
