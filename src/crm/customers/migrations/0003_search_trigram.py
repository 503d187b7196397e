"""PostgreSQL only: a trigram index so substring search on search_text uses an index
(see crm.core.trigram)."""

from django.db import migrations

from crm.core.trigram import trigram_index


class Migration(migrations.Migration):
    dependencies = [("customers", "0002_seed_choices")]

    operations = [
        trigram_index("customers_customer_search_trgm", "customers_customer", "search_text")
    ]
