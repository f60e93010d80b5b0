from django.apps import AppConfig


class LowcodeConfig(AppConfig):
    name = "apps.lowcode"
    label = "lowcode"
    verbose_name = "平台设置"
