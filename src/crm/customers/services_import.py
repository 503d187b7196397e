"""Bulk writes of an import (CUS-7): every row checked by imports.py first, then all rows or
none in one transaction of batched inserts, with the derived columns and history filled."""

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from crm.core.errors import Conflict
from crm.core.models import AuditAction, AuditEntry

from .models import Contact, Customer
from .services import customer_search_text, format_code, next_code_number

IMPORT_BATCH = 1000


def _batches(rows: Iterable[dict[str, Any]], size: int) -> Iterable[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
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


def customers_import(*, actor: Any, rows: Iterable[dict[str, Any]]) -> int:
    """Create customers from rows already checked by crm.customers.imports (attnames, with
    search_text and name_key computed; `imports.CODE_MARK` stands for the code). All or none:
    one transaction; a USCC or code taken meanwhile fails the whole import (Conflict)."""
    from .imports import CODE_MARK

    created = 0
    try:
        with transaction.atomic():
            number = next_code_number()
            for batch in _batches(rows, IMPORT_BATCH):
                customers = []
                for row in batch:
                    code = format_code(number)
                    number += 1
                    row["search_text"] = row["search_text"].replace(CODE_MARK, code.lower())
                    row["credit_limit"] = Decimal(row["credit_limit"])
                    customers.append(
                        Customer(
                            **row,
                            code=code,
                            created_by_id=getattr(actor, "pk", None),
                            updated_by_id=getattr(actor, "pk", None),
                        )
                    )
                Customer.objects.bulk_create(customers)
                _audit_created(customers, actor)
                created += len(customers)
    except IntegrityError:
        raise Conflict(
            _(
                "Another change took a customer code or credit code meanwhile; nothing was "
                "imported. Run the import again."
            ),
            code="import_conflict",
        ) from None
    return created


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
