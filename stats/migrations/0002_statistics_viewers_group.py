from django.db import migrations

GROUP = "Statistics viewers"


def create_group(apps, schema_editor):
    """The Statistics viewers group: admin access, every course's statistics, learner groups."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    group, _created = Group.objects.get_or_create(name=GROUP)
    admin_type, _created = ContentType.objects.get_or_create(app_label="wagtailadmin", model="admin")
    access, _created = Permission.objects.get_or_create(
        content_type=admin_type, codename="access_admin", defaults={"name": "Can access Wagtail admin"}
    )
    group_type, _created = ContentType.objects.get_or_create(app_label="stats", model="learnergroup")
    permissions = [access]
    for action in ("add", "change", "delete", "view"):
        permission, _created = Permission.objects.get_or_create(
            content_type=group_type,
            codename=f"{action}_learnergroup",
            defaults={"name": f"Can {action} learner group"},
        )
        permissions.append(permission)
    group.permissions.add(*permissions)


def delete_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("stats", "0001_learner_groups"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_group, delete_group)]
