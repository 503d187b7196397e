"""Bulk loading for demo data and imports: COPY on PostgreSQL, batched INSERT elsewhere.

Rows are tuples in a model's column order (`columns`), starting from `defaults`; ids come
from `reserve_ids`, so several processes can make rows for one load.
"""

import json
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from django.db import DatabaseError, IntegrityError, connection, models, transaction


def columns(model: type[models.Model]) -> list[str]:
    return [str(f.column) for f in model._meta.concrete_fields]


class Writer:
    """Appends rows to a table: COPY on PostgreSQL, batched INSERT elsewhere."""

    def __init__(self, model: type[models.Model], *, with_id: bool = True) -> None:
        self.table = model._meta.db_table
        self.columns = [c for c in columns(model) if with_id or c != "id"]

    def _names(self) -> str:
        return ", ".join(connection.ops.quote_name(c) for c in self.columns)

    def copy(self, text: str) -> None:
        """Rows already in COPY's text format (`copy_text`)."""
        with connection.cursor() as cursor, connection.wrap_database_errors:
            raw = cursor.cursor  # the psycopg cursor under Django's wrapper
            with raw.copy(f"COPY {self.table} ({self._names()}) FROM STDIN") as copy:
                copy.write(text)

    def write(self, rows: list[tuple[Any, ...]]) -> None:
        """A constraint broken raises Django's IntegrityError (COPY or INSERT alike)."""
        if not rows:
            return
        if connection.vendor == "postgresql":
            self.copy(copy_text(rows))
            return
        marks = ", ".join(["%s"] * len(self.columns))
        sql = f"INSERT INTO {self.table} ({self._names()}) VALUES ({marks})"  # noqa: S608
        with connection.cursor() as cursor:
            cursor.executemany(sql, [tuple(map(sqlite_value, row)) for row in rows])


def sqlite_value(v: Any) -> Any:
    if isinstance(v, datetime):
        return v.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
    if isinstance(v, (Decimal, date)):
        return str(v)
    return v


def reserve_ids(model: type[models.Model], n: int) -> int:
    """The first of n consecutive primary keys nobody else will use."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            seq = "pg_get_serial_sequence(%s, 'id')"
            top = f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {table})"  # noqa: S608
            cursor.execute(
                f"SELECT setval({seq}, GREATEST(nextval({seq}), {top}) + %s - 1)",
                [table, table, n],
            )
            return int(cursor.fetchone()[0]) - n + 1
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608
        return int(cursor.fetchone()[0]) + 1


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_value(v: Any) -> str:
    """A value in COPY's text format: NULL is \\N, text has its specials escaped."""
    if v is None:
        return r"\N"
    if isinstance(v, str):
        return v.translate(_COPY_ESCAPES)
    return str(v)  # numbers, dates, timestamps with their zone, booleans (True/False)


def copy_line(row: tuple[Any, ...]) -> str:
    """`copy_value` of each value, joined by tabs; a few times faster, as the values rarely
    hold anything to escape: the line is checked as a whole, and made again value by value
    when it might (a backslash beyond the NULLs' \\N, a tab too many, a line break)."""
    line = "\t".join([r"\N" if v is None else v if v.__class__ is str else str(v) for v in row])
    if (
        line.count("\\") == row.count(None)
        and line.count("\t") == len(row) - 1
        and "\n" not in line
        and "\r" not in line
    ):
        return line
    return "\t".join(map(copy_value, row))


def copy_text(rows: list[tuple[Any, ...]]) -> str:
    return "".join([copy_line(row) + "\n" for row in rows])


def defaults(model: type[models.Model]) -> dict[str, Any]:
    """Column → default value of a new row (None for nullable columns without a default)."""
    out: dict[str, Any] = {}
    for f in model._meta.concrete_fields:
        column = str(f.column)
        if f.has_default():
            out[column] = f.get_default()
        elif f.null:
            out[column] = None
        else:
            out[column] = ""
    return out


