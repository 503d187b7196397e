"""The forecast summary (ForecastCell), filled from the existing opportunities."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def fill(apps, schema_editor):
    from crm.sales.services_forecast import rebuild

    rebuild(apps.get_model("sales", "Opportunity"), apps.get_model("sales", "ForecastCell"))


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0002_seed_roles"),
        ("sales", "0002_seed_stages"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ForecastCell",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("month", models.DateField(verbose_name="month")),
                ("count", models.IntegerField(default=0, verbose_name="count")),
                (
                    "amount",
                    models.DecimalField(
                        decimal_places=4, default=0, max_digits=28, verbose_name="amount"
                    ),
                ),
                (
                    "weighted",
                    models.DecimalField(
                        decimal_places=6, default=0, max_digits=30, verbose_name="weighted amount"
                    ),
                ),
                (
                    "org_unit",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="org.orgunit",
                        verbose_name="unit",
                    ),
                ),
                (
                    "owner",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="owner",
                    ),
                ),
                (
                    "stage",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="sales.stage",
                        verbose_name="stage",
                    ),
                ),
            ],
            options={
                "verbose_name": "forecast cell",
                "verbose_name_plural": "forecast cells",
                "indexes": [
                    models.Index(fields=["org_unit", "month"], name="sales_fcell_unit_month")
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("month", "owner", "org_unit", "stage"),
                        name="sales_forecastcell_key",
                    )
                ],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
