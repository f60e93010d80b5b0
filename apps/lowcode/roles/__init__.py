"""Roles as Django groups, defined as data: {role key: {"app_label.model": actions}}.

``sync_roles`` makes the groups hold exactly the permissions the spec lists,
so running it again after the spec changes adds and removes permissions.
An action is one of the model permissions (view, add, change, delete) or the
codename of a permission the model declares itself (django-rq's Dashboard: "admin").

A role has two identities, as in Frappe: the code names it by a stable key
(``county_user``, a RoleKey row), users read its group's name (县级填报员). An
administrator renames the group in the admin and the new name shows everywhere at
once: users' forms, the role list, messages built with ``role_name``; the texts
that name roles (a workflow's allowed roles) follow through ``role_renamed``, as
Frappe's rename_doc updates every link to a renamed Role.
"""

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import post_save, pre_save
from django.dispatch import Signal, receiver

from apps.lowcode.roles.model import RoleKey

ALL_ACTIONS = ("view", "add", "change", "delete")

# Sent after a group's name changed, with ``old_name`` and ``new_name``: whoever stores role names as text
# rewrites them (apps/lowcode/workflow/model.py), in the transaction of the rename.
role_renamed = Signal()


def sync_roles(
    spec: dict[str, dict[str, tuple[str, ...]]], names: dict[str, str], desk_access: dict[str, bool] | None = None
) -> dict[str, Group]:
    """{key: group}: each role of ``spec`` found by its key (created under ``names[key]`` when new).

    ``desk_access`` is each role's default 可进入后台 (roles/desk.py), given to a role that has no setting
    yet; an administrator's later choice stays."""
    from apps.lowcode.roles import desk

    groups = {}
    for key, models in spec.items():
        group = role_group(key, standard_name=names[key])
        permissions = []
        for model_label, actions in models.items():
            app_label, model = model_label.lower().split(".")
            content_type = ContentType.objects.get(app_label=app_label, model=model)
            for action in actions:
                permissions.append(
                    Permission.objects.get(
                        content_type=content_type, codename=f"{action}_{model}" if action in ALL_ACTIONS else action
                    )
                )
        group.permissions.set(permissions)
        desk.ensure_desk_access(group, (desk_access or {}).get(key, False))
        groups[key] = group
    return groups


def role_group(key: str, standard_name: str | None = None) -> Group:
    """The group of the role ``key``, whatever it is called now.

    With ``standard_name`` a role not yet on the site is set up: the group of that name (a site from before
    role keys) is adopted, else created."""
    found = RoleKey.objects.select_related("group").filter(key=key).first()
    if found is not None:
        return found.group
    if standard_name is None:
        raise Group.DoesNotExist(f"角色“{key}”不存在")
    group, _ = Group.objects.get_or_create(name=standard_name)
    RoleKey.objects.update_or_create(group=group, defaults={"key": key, "standard_name": standard_name})
    return group


def role_name(key: str, default: str = "") -> str:
    """The name users read for the role ``key`` (its group's current name); ``default`` where it is missing."""
    name = Group.objects.filter(role_key__key=key).values_list("name", flat=True).first()
    return name or default or key


def current_role_name(name: str) -> str:
    """A role named in shipped configuration (a default workflow) as this site calls it now: a group of that
    name, else the role whose standard name or key it is, else the name unchanged (reported as unknown)."""
    if Group.objects.filter(name=name).exists():
        return name
    found = RoleKey.objects.filter(standard_name=name).first() or RoleKey.objects.filter(key=name).first()
    return found.group.name if found is not None else name


def roles_holding(permission: str) -> list[str]:
    """Names of the roles granted ``app_label.codename``, in the order they were set up."""
    app_label, codename = permission.split(".", 1)
    return list(
        Group.objects.filter(permissions__content_type__app_label=app_label, permissions__codename=codename)
        .order_by("pk")
        .values_list("name", flat=True)
    )


def roles_phrase(permission: str, default: str = "系统管理员") -> str:
    """“领导小组办公室或系统管理员”: who may do what ``permission`` allows, for a message saying so."""
    return "或".join(roles_holding(permission)) or default


@receiver(pre_save, sender=Group, dispatch_uid="lowcode.roles.remember_name")
def _remember_name(sender, instance: Group, raw=False, **kwargs):
    instance._saved_name = (
        None
        if raw or instance.pk is None
        else Group.objects.filter(pk=instance.pk).values_list("name", flat=True).first()
    )


@receiver(post_save, sender=Group, dispatch_uid="lowcode.roles.announce_rename")
def _announce_rename(sender, instance: Group, created=False, raw=False, **kwargs):
    old_name = getattr(instance, "_saved_name", None)
    if not created and not raw and old_name and old_name != instance.name:
        role_renamed.send(sender=Group, group=instance, old_name=old_name, new_name=instance.name)
    instance._saved_name = instance.name
