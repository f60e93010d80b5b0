"""Roles get their 可进入后台 (lowcode RoleProfile.desk_access) and every user's is_staff follows their roles:
county users and unit liaisons, admin users until now, work only in the workbench from here on (issue 18)."""

from django.db import migrations

# Frozen: apps/innovation_action/roles.py DESK_ACCESS when desk access came in.
DESK_ACCESS = {
    "county_user": False,
    "unit_liaison": False,
    "office": True,
    "leading_group": True,
    "administrator": True,
}


def derive_staff(apps, schema_editor):
    RoleKey = apps.get_model("lowcode", "RoleKey")
    RoleProfile = apps.get_model("lowcode", "RoleProfile")
    User = apps.get_model("auth", "User")
    for role_key in RoleKey.objects.filter(key__in=DESK_ACCESS):
        RoleProfile.objects.get_or_create(
            group_id=role_key.group_id, defaults={"desk_access": DESK_ACCESS[role_key.key]}
        )
    # The rule of apps/lowcode/roles/desk.py, frozen: a superuser, or a role with desk access.
    desk = set(User.objects.filter(groups__role_profile__desk_access=True).values_list("pk", flat=True))
    staff = desk | set(User.objects.filter(is_superuser=True).values_list("pk", flat=True))
    User.objects.filter(pk__in=staff).update(is_staff=True)
    User.objects.exclude(pk__in=staff).update(is_staff=False)


class Migration(migrations.Migration):
    dependencies = [
        ("innovation_action", "0016_ship_withdraw"),
        ("lowcode", "0016_roles_desk_access"),
    ]

    operations = [migrations.RunPython(derive_staff, migrations.RunPython.noop)]
