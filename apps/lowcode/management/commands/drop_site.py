import sys

from django.core.management.base import BaseCommand, CommandError

from sites.site_setup import SiteError, check_name, drop_site


class Command(BaseCommand):
    help = "删除站点（如 Frappe 的 bench drop-site）：删除其数据库（MariaDB）和站点文件夹（配置、SQLite 数据库、附件）"

    def add_arguments(self, parser):
        parser.add_argument("name", help="站点名")
        parser.add_argument("--yes", action="store_true", help="不再询问，直接删除")

    def handle(self, name, yes=False, **options):
        try:
            check_name(name)
            if not yes:
                if not sys.stdin.isatty():
                    raise SiteError("删除站点会丢失其全部数据：确认请加 --yes。")
                if input(f"删除站点 {name} 及其全部数据？请输入站点名确认：").strip() != name:
                    raise SiteError("未确认，站点未删除。")
            drop_site(name)
        except SiteError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(f"站点 {name} 已删除。"))
