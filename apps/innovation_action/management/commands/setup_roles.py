from django.core.management.base import BaseCommand

from apps.innovation_action import roles
from apps.innovation_action.services.demo_accounts import (
    DEMO_ACCOUNTS,
    DEMO_PASSWORD,
    create_demo_accounts,
)
from apps.lowcode.models import RoleProfile


class Command(BaseCommand):
    help = "建立角色（用户组）及其权限；加 --demo 同时建立各角色的演示账号"

    def add_arguments(self, parser):
        parser.add_argument("--demo", action="store_true", help="建立演示账号")

    def handle(self, demo=False, **options):
        groups = roles.sync()
        self.stdout.write("角色已就绪：" + "、".join(group.name for group in groups.values()))
        if demo:
            create_demo_accounts()
            self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
            for account in DEMO_ACCOUNTS:
                # Where each works: the admin only for roles with desk access (可进入后台); everyone has the workbench.
                desk = RoleProfile.objects.filter(group=groups[account.role], desk_access=True).exists()
                place = "工作台和后台" if desk else "工作台"
                self.stdout.write(
                    f"  {account.username:<10} {groups[account.role].name:<8} {account.full_name}（{place}）"
                )
