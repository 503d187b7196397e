"""PostgreSQL only: a trigram index so the opportunities' name search (icontains) uses an index
(see crm.core.trigram). Django's icontains is `UPPER(name::text) LIKE UPPER('%…%')`, so the
index is on that expression."""

from django.db import migrations

from crm.core.trigram import trigram_index


class Migration(migrations.Migration):
    dependencies = [("sales", "0003_forecast_cell")]

    operations = [
        trigram_index("sales_opportunity_name_trgm", "sales_opportunity", "(UPPER(name::text))")
    ]
