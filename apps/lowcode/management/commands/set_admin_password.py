import sys

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from apps.lowcode.auth.passwords import password_problems
from sites.site_setup import ADMINISTRATOR, SiteError, read_admin_password


class Command(BaseCommand):
    help = f"设置管理员 {ADMINISTRATOR} 的密码（账号不存在时建立，如 Frappe 的 set-admin-password）"

    def add_arguments(self, parser):
        parser.add_argument("--password", help="新密码；不给则读环境变量 ADMIN_PASSWORD，再不给则询问")

    def handle(self, password=None, **options):
        try:
            password = read_admin_password(password, prompt=sys.stdin.isatty())
        except SiteError as exc:
            raise CommandError(str(exc)) from None
        User = get_user_model()
        with transaction.atomic():
            user = User.objects.filter(username=ADMINISTRATOR).first() or User(username=ADMINISTRATOR)
            problems = password_problems(password, user)
            if problems:
                raise CommandError(f"管理员密码不合要求：{problems}")
            user.first_name = "管理员"
            user.is_staff = user.is_superuser = user.is_active = True
            user.set_password(password)
            user.save()
        self.stdout.write(f"{ADMINISTRATOR} 的密码已设置。")
