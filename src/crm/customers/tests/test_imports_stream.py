"""A customer import job outside any transaction (as jobs run) on PostgreSQL: a thread with its
own connection writes the checked rows while the rest are checked; all or none still holds."""

import threading
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection

from crm.core.errors import Conflict
from crm.core.models import AuditEntry
from crm.customers import imports, services, services_import
from crm.customers.importfiles import CUSTOMER_COLUMNS, zh
from crm.customers.models import Choice, Customer
from crm.customers.services_import import CustomerStream
from crm.org.demo import load_demo
from crm.org.models import User
from crm.testing.fixtures import DEMO_PASSWORD

from .conftest import LIMITS, checked_row, written_limits

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="PostgreSQL only: the writer thread (COPY) exists only there; "
        "SQLite takes the spool path of test_imports.py",
    ),
]
ROWS = 1300  # several chunks (imports.CHUNK), so rows are written while others are checked


@pytest.fixture
def importer() -> User:
    load_demo(password=DEMO_PASSWORD)
    return User.objects.get(username="mgr_east")


def upload(lines: list[str]) -> Any:
    header = ",".join(zh(c.label) for c in CUSTOMER_COLUMNS[:2]) + ",合作经历"
    return SimpleUploadedFile("c.csv", "\r\n".join([header, *lines]).encode("utf-8"))


def run(user: User, lines: list[str]) -> Any:
    return imports.import_start(
        user=user, kind="customers", upload=upload(lines), mapping=None, dry_run=False
    )


def refused(user: User, row: list[Any], expected: type[Exception] = Conflict) -> Any:
    """What the commit of a one-row stream raises (it must raise `expected`)."""
    with CustomerStream(user) as stream:
        stream.put(row)
        stream.flush()
        with pytest.raises(expected) as info:
            stream.commit()
    return info.value


def writers() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "crm-customer-import"]


def test_rows_are_written_while_the_file_is_checked(importer: User) -> None:
    before = services.next_code_number()
    lines = [f'流式导入{i:04d}有限公司,流式{i},"第{i}行\t\\N"' for i in range(ROWS)]
    job = run(importer, lines)
    assert job.status == "succeeded", job.error
    assert job.result["created"] == ROWS
    customers = list(Customer.objects.filter(name__startswith="流式导入").order_by("code"))
    assert [int(c.code[1:]) for c in customers] == list(range(before, before + ROWS))
    assert customers[7].cooperation_history == "第7行\t\\N"
    for c in customers[:50]:
        assert c.search_text == services.customer_search_text(c, [])
        assert c.created_by == importer and c.owner == importer
    ids = [str(c.pk) for c in customers]
    history = AuditEntry.objects.filter(content_type__model="customer", object_id__in=ids)
    assert history.filter(action="create", actor=importer).count() == ROWS
    assert not writers()


def test_credit_limits_are_copied_as_checked(importer: User) -> None:
    with CustomerStream(importer) as stream:
        for name, limit in zip(LIMITS, ("1234.5", "98765.4321", "0"), strict=True):
            stream.put(checked_row(importer, name=name, credit_limit=limit))
        stream.flush()
        assert stream.commit() == 3
    assert written_limits() == LIMITS


def test_an_error_in_the_last_row_writes_nothing(importer: User) -> None:
    lines = [f"流式导入{i:04d}有限公司,,历史" for i in range(ROWS)] + [",没有名称,"]
    job = run(importer, lines)
    assert job.status == "failed"
    assert [(e["row"], e["field"]) for e in job.result["errors"]] == [(ROWS + 2, "name")]
    assert not Customer.objects.filter(name__startswith="流式导入").exists()
    assert not AuditEntry.objects.filter(object_repr__startswith="流式导入").exists()
    assert not writers()


def test_a_credit_code_taken_meanwhile_fails_the_whole_import(importer: User) -> None:
    taken = services.customer_create(actor=importer, name="先来的公司", uscc="91110000600037341L")
    error = refused(importer, checked_row(importer, name="后到的公司", uscc=taken.uscc))
    assert error.message == services_import._conflict().message
    assert not Customer.objects.filter(name="后到的公司").exists()
    assert not writers()


@pytest.mark.parametrize("triggers", [False, True], ids=["own locks", "server triggers"])
def test_a_list_entry_deleted_meanwhile_fails_the_whole_import(
    importer: User, triggers: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # checked rows name rows that may be deleted before they are written: the import is
    # refused whether the writer's own locks (triggers off, as a superuser may) or the
    # server's per-row triggers (any other role) find it
    if triggers:
        monkeypatch.setattr(services_import, "triggers_off", lambda: False)
    gone = Choice.objects.create(kind="industry", label="刚删除的行业")
    row = checked_row(importer, name="引用已删除条目的公司", industry_id=gone.pk)
    gone.delete()
    assert refused(importer, row).message == services_import._gone().message
    assert not Customer.objects.filter(name="引用已删除条目的公司").exists()
    assert not writers()


def test_the_written_tables_have_no_triggers_but_foreign_keys() -> None:
    # the writer turns triggers off (crm.core.bulk.triggers_off) and checks the foreign keys
    # itself; a trigger added to these tables later would be skipped silently
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgrelid::regclass::text, tgname FROM pg_trigger"
            " WHERE NOT tgisinternal AND tgrelid = ANY(%s::regclass[])",
            [[Customer._meta.db_table, AuditEntry._meta.db_table]],
        )
        assert cursor.fetchall() == []


def test_a_fault_in_the_rows_is_not_reported_as_a_conflict(importer: User) -> None:
    # a NOT NULL column left empty is the program's fault: raised as is, not "run it again"
    refused(importer, checked_row(importer, name="缺列的公司", tax_id=None), IntegrityError)
    assert not Customer.objects.filter(name="缺列的公司").exists()
    assert not writers()
