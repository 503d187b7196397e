"""PostgreSQL only: a trigram index so the opportunities' name search (icontains) uses an index.

Django's icontains is `UPPER(name::text) LIKE UPPER('%…%')`, so the index is on that
expression. A no-op on SQLite. When the role may not create the pg_trgm extension, the index is
skipped (search still works, by a sequential scan).
"""

from django.db import migrations

INDEX = "sales_opportunity_name_trgm"


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
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON sales_opportunity "
            "USING gin ((UPPER(name::text)) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("sales", "0003_forecast_cell")]

    operations = [migrations.RunPython(create, drop)]
