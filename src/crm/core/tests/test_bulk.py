"""Bulk loading helpers (crm.core.bulk)."""

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from crm.core import bulk
from crm.org.models import OrgUnit


def test_rows_written_by_the_writer_read_back_through_the_orm(demo: Any) -> None:
    parent = OrgUnit.objects.get(name="成都分公司")
    row = bulk.defaults(OrgUnit)
    first = bulk.reserve_ids(OrgUnit, 2)
    rows = []
    for i in range(2):
        values = dict(row, id=first + i, name=f"批量{i}", kind="team", parent_id=parent.pk)
        values.update(path=f"{parent.path}{first + i}/", depth=parent.depth + 1)
        values.update(created_at=timezone.now(), updated_at=timezone.now())
        rows.append(tuple(values[c] for c in bulk.columns(OrgUnit)))
    bulk.Writer(OrgUnit).write(rows)
    made = OrgUnit.objects.filter(pk__in=[first, first + 1]).order_by("pk")
    assert [u.name for u in made] == ["批量0", "批量1"]
    assert bulk.reserve_ids(OrgUnit, 1) > first + 1  # reserved ids are never handed out again


def test_vacuum_is_skipped_inside_a_transaction(db: Any) -> None:
    # VACUUM inside a transaction is an error on PostgreSQL; tests run inside one
    with CaptureQueriesContext(connection) as ctx:
        bulk.vacuum_analyze([OrgUnit])
    assert ctx.captured_queries == []