def vacuum_analyze(models_: list[type[models.Model]]) -> None:
    """After a bulk load on PostgreSQL: fresh statistics and a visibility map, so the first
    queries get good plans and index-only scans (autovacuum would do it, but later).
    VACUUM cannot run in a transaction; inside one (a test) this does nothing."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        for model in models_:
            cursor.execute(f"VACUUM (ANALYZE) {model._meta.db_table}")


def drop_secondary_indexes(
    models_: Iterable[type[models.Model]], *, keep: Iterable[str] = ()
) -> list[str]:
    """PostgreSQL, in the load's transaction: drop the tables' indexes that back no constraint
    (except `keep`) and return their definitions for `rebuild_indexes`. Every foreign key of a
    generated row points at a row read or reserved before, so the per-row foreign-key triggers
    are skipped when the role may (superuser: replica mode); otherwise they run immediately
    instead of queueing a deferred check per row (the queue is memory, and CREATE INDEX
    refuses to run while it has entries)."""
    tables = [m._meta.db_table for m in models_]
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        triggers_off()
        cursor.execute(
            """
            SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
            FROM pg_index i
            JOIN pg_class t ON t.oid = i.indrelid
            LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid
            WHERE t.relname = ANY(%s) AND c.oid IS NULL AND NOT i.indisprimary
              AND NOT (i.indexrelid::regclass::text = ANY(%s))
            """,
            [tables, list(keep)],
        )
        found = cursor.fetchall()
        for name, _definition in found:
            cursor.execute(f"DROP INDEX {name}")
    return [definition for _name, definition in found]


def triggers_off() -> bool:
    """PostgreSQL, in a transaction: the rest of it runs without the tables' triggers — the
    per-row foreign-key checks — when the role may (a superuser, or one granted SET on
    session_replication_role). False when it may not: the triggers run. Every trigger of
    the session's tables is skipped, not only the foreign keys': the callers' tables have no
    other (test_imports_stream checks it)."""
    if connection.vendor != "postgresql" or not connection.in_atomic_block:
        return False
    with connection.cursor() as cursor:
        cursor.execute("SAVEPOINT crm_bulk_replica")
        try:
            cursor.execute("SET LOCAL session_replication_role = replica")
        except DatabaseError:
            cursor.execute("ROLLBACK TO SAVEPOINT crm_bulk_replica")
            return False
        cursor.execute("RELEASE SAVEPOINT crm_bulk_replica")
    return True


class MissingReference(IntegrityError):
    """A row refers to a row that is not there (References.lock)."""


class References:
    """The foreign keys of rows written with the triggers off (`triggers_off`), checked as
    PostgreSQL's own triggers check them — the referenced row exists and stays locked FOR KEY
    SHARE until the commit, so nobody deletes it meanwhile — but once per referenced row and
    transaction instead of once per row and key. An import's rows refer to a few dozen rows
    (owners, units, list entries), so the server is left with writing the rows and their
    indexes."""

    def __init__(self, model: type[models.Model], *, with_id: bool = True) -> None:
        names = [c for c in columns(model) if with_id or c != "id"]
        self.keys = [
            (names.index(str(f.column)), f.related_model._meta.db_table, str(f.target_field.column))
            for f in model._meta.concrete_fields
            if isinstance(f, models.ForeignKey)
        ]
        self.locked: dict[tuple[str, str], set[Any]] = {}

    def of(self, rows: list[tuple[Any, ...]]) -> dict[tuple[str, str], set[Any]]:
        """(table, column) → the values the rows refer to (the tuples given to Writer)."""
        out: dict[tuple[str, str], set[Any]] = {}
        for at, table, column in self.keys:
            values = {row[at] for row in rows}
            values.discard(None)
            if values:
                out.setdefault((table, column), set()).update(values)
        return out

    def lock(self, refs: dict[tuple[str, str], set[Any]]) -> None:
        """In the writing transaction, before the rows: MissingReference if one is gone."""
        with connection.cursor() as cursor:
            for (table, column), values in refs.items():
                locked = self.locked.setdefault((table, column), set())
                new = values - locked
                if not new:
                    continue
                name, quoted = connection.ops.quote_name(column), connection.ops.quote_name(table)
                cursor.execute(
                    f"SELECT {name} FROM {quoted} WHERE {name} = ANY(%s) FOR KEY SHARE",  # noqa: S608
                    [sorted(new)],
                )
                found = {row[0] for row in cursor.fetchall()}
                if found != new:
                    raise MissingReference(f"{table}.{column}: {sorted(new - found)[:5]}")
                locked |= new


def rebuild_indexes(definitions: list[str], models_: Iterable[type[models.Model]]) -> None:
    """Recreate what `drop_secondary_indexes` dropped (triggers back on), then ANALYZE."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = DEFAULT")
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        cursor.execute("SET LOCAL max_parallel_maintenance_workers = 2")
        for definition in definitions:
            cursor.execute(definition)
        for model in models_:
            cursor.execute(f"ANALYZE {model._meta.db_table}")


@contextmanager
def gin_deferred(model: type[models.Model]) -> Iterator[Callable[[], None]]:
    """Inside a transaction on PostgreSQL, for a large write: new rows wait in the pending
    lists of the table's GIN indexes (trigram search) and are merged into them in one go —
    at the end, or whenever the caller calls the function this yields — instead of every
    4 MB: about half the index work. Elsewhere this does nothing."""
    if connection.vendor != "postgresql" or not connection.in_atomic_block:
        yield lambda: None
        return
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL gin_pending_list_limit = '2GB'")
        cursor.execute(
            "SELECT i.indexrelid::regclass::text FROM pg_index i"
            " JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam"
            " WHERE i.indrelid = %s::regclass AND a.amname = 'gin'",
            [model._meta.db_table],
        )
        indexes = [row[0] for row in cursor.fetchall()]

    def merge() -> None:
        with connection.cursor() as cursor:
            for index in list(indexes):
                try:
                    with transaction.atomic():
                        cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [index])
                except DatabaseError:  # not the index's owner: autovacuum merges the list
                    indexes.remove(index)

    yield merge
    merge()


class Spool:
    """Rows (JSON values) kept in a temporary file until they are written: memory stays flat
    however large the import."""

    def __init__(self) -> None:
        self.file = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115 - close()

    def put(self, rows: Iterable[Any]) -> None:
        self.file.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)

    def add(self, row: Any) -> None:
        self.put([row])

    def rows(self) -> Iterator[Any]:
        self.file.seek(0)
        return (json.loads(line) for line in self.file)

    def close(self) -> None:
        self.file.close()
