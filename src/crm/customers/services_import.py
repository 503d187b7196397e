"""Bulk writes of an import (CUS-7): rows checked by imports.py, written all or none in one
transaction of batched inserts (COPY on PostgreSQL), with the derived columns and history."""

from collections.abc import Iterable
from queue import Queue
from threading import Thread
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.core.bulk import (
    MissingReference,
    References,
    Spool,
    Writer,
    columns,
    copy_text,
    defaults,
    gin_deferred,
    reserve_ids,
    triggers_off,
)
from crm.core.errors import Conflict
from crm.core.models import AuditAction, AuditEntry

from .models import Contact, Customer
from .services import customer_search_text, format_code, next_code_number

IMPORT_BATCH = 1000
QUEUED = 40  # flushed chunks (imports.CHUNK rows each) made and waiting for the writer
MERGE_EVERY = 20_000  # rows: a merge into the trigram index costs less per row the more it takes


def _batches(rows: Iterable[Any], size: int) -> Iterable[list[Any]]:
    batch: list[Any] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _audit_created(objs: list[Any], actor: Any) -> None:
    content_type = ContentType.objects.get_for_model(type(objs[0]))
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                content_type=content_type,
                object_id=str(o.pk),
                object_repr=str(o)[:255],
                action=AuditAction.CREATE,
                actor=actor if getattr(actor, "pk", None) else None,
            )
            for o in objs
        ],
        batch_size=IMPORT_BATCH,
    )


class _CustomerRows:
    """Checked rows → customers_customer rows (ids, codes, derived columns) and their history
    entries, in the tables' column order for crm.core.bulk.Writer."""

    def __init__(self, actor: Any, expected: int = 0) -> None:
        """`expected`: how many rows will come at most (ids are reserved for them at once)."""
        from .imports import PREPARED

        self.expected = expected
        self.next_id = self.end_id = 0
        self.actor_id = getattr(actor, "pk", None)
        self.now = timezone.now()
        self.cols = columns(Customer)
        template = defaults(Customer)
        template |= {"created_at": self.now, "updated_at": self.now}
        template |= {"created_by_id": self.actor_id, "updated_by_id": self.actor_id}
        self.template = [template[c] for c in self.cols]
        self.at = [self.cols.index(c) for c in PREPARED]
        self.limit_field = Customer._meta.get_field("credit_limit")
        self.content_type = ContentType.objects.get_for_model(Customer).pk
        self.number = next_code_number()
        self.created = 0
        self.references = References(Customer)
        self.history_references = References(AuditEntry, with_id=False)

    def make(self, batch: list[list[Any]]) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
        from .imports import CODE_MARK

        cols, actor_id, now = self.cols, self.actor_id, self.now
        at_id, at_code, at_name = cols.index("id"), cols.index("code"), cols.index("name")
        at_search, at_limit = cols.index("search_text"), cols.index("credit_limit")
        create = str(AuditAction.CREATE)
        if self.next_id + len(batch) > self.end_id:
            n = max(len(batch), self.expected - self.created)
            self.next_id = reserve_ids(Customer, n)
            self.end_id = self.next_id + n
        first_id = self.next_id
        self.next_id += len(batch)
        customers, history = [], []
        for offset, prepared in enumerate(batch):
            row = self.template.copy()
            for i, value in zip(self.at, prepared, strict=True):
                row[i] = value
            code = format_code(self.number)
            self.number += 1
            row[at_id] = pk = first_id + offset
            row[at_code] = code
            row[at_search] = row[at_search].replace(CODE_MARK, code.lower())
            # what get_db_prep_save gives on both databases, at a tenth of its cost
            row[at_limit] = self.limit_field.to_python(row[at_limit])
            customers.append(tuple(row))
            history.append(
                (self.content_type, str(pk), row[at_name][:255], create, "{}", actor_id, now)
            )
        self.created += len(customers)
        return customers, history

    def references_of(
        self, customers: list[tuple[Any, ...]], history: list[tuple[Any, ...]]
    ) -> dict[tuple[str, str], set[Any]]:
        refs = self.references.of(customers)
        for key, values in self.history_references.of(history).items():
            refs.setdefault(key, set()).update(values)
        return refs

    def write(self, batch: list[list[Any]]) -> None:
        customers, history = self.make(batch)
        Writer(Customer).write(customers)
        Writer(AuditEntry, with_id=False).write(history)


