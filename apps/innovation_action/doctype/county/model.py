from django.db import models

from apps.lowcode.doctype import Document


class County(Document):
    """A county-level area assessed under 附表3-1 (县、市、区 and the two development zones; a district's 街办、镇).

    Which plans it takes part in, and in which category, is the plans' (Plan Assessee)."""

    doctype = "County"
    naming_rule = "prompt"
    allow_rename = True  # frappe.client.rename_doc; User Permissions and references follow the new name
    # A county user (User Permission on County) sees their own county only.
    scope_paths = {"County": ["name"]}

    order = models.PositiveSmallIntegerField("排列顺序", default=0)
    aliases = models.CharField(
        "简称/别名",
        max_length=200,
        blank=True,
        help_text="多个以顿号分隔；导入数据时按别名识别同一县（市、区），例如 全称“东湖新区”、简称“东湖”",
    )

    averaged_indicators = models.ManyToManyField(
        "innovation_action.Indicator",
        verbose_name="按同类平均得分计算的指标",
        blank=True,
        related_name="+",
        help_text="附件3：有关科技创新指标难以单独统计的，按同类县（市、区）平均得分计算",
    )

    class Meta:
        verbose_name = "县（市、区）"
        verbose_name_plural = "县（市、区）"
        ordering = ["order", "id"]

    def alias_list(self) -> list[str]:
        return [a.strip() for a in self.aliases.replace(",", "、").split("、") if a.strip()]

    @classmethod
    def resolve(cls, text: str) -> "County":
        """The County a name or alias refers to (a project list may write a county by its short name)."""
        text = text.strip()
        county = cls.objects.filter(name=text).first()
        if county:
            return county
        for county in cls.objects.exclude(aliases=""):
            if text in county.alias_list():
                return county
        raise cls.DoesNotExist(f"没有名为“{text}”的{cls._meta.verbose_name}")
