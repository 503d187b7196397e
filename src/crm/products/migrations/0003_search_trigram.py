"""PostgreSQL only: a trigram index so substring search on the products' search_text (the
catalogue page, global search and the opportunity form's product picker) uses an index (see
crm.core.trigram)."""

from django.db import migrations

from crm.core.trigram import trigram_index


class Migration(migrations.Migration):
    dependencies = [("products", "0002_seed_units")]

    operations = [trigram_index("products_product_search_trgm", "products_product", "search_text")]