def _gone() -> Conflict:
    return Conflict(
        _(
            "An owner, unit or list entry named in the file was deleted meanwhile; nothing "
            "was imported. Run the import again."
        ),
        code="import_conflict",
    )


def _conflict() -> Conflict:
    return Conflict(
        _(
            "Another change took a customer code or credit code meanwhile; nothing was "
            "imported. Run the import again."
        ),
        code="import_conflict",
    )


def _refused(exc: IntegrityError) -> Conflict | None:
    """What an import is told when the database refuses its rows: a row they name was deleted,
    or a code or credit code was taken meanwhile. None for anything else: a fault."""
    state, text = getattr(exc.__cause__, "sqlstate", ""), str(exc)
    if isinstance(exc, MissingReference) or state == "23503" or "FOREIGN KEY" in text:
        return _gone()
    if state == "23505" or "UNIQUE constraint" in text:
        return _conflict()
    return None


def customers_import(*, actor: Any, rows: Iterable[list[Any]]) -> int:
    """Create customers from rows checked by crm.customers.imports: values in the order of
    `imports.PREPARED`, `imports.CODE_MARK` standing for the code in the search key. All or
    none: one transaction of COPY (PostgreSQL) or batched INSERTs, with a history entry per
    customer; a USCC or code taken, or a referenced row deleted, meanwhile fails the whole
    import (Conflict)."""
    try:
        with transaction.atomic(), gin_deferred(Customer):
            out = _CustomerRows(actor)
            for batch in _batches(rows, IMPORT_BATCH):
                out.write(batch)
    except IntegrityError as exc:
        if (refused := _refused(exc)) is not None:
            raise refused from None
        raise
    return out.created


_COMMIT, _ABORT = "commit", "abort"
_Part = tuple[str, str, int, dict[tuple[str, str], set[Any]]]


class CustomerStream:
    """Customers of an import written while the rest of its file is still being checked.

    `put` each checked row, `flush` after a chunk checked without error, then `commit()` (→
    how many) once the whole file is clean, or `abort()`. On PostgreSQL outside a transaction
    (a job) a thread with its own connection COPYs each flushed chunk inside one transaction
    of its own, so the server inserts and indexes them on the other core while this one checks
    the next rows; nothing is visible before the commit. The rows are made and put in COPY's
    text format here: the thread needs Python's lock for little, so it sends them as soon as
    the server can take them. Elsewhere (SQLite, or inside a transaction such as a test's) the
    rows wait in a spool and customers_import writes them.
    """

    def __init__(self, actor: Any, expected: int = 0) -> None:
        """`expected`: how many rows will come at most (the file's)."""
        self.actor = actor
        self.buffer: list[list[Any]] = []
        self.spool: Spool | None = None
        # (customers, history) in COPY's format, how many, the rows they refer to; or the end
        self.queue: Queue[_Part | str] = Queue(maxsize=QUEUED)
        self.thread: Thread | None = None
        self.error: BaseException | None = None
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            self.rows = _CustomerRows(actor, expected)
            self.thread = Thread(target=self._run, name="crm-customer-import", daemon=True)
            self.thread.start()
        else:
            self.spool = Spool()

    def put(self, row: list[Any]) -> None:
        self.buffer.append(row)

    def flush(self) -> None:
        rows, self.buffer = self.buffer, []
        if not rows:
            return
        if self.spool is not None:
            self.spool.put(rows)
        elif self.error is None:
            customers, history = self.rows.make(rows)
            refs = self.rows.references_of(customers, history)
            self.queue.put((copy_text(customers), copy_text(history), len(rows), refs))

    def commit(self) -> int:
        self.flush()
        if self.spool is not None:
            created = customers_import(actor=self.actor, rows=self.spool.rows())
            self.spool.close()
            return created
        self._end(_COMMIT)
        if isinstance(self.error, IntegrityError) and (refused := _refused(self.error)) is not None:
            raise refused
        if self.error is not None:
            raise self.error
        return self.rows.created

    def abort(self) -> None:
        self.buffer = []
        if self.spool is not None:
            self.spool.close()
        elif self.thread is not None:
            self._end(_ABORT)

    def _end(self, how: str) -> None:
        assert self.thread is not None
        self.queue.put(how)
        self.thread.join()
        self.thread = None

    def _run(self) -> None:
        """The writer thread: one transaction on its own connection, kept or rolled back.
        Whatever the server can do while rows are still being checked it does then: foreign
        keys are checked as the rows come, not at the commit — once per referenced row when
        the role may turn the per-row triggers off —, and the trigram index takes the new rows
        whenever the thread has nothing else to send."""
        end = ""  # what the checking thread asked for at the end: _COMMIT or _ABORT
        try:
            with transaction.atomic(), gin_deferred(Customer) as merge:
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                checks_references = triggers_off()
                customers, history = Writer(Customer), Writer(AuditEntry, with_id=False)
                written = merged = 0
                while not end:
                    parts: list[_Part] = []
                    while not end:  # what waits besides goes in the same COPY
                        item = self.queue.get()
                        if isinstance(item, str):
                            end = item
                        else:
                            parts.append(item)
                        if self.queue.empty():
                            break
                    if parts:
                        if checks_references:
                            for part in parts:
                                self.rows.references.lock(part[3])
                        customers.copy("".join(p[0] for p in parts))
                        history.copy("".join(p[1] for p in parts))
                        written += sum(p[2] for p in parts)
                    if not end and self.queue.empty() and written - merged >= MERGE_EVERY:
                        merge()
                        merged = written
                if end != _COMMIT:
                    raise _Abandoned
        except _Abandoned:
            pass
        except BaseException as exc:  # commit() raises it in the checking thread
            self.error = exc
            while not end:  # take what is still sent until the end is asked for
                if isinstance(item := self.queue.get(), str):
                    end = item
        finally:
            connection.close()

    def __enter__(self) -> "CustomerStream":
        return self

    def __exit__(self, *exc: object) -> None:
        if self.thread is not None or (self.spool is not None and not self.spool.file.closed):
            self.abort()


