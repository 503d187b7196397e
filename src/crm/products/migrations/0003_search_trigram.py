"""PostgreSQL only: a trigram index so substring search on the products' search_text (the
catalogue page, global search and the opportunity form's product picker) uses an index.

A no-op on SQLite. When the role may not create the pg_trgm extension, the index is skipped
(search still works, by a sequential scan). Self-contained, as migrations are: the same steps
as customers' 0003_search_trigram.
"""

from django.db import migrations

INDEX = "products_product_search_trgm"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SAVEPOINT crm_trgm")
        try:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except Exception:
            cursor.execute("ROLLBACK TO SAVEPOINT crm_trgm")
            return
        cursor.execute("RELEASE SAVEPOINT crm_trgm")
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON products_product "
            "USING gin (search_text gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("products", "0002_seed_units")]

    operations = [migrations.RunPython(create, drop)]
