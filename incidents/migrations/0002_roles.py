"""The two staff roles. Agents work incidents; managers also cancel, override priority and
keep the catalog and the priority matrix."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

AGENT_PERMS = [
    ("incidents", "view_incident"),
    ("incidents", "add_incident"),
    ("incidents", "change_incident"),
    ("incidents", "view_incidenttimelineentry"),
    ("incidents", "add_incidenttimelineentry"),
    ("catalog", "view_service"),
    ("catalog", "view_team"),
    ("catalog", "view_category"),
    ("kernel", "view_prioritycell"),
    ("accounts", "view_user"),
]
MANAGER_PERMS = AGENT_PERMS + [
    ("incidents", "cancel_incident"),
    ("incidents", "override_priority"),
    ("catalog", "add_service"),
    ("catalog", "change_service"),
    ("catalog", "add_team"),
    ("catalog", "change_team"),
    ("catalog", "add_category"),
    ("catalog", "change_category"),
    ("kernel", "change_prioritycell"),
]


def create_roles(apps, schema_editor):
    # Permissions are normally created after migrate; the roles need them now.
    for label in ("accounts", "kernel", "catalog", "incidents"):
        create_permissions(global_apps.get_app_config(label), verbosity=0, apps=apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, perms in (("Agents", AGENT_PERMS), ("Managers", MANAGER_PERMS)):
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, codename in perms:
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0001_initial"),
        ("catalog", "0001_initial"),
        ("kernel", "0002_default_priority_matrix"),
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]
    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
