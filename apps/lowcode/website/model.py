from django.core.exceptions import ValidationError
from django.db import models

from apps.lowcode.doctype import Document, version

SINGLE_NAME = "Website Settings"  # the one record's name, as Frappe names a single doctype's record
DEFAULT_SITE_NAME = "科技创新工作平台"


class WebsiteSettings(Document):
    """The site's name and host organisation: one record (Frappe's single doctype Website Settings)."""

    doctype = "Website Settings"
    customizable = False

    site_name = models.CharField(
        "站点名称",
        max_length=100,
        default=DEFAULT_SITE_NAME,
        help_text="浏览器标题、后台页眉、登录页、错误页、接口文档、导出文件和 PDF 属性中显示的名称",
    )
    organisation = models.CharField(
        "主办单位",
        max_length=140,
        blank=True,
        default="",
        help_text="页脚显示的单位名称，例如 某某区科技创新工作领导小组办公室；留空则页脚显示站点名称",
    )
    welcome_sign = models.CharField(
        "登录页欢迎语", max_length=140, blank=True, default="", help_text="留空则为“欢迎使用”加站点名称"
    )

    class Meta:
        verbose_name = "站点设置"
        verbose_name_plural = "站点设置"

    def autoname(self):
        return SINGLE_NAME

    def clean(self):
        super().clean()
        self.site_name = (self.site_name or "").strip()
        if not self.site_name:
            raise ValidationError({"site_name": "请填写站点名称"})
        if WebsiteSettings.objects.exclude(pk=self.pk).exists():
            raise ValidationError("站点设置只有一条，请修改现有的那一条")

    def __str__(self):
        return "站点设置"


version.watch(WebsiteSettings)  # a change shows in every process, as customisations do
