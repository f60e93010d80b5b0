from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string

from apps.lowcode.doctype.events import app_hooks


class Command(BaseCommand):
    help = "载入各应用的默认配置（其 hooks.py 的 after_install：角色、默认工作流、打印格式），可重复执行"

    def handle(self, **options):
        for app, path in app_hooks("after_install"):
            import_string(path)()
            self.stdout.write(f"{app}：默认配置已载入")
