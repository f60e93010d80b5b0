"""Who may use the admin (the Desk): the one rule, from the user's roles.

A user is an admin (staff) user when they are a superuser or hold a role whose 角色设置 says
可进入后台 (``RoleProfile.desk_access``, Frappe's Role.desk_access). ``User.is_staff`` is that rule
stored, so Django's admin (which asks ``is_staff``) and everything else read one answer. It is derived
here whenever it could change, whatever the door: a user saved (admin form, API, import, demo
accounts), roles added to or removed from a user or a role, a role's desk access ticked or cleared, a
role deleted. Nobody sets ``is_staff`` by hand: a save puts it back to what the roles say.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from apps.lowcode.roles.model import RoleProfile

# Where users without desk access work, unless the site says otherwise (settings.WORKBENCH_URL).
WORKBENCH_URL = "/app/"


def workbench_url() -> str:
    """The workbench (``/app/``): where users without desk access work and are sent from the admin."""
    return getattr(settings, "WORKBENCH_URL", WORKBENCH_URL)


def workbench_login_url() -> str:
    """The workbench's own login page (``/app/login``)."""
    return workbench_url().rstrip("/") + "/login"


def home_page(user) -> str:
    """Where a user starts (Frappe's home_page): the admin for desk users, the workbench for the others."""
    return "/admin/" if user.is_staff else workbench_url()


def not_desk_message() -> str:
    """What the admin's login says to someone whose roles have no desk access."""
    return f"你的账号在工作台办理业务，不使用后台。请到工作台登录：{workbench_login_url()}"


def has_desk_access(user) -> bool:
    """What the rule says for ``user`` now (from the database: their saved roles)."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return Group.objects.filter(user=user, role_profile__desk_access=True).exists()


def desk_roles() -> list[str]:
    """Names of the roles with desk access, in the order they were set up."""
    return list(Group.objects.filter(role_profile__desk_access=True).order_by("pk").values_list("name", flat=True))


def set_desk_access(group: Group, desk_access: bool) -> RoleProfile:
    """Tick or clear 可进入后台 for a role; its users' ``is_staff`` follows."""
    profile, _ = RoleProfile.objects.update_or_create(group=group, defaults={"desk_access": desk_access})
    return profile


def ensure_desk_access(group: Group, default: bool) -> RoleProfile:
    """A role's setting, created with ``default`` when the role has none yet (an administrator's choice stays)."""
    profile, created = RoleProfile.objects.get_or_create(group=group, defaults={"desk_access": default})
    if created:
        refresh_staff(group.user_set.values_list("pk", flat=True))
    return profile


def refresh_staff(user_ids=None) -> int:
    """Store the rule in ``is_staff`` for these users (every user when None); how many changed."""
    User = get_user_model()
    users = User.objects.all() if user_ids is None else User.objects.filter(pk__in=list(user_ids))
    # Lists, not subqueries: MariaDB refuses an UPDATE that selects from the table it updates.
    desk = set(users.filter(groups__role_profile__desk_access=True).values_list("pk", flat=True))
    # update(), not save(): the stored rule changes nothing else (no history row, no signal loop).
    changed = users.filter(is_staff=False).filter(Q(is_superuser=True) | Q(pk__in=desk)).update(is_staff=True)
    changed += users.filter(is_staff=True, is_superuser=False).exclude(pk__in=desk).update(is_staff=False)
    return changed


@receiver(pre_save, sender=get_user_model(), dispatch_uid="lowcode.roles.desk.user_saved")
def _user_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return  # loaddata: the rows come as they were dumped; the migration or the next change derives them
    instance.is_staff = instance.is_superuser or (
        instance.pk is not None and Group.objects.filter(user__pk=instance.pk, role_profile__desk_access=True).exists()
    )


@receiver(m2m_changed, sender=get_user_model().groups.through, dispatch_uid="lowcode.roles.desk.roles_changed")
def _roles_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action == "pre_clear" and reverse:
        instance._desk_users = list(instance.user_set.values_list("pk", flat=True))
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:  # user.groups changed
        refresh_staff([instance.pk])
    elif action == "post_clear":  # group.user_set.clear()
        refresh_staff(getattr(instance, "_desk_users", []))
    else:  # group.user_set.add/remove
        refresh_staff(pk_set or [])


@receiver(post_save, sender=RoleProfile, dispatch_uid="lowcode.roles.desk.profile_saved")
@receiver(post_delete, sender=RoleProfile, dispatch_uid="lowcode.roles.desk.profile_deleted")
def _profile_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    refresh_staff(get_user_model().objects.filter(groups__pk=instance.group_id).values_list("pk", flat=True))


@receiver(pre_delete, sender=Group, dispatch_uid="lowcode.roles.desk.group_deleting")
def _group_deleting(sender, instance, **kwargs):
    instance._desk_users = list(instance.user_set.values_list("pk", flat=True))


@receiver(post_delete, sender=Group, dispatch_uid="lowcode.roles.desk.group_deleted")
def _group_deleted(sender, instance, **kwargs):
    refresh_staff(getattr(instance, "_desk_users", []))
