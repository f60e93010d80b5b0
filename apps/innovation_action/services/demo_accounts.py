"""One demo account per role, for trying the system out (make run prints them), and the demo year open."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from apps.innovation_action import roles
from apps.innovation_action.models import AssessmentPeriod, Liaison
from apps.lowcode.models import UserPermission

DEMO_PASSWORD = "ganzhou2023"
# Reports are started only in a period the office has opened (SelfAssessment.clean). The demo's year is
# open, as after 开启考评, but without every county's report generated: each demo user starts their own
# (README "Demo accounts").
DEMO_OPEN_PERIODS = ("2023-Y",)


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    role: str
    scope: tuple[str, str] | None = None  # (doctype, name) the account is limited to
    liaison: str | None = None  # Liaison.name linked to the account


DEMO_ACCOUNTS = (
    DemoAccount("admin", "系统管理员", roles.ADMINISTRATOR),
    DemoAccount("office", "赋能办 初审员", roles.OFFICE),
    DemoAccount("leader", "领导小组 审定人", roles.LEADING_GROUP),
    DemoAccount("zhanggong", "章贡区 填报员", roles.COUNTY_USER, scope=("County", "章贡区")),
    DemoAccount("xinfeng", "信丰县 填报员", roles.COUNTY_USER, scope=("County", "信丰县")),
    DemoAccount(
        "gongxin", "市工信局 联络员 顾宏诚", roles.UNIT_LIAISON, scope=("Unit", "市工信局"), liaison="市工信局-顾宏诚"
    ),
)


@transaction.atomic
def create_demo_accounts(password: str = DEMO_PASSWORD) -> list[DemoAccount]:
    groups = roles.sync()
    User = get_user_model()
    for account in DEMO_ACCOUNTS:
        user, _ = User.objects.get_or_create(username=account.username)
        user.first_name = account.full_name
        # is_staff follows the roles (可进入后台): office and admin use the admin, the others the workbench.
        user.set_password(password)
        user.save()
        user.groups.set([groups[account.role]])
        if account.scope:
            allow, value = account.scope
            UserPermission.objects.get_or_create(user=user, allow=allow, for_value=value)
        if account.liaison:
            Liaison.objects.filter(name=account.liaison).update(user=user)
    AssessmentPeriod.objects.filter(name__in=DEMO_OPEN_PERIODS, opened_at=None).update(opened_at=timezone.now())
    return list(DEMO_ACCOUNTS)
