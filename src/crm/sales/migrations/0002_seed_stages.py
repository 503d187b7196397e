"""The seven default stages of the sales process (used by units without their own)."""

from django.db import migrations


def seed(apps, schema_editor):
    from crm.sales.seed import seed_stages

    seed_stages(apps.get_model("sales", "Stage"))


class Migration(migrations.Migration):

    dependencies = [
        ("sales", "0001_initial"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
