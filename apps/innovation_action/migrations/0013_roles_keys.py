"""The app's roles get their stable keys (lowcode RoleKey): the groups set up under their standard names
before role keys existed are adopted, so an administrator may rename them afterwards."""

from django.db import migrations

# Frozen: the keys and standard names of apps/innovation_action/roles.py when role keys came in.
STANDARD_NAMES = {
    "county_user": "县级填报员",
    "unit_liaison": "市直单位联络员",
    "office": "领导小组办公室",
    "leading_group": "领导小组",
    "administrator": "系统管理员",
}


def adopt_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    RoleKey = apps.get_model("lowcode", "RoleKey")
    for key, name in STANDARD_NAMES.items():
        group = Group.objects.filter(name=name).first()
        if group is not None and not RoleKey.objects.filter(key=key).exists():
            RoleKey.objects.get_or_create(group=group, defaults={"key": key, "standard_name": name})


class Migration(migrations.Migration):
    dependencies = [
        ("innovation_action", "0012_lights_project_reports"),
        ("lowcode", "0011_roles_role_key"),
    ]

    operations = [migrations.RunPython(adopt_groups, migrations.RunPython.noop)]
