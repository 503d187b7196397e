"""No index on the customer's nature, size and source: not list filters (docs/decisions/0006)."""

import django.db.models.deletion
from django.db import migrations, models


def _choice(kind: str, label: str) -> models.ForeignKey:
    return models.ForeignKey(
        blank=True,
        db_index=False,
        limit_choices_to={"kind": kind},
        null=True,
        on_delete=django.db.models.deletion.PROTECT,
        related_name="+",
        to="customers.choice",
        verbose_name=label,
    )


class Migration(migrations.Migration):
    dependencies = [("customers", "0005_customer_list_index")]

    operations = [
        migrations.AlterField("customer", "nature", _choice("nature", "enterprise nature")),
        migrations.AlterField("customer", "size", _choice("size", "enterprise size")),
        migrations.AlterField("customer", "source", _choice("source", "source")),
    ]
