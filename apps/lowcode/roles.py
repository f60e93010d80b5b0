"""Roles as Django groups, defined as data: {role: {"app_label.model": actions}}.

``sync_roles`` makes the groups hold exactly the permissions the spec lists,
so running it again after the spec changes adds and removes permissions.
An action is one of the model permissions (view, add, change, delete) or the
codename of a permission the model declares itself (django-rq's Dashboard: "admin").
"""

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType

ALL_ACTIONS = ("view", "add", "change", "delete")


def sync_roles(spec: dict[str, dict[str, tuple[str, ...]]]) -> dict[str, Group]:
    groups = {}
    for role, models in spec.items():
        group, _ = Group.objects.get_or_create(name=role)
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
        groups[role] = group
    return groups
