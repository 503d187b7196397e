"""A trigram (pg_trgm) GIN index as a migration operation, so substring search (`LIKE
'%…%'`, icontains) can use an index on PostgreSQL.

A no-op on SQLite. When the role may not create the pg_trgm extension, the index is skipped
(search still works, by a sequential scan). Migrations call this helper, so keep its
behaviour stable: applied migrations are not re-run when it changes.
"""

from typing import Any

from django.db import migrations


def trigram_index(name: str, table: str, expression: str) -> migrations.RunPython:
    """`expression`: the indexed column or parenthesised expression, e.g. "search_text" or
    "(UPPER(name::text))" (what Django's icontains compares)."""

    def create(apps: Any, schema_editor: Any) -> None:
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
                f"CREATE INDEX IF NOT EXISTS {name} ON {table} "
                f"USING gin ({expression} gin_trgm_ops)"
            )

    def drop(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")

    return migrations.RunPython(create, drop)