class _Abandoned(Exception):
    """Ends the writer thread's transaction with a rollback."""


def contacts_import(*, actor: Any, rows: Iterable[dict[str, Any]]) -> int:
    """Create contacts from checked rows (crm.customers.imports). All or none. A customer
    without contacts gets its first imported contact as primary; a row marked primary takes
    over from the customer's current primary. Search keys of the customers are refreshed."""
    created = 0
    touched: set[int] = set()
    with transaction.atomic():
        for batch in _batches(rows, IMPORT_BATCH):
            ids = {r["customer_id"] for r in batch}
            live = set(Customer.objects.filter(pk__in=ids).values_list("pk", flat=True))
            if live != ids:
                raise Conflict(_("The customer has been deleted."), code="customer_deleted")
            with_contacts = (
                set(
                    Contact.objects.filter(customer_id__in=ids - touched).values_list(
                        "customer_id", flat=True
                    )
                )
                | touched
            )
            marked = {r["customer_id"] for r in batch if r.get("is_primary")}
            Contact.objects.filter(customer_id__in=marked, is_primary=True).update(is_primary=False)
            contacts = []
            for row in batch:
                cid = row["customer_id"]
                if cid not in with_contacts and cid not in marked:
                    row["is_primary"] = True
                    marked.add(cid)
                with_contacts.add(cid)
                contacts.append(
                    Contact(
                        **row,
                        created_by_id=getattr(actor, "pk", None),
                        updated_by_id=getattr(actor, "pk", None),
                    )
                )
            Contact.objects.bulk_create(contacts)
            _audit_created(contacts, actor)
            touched |= ids
            created += len(contacts)
        _refresh_search_many(list(touched))
    return created


def _refresh_search_many(pks: list[int]) -> None:
    """customer_refresh_search for many customers, in batches (a few queries per batch)."""
    for start in range(0, len(pks), IMPORT_BATCH):
        chunk = pks[start : start + IMPORT_BATCH]
        people: dict[int, list[dict[str, Any]]] = {}
        for row in Contact.objects.filter(customer_id__in=chunk).values(
            "customer_id", "name", "mobile", "landline"
        ):
            people.setdefault(row["customer_id"], []).append(dict(row))
        customers = list(
            Customer.objects.filter(pk__in=chunk).only(
                "pk", "name", "short_name", "phone", "code", "uscc"
            )
        )
        for c in customers:
            c.search_text = customer_search_text(c, people.get(c.pk, []))
        Customer.objects.bulk_update(customers, ["search_text"], batch_size=IMPORT_BATCH)
