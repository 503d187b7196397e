"""The finance role (财务) on databases created before it existed."""

from django.db import migrations


def seed(apps, schema_editor):
    from crm.org.seed import seed_roles

    seed_roles(apps.get_model("org", "Role"), apps.get_model("org", "RolePermission"))


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0002_seed_roles"),
        ("orders", "0001_initial"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
