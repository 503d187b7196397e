"""An index-only source for the days of a month cut by a close period (the forecast and the
filtered board totals read whole months from ForecastCell)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("sales", "0004_opportunity_name_trigram")]

    operations = [
        migrations.AddIndex(
            model_name="opportunity",
            index=models.Index(
                condition=models.Q(("is_deleted", False)),
                fields=["expected_close"],
                include=("stage", "owner", "org_unit", "amount", "probability"),
                name="sales_opp_close_sums",
            ),
        ),
    ]
