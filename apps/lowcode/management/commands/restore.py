from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sites.restore import restore
from sites.site_setup import MariaDB, SiteError


class Command(BaseCommand):
    help = (
        "把站点备份（manage.py backup 的 .tar.gz）恢复为一个新站点（如 Frappe 的 bench restore）：先校验整个备份，"
        "再建站点、载入数据库、放回附件；新站点有自己的数据库和密钥。站点已存在时拒绝，除非加 --force"
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="备份文件，例如 sites/prod/backups/20261128_020000-prod-backup.tar.gz")
        parser.add_argument("--site", required=True, help="新站点名：小写字母、数字、_ 和 -")
        parser.add_argument("--db-host", default="127.0.0.1", help="MariaDB 备份：新数据库所在的服务器")
        parser.add_argument("--db-port", type=int, default=3306)
        parser.add_argument("--db-user", default="root", help="建库并由新站点使用的 MariaDB 账号（默认 root）")
        parser.add_argument("--db-password", default="")
        parser.add_argument("--redis-url", default="", help="新站点的 Redis，例如 redis://127.0.0.1:6379/2")
        parser.add_argument(
            "--force", action="store_true", help="站点或其数据库已存在时删除并用备份替换（现有数据全部丢失）"
        )

    def handle(self, archive, site, force=False, **options):
        server = MariaDB(options["db_host"], options["db_port"], options["db_user"], options["db_password"])
        try:
            manifest = restore(Path(archive), site, server, options["redis_url"], force=force, say=self.stdout.write)
        except SiteError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"已把站点 {manifest['site']} 于 {manifest['created']} 的备份恢复为站点 {site}"
                f"（附件 {manifest['file_count']} 个）。"
            )
            + f"\n启动：SITE={site} .venv/bin/python manage.py runserver；原有账号和密码照旧，登录会话需重新登录。"
        )
