"""The default approval rules: a quote discount above 15 % and an order over the customer's
credit limit go to the owner's manager."""

from django.db import migrations


def seed(apps, schema_editor):
    from crm.sales.seed import seed_approval_rules

    seed_approval_rules(apps.get_model("sales", "ApprovalRule"), apps.get_model("org", "Role"))


class Migration(migrations.Migration):

    dependencies = [
        ("org", "0002_seed_roles"),
        ("sales", "0006_approvals"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
