"""The forecast summary (ForecastCell), kept right by every write to the opportunities.

A cell holds the live opportunities of one (month of expected close, owner, unit, stage):
their count, amount and weighted amount. Each write that may change an opportunity's key or
figures (create, update, lines, stage move, won/lost/reopen, delete, restore, a business
unit's first stage customisation) runs inside `tracking(pks)`: the rows are locked, their
cells read before and after, and the difference is added to the cells in the same
transaction with one INSERT … ON CONFLICT DO UPDATE SET n = n + Δ (PostgreSQL and SQLite),
so concurrent writers add up instead of overwriting each other. `rebuild()` recomputes
everything from scratch (`crm manage rebuild_forecast`, the demo loader, the migration).
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import connection, models, transaction
from django.db.models import Count, DecimalField, F, Sum
from django.db.models.functions import TruncMonth

from .models import ForecastCell, Opportunity

Key = tuple[date, int, int, int]  # month, owner id, org unit id, stage id
Totals = tuple[int, Decimal, Decimal]  # count, amount, weighted amount
_ZERO: Totals = (0, Decimal(0), Decimal(0))
_EXACT = DecimalField(max_digits=30, decimal_places=6)
_CHUNK = 100  # rows per upsert statement (7 parameters each)


def month_of(value: date | datetime | str) -> date:
    """The first day of the month (TruncMonth gives a datetime on PostgreSQL)."""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    if isinstance(value, datetime):
        value = value.date()
    return value.replace(day=1)


def totals(qs: models.QuerySet[Any]) -> dict[Key, Totals]:
    """The cells of the live opportunities of `qs`, aggregated in the database (one query)."""
    rows = (
        qs.filter(is_deleted=False)
        .order_by()
        .values(
            m=TruncMonth("expected_close"),
            o=F("owner_id"),
            u=F("org_unit_id"),
            s=F("stage_id"),
        )
        .annotate(
            n=Count("*"),
            total=Sum("amount", output_field=_EXACT),
            w100=Sum(F("amount") * F("probability"), output_field=_EXACT),
        )
    )
    return {
        (month_of(r["m"]), r["o"], r["u"], r["s"]): (
            r["n"],
            Decimal(r["total"] or 0),
            Decimal(r["w100"] or 0) / 100,
        )
        for r in rows
    }


def _difference(after: dict[Key, Totals], before: dict[Key, Totals]) -> dict[Key, Totals]:
    out = {}
    for key in after.keys() | before.keys():
        a, b = after.get(key, _ZERO), before.get(key, _ZERO)
        delta = (a[0] - b[0], a[1] - b[1], a[2] - b[2])
        if any(delta):
            out[key] = delta
    return out


def apply(deltas: dict[Key, Totals]) -> None:
    """Add `deltas` to the cells (creating missing ones; dropping emptied ones)."""
    if not deltas:
        return
    table = ForecastCell._meta.db_table
    q = connection.ops.quote_name
    cols = ["month", "owner_id", "org_unit_id", "stage_id", "count", "amount", "weighted"]
    names = ", ".join(q(c) for c in cols)
    key = ", ".join(q(c) for c in cols[:4])
    add = ", ".join(f"{q(c)} = {q(table)}.{q(c)} + excluded.{q(c)}" for c in cols[4:])
    ops = connection.ops
    # Sorted, so two writers touching the same cells lock them in the same order.
    rows = [
        (
            ops.adapt_datefield_value(k[0]),
            *k[1:],
            n,
            ops.adapt_decimalfield_value(amount, 28, 4),
            ops.adapt_decimalfield_value(weighted, 30, 6),
        )
        for k, (n, amount, weighted) in sorted(deltas.items())
    ]
    with connection.cursor() as cursor:
        for i in range(0, len(rows), _CHUNK):
            chunk = rows[i : i + _CHUNK]
            values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * len(chunk))
            cursor.execute(
                f"INSERT INTO {q(table)} ({names}) VALUES {values} "  # noqa: S608
                f"ON CONFLICT ({key}) DO UPDATE SET {add}",
                [v for row in chunk for v in row],
            )
            # Emptied cells go; only these keys, whose rows this transaction holds already.
            keys = ", ".join(["(%s, %s, %s, %s)"] * len(chunk))
            cursor.execute(
                f"DELETE FROM {q(table)} WHERE {q('count')} <= 0 "  # noqa: S608
                f"AND ({key}) IN (VALUES {keys})",
                [v for row in chunk for v in row[:4]],
            )


@contextmanager
def tracking(pks: Iterable[int | None]) -> Iterator[None]:
    """Keep the cells right across a write to the opportunities `pks` (new ones: none yet,
    use `added`). Runs in the write's transaction, with the rows locked from the first read,
    so nobody changes them between the before and the after."""
    ids = sorted({pk for pk in pks if pk is not None})
    with transaction.atomic():
        rows = Opportunity.all_objects.filter(pk__in=ids)
        list(rows.select_for_update().order_by("pk").values_list("pk", flat=True))
        before = totals(rows)
        yield
        apply(_difference(totals(rows), before))


def added(pks: Iterable[int]) -> None:
    """Count newly created opportunities in (inside their transaction)."""
    apply(totals(Opportunity.all_objects.filter(pk__in=list(pks))))


def restaged(qs: models.QuerySet[Opportunity], previous: dict[int, int]) -> None:
    """The opportunities of `qs` were just moved by a bulk UPDATE (which locked them) from
    stage `previous[new stage id]` to their current stage: move their cells along."""
    deltas: dict[Key, list[Any]] = defaultdict(lambda: [0, Decimal(0), Decimal(0)])
    for (month, owner, unit, stage), t in totals(qs).items():
        old = previous.get(stage)
        if old is None:
            continue
        for k, sign in (((month, owner, unit, stage), 1), ((month, owner, unit, old), -1)):
            for i in range(3):
                deltas[k][i] += sign * t[i]
    apply({k: (v[0], v[1], v[2]) for k, v in deltas.items() if any(v)})


def rebuild(
    opportunity_model: type[models.Model] = Opportunity,
    cell_model: type[models.Model] = ForecastCell,
) -> int:
    """Recompute every cell from the opportunities (idempotent); returns the cell count.

    On PostgreSQL the cells are locked for the rebuild: concurrent writers wait, then add
    their differences to the rebuilt cells."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {cell_model._meta.db_table} IN EXCLUSIVE MODE")
        cell_model._base_manager.all().delete()
        cells = totals(opportunity_model._base_manager.all())
        cell_model._base_manager.bulk_create(
            (
                cell_model(
                    month=month,
                    owner_id=owner,
                    org_unit_id=unit,
                    stage_id=stage,
                    count=n,
                    amount=amount,
                    weighted=weighted,
                )
                for (month, owner, unit, stage), (n, amount, weighted) in cells.items()
            ),
            batch_size=500,
        )
    return len(cells)


def check() -> dict[Key, tuple[Totals, Totals]]:
    """The cells that differ from a from-scratch aggregate: {key: (stored, expected)}."""
    stored = {
        (c.month, c.owner_id, c.org_unit_id, c.stage_id): (c.count, c.amount, c.weighted)
        for c in ForecastCell.objects.filter(count__gt=0)
    }
    expected = totals(Opportunity.all_objects.all())
    return {
        k: (stored.get(k, _ZERO), expected.get(k, _ZERO))
        for k in stored.keys() | expected.keys()
        if stored.get(k, _ZERO) != expected.get(k, _ZERO)
    }
