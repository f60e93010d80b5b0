import sys

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from apps.lowcode.auth.passwords import password_problems
from sites.site_setup import ADMINISTRATOR, MariaDB, SiteError, new_site, read_admin_password


class Command(BaseCommand):
    help = (
        "新建站点（一个辖区一个站点，如 Frappe 的 bench new-site）：sites/NAME/site_config.json、独立的数据库、"
        "数据表、角色、默认工作流与打印格式、管理员账号 Administrator；不含任何辖区的数据"
    )

    def add_arguments(self, parser):
        parser.add_argument("name", help="站点名：小写字母、数字、_ 和 -，例如 district")
        parser.add_argument(
            "--db-type",
            choices=("mariadb", "sqlite"),
            help="数据库类型；默认：MariaDB 在 --db-host:--db-port 应答时用 MariaDB，否则用 SQLite",
        )
        parser.add_argument("--db-host", default="127.0.0.1")
        parser.add_argument("--db-port", type=int, default=3306)
        parser.add_argument("--db-user", default="root", help="建库并由站点使用的 MariaDB 账号（默认 root）")
        parser.add_argument("--db-password", default="")
        parser.add_argument("--redis-url", default="", help="例如 redis://127.0.0.1:6379/1；不给则后台任务就地执行")
        parser.add_argument(
            "--admin-password", help="管理员 Administrator 的密码；不给则读环境变量 ADMIN_PASSWORD，再不给则询问"
        )
        parser.add_argument("--force", action="store_true", help="站点或其数据库已存在时删除重建（数据全部丢失）")

    def handle(self, name, db_type=None, force=False, **options):
        server = MariaDB(options["db_host"], options["db_port"], options["db_user"], options["db_password"])
        if db_type is None:
            db_type = "mariadb" if server.answers() else "sqlite"
        try:
            password = read_admin_password(options["admin_password"], prompt=sys.stdin.isatty())
            check_password(password)
            config = new_site(
                name,
                password,
                db_type=db_type,
                server=server,
                redis_url=options["redis_url"],
                force=force,
                say=self.stdout.write,
            )
        except SiteError as exc:
            raise CommandError(str(exc)) from None
        where = f"MariaDB 数据库 {config['db_name']}" if db_type == "mariadb" else f"SQLite（sites/{name}/db.sqlite3）"
        self.stdout.write(
            self.style.SUCCESS(f"站点 {name} 已建立（{where}）。")
            + f"\n启动：SITE={name} .venv/bin/python manage.py runserver；以 {ADMINISTRATOR} 登录 /admin/。"
        )


def check_password(password: str) -> None:
    """Django's password rules, before anything is made (set_admin_password checks them again)."""
    problems = password_problems(password, get_user_model()(username=ADMINISTRATOR))
    if problems:
        raise SiteError(f"管理员密码不合要求：{problems}")
