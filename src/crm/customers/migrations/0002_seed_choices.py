from django.db import migrations


def seed(apps, schema_editor):
    from crm.customers.seed import seed_choices

    seed_choices(apps.get_model("customers", "Choice"))


class Migration(migrations.Migration):
    dependencies = [("customers", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
