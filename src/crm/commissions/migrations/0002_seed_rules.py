"""The default commission rules (a rate per selling role)."""

from django.db import migrations


def seed(apps, schema_editor):
    from crm.commissions.seed import seed_rules

    seed_rules(apps.get_model("commissions", "CommissionRule"), apps.get_model("org", "Role"))


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0002_seed_roles"),
        ("commissions", "0001_initial"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
