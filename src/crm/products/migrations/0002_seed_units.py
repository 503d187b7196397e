from django.db import migrations


def seed(apps, schema_editor):
    from crm.products.seed import seed_units

    seed_units(apps.get_model("products", "UnitOfMeasure"))


class Migration(migrations.Migration):
    dependencies = [("products", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
