from django.db import models

from apps.lowcode.doctype import ChildDocument, Document


class ActionPlan(Document):
    """The year's work plan (工作方案) as issued: its header and overall targets."""

    doctype = "Action Plan"

    year = models.PositiveSmallIntegerField("年度")
    title = models.CharField("方案标题", max_length=200)
    notice_title = models.CharField("印发通知标题", max_length=200, blank=True)
    document_number = models.CharField("发文字号", max_length=100, blank=True, help_text="例如 某科赋字〔2023〕1号")
    issuer = models.CharField("发文机关", max_length=100)
    issue_date = models.DateField("成文日期", null=True, blank=True)
    addressees = models.TextField("主送机关", blank=True)
    notice_body = models.TextField("通知正文", blank=True)
    preamble = models.TextField("方案前言", blank=True)
    overall_targets = models.TextField("总体目标", blank=True)
    safeguards = models.TextField("保障措施", blank=True)

    class Meta:
        verbose_name = "年度工作方案"
        verbose_name_plural = "年度工作方案"
        ordering = ["-year"]

    def autoname(self):
        return str(self.year)

    def __str__(self):
        return self.title


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
