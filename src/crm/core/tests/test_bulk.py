"""Bulk loading helpers (crm.core.bulk)."""

from typing import Any

import pytest
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


def test_copy_line_escapes_what_copy_text_format_needs() -> None:
    # the fast path joins first and checks the whole line; each special must fall back
    specials = ["a\\b", "tab\there", "line\nbreak", "cr\rhere", "\\N", "ends with \\"]
    for text in specials:
        special = (1, text, None, "plain")
        assert bulk.copy_line(special) == "\t".join(map(bulk.copy_value, special))
        assert bulk.copy_line(special).count("\t") == 3
    when = timezone.now()
    row = (7, "中文", None, True, when, "", None)
    assert bulk.copy_line(row) == f"7\t中文\t\\N\tTrue\t{when}\t\t\\N"
    assert bulk.copy_text([row, row]) == (bulk.copy_line(row) + "\n") * 2


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks FOR KEY SHARE exist only on PostgreSQL"
)
def test_references_are_locked_once_and_missing_ones_refused(demo: Any) -> None:
    units = list(OrgUnit.objects.order_by("pk")[:2])
    refs = bulk.References(OrgUnit)
    at = bulk.columns(OrgUnit).index("parent_id")
    width = len(bulk.columns(OrgUnit))
    rows = [tuple(u.pk if i == at else None for i in range(width)) for u in units]
    assert refs.of(rows) == {("org_orgunit", "id"): {units[0].pk, units[1].pk}}
    refs.lock({("org_orgunit", "id"): {units[0].pk}})
    with CaptureQueriesContext(connection) as ctx:
        refs.lock({("org_orgunit", "id"): {units[0].pk}})  # locked already in this transaction
        with pytest.raises(bulk.MissingReference):
            refs.lock({("org_orgunit", "id"): {units[1].pk, 10**9}})
    assert len(ctx.captured_queries) == 1
    assert "FOR KEY SHARE" in ctx.captured_queries[0]["sql"]
