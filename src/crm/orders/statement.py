"""A customer's receivables statement (对账单) for a period: the opening balance, the period's
invoices, payments received and credits from returns — each its own section — and the closing
balance.

Every figure is a sum of ledger entries (ReceivableEntry), never a stored total: the opening
balance sums the entries before the first day, the sections partition the period's entries by
kind, so opening + sections = closing = the ledger's balance on the last day. The caller has
read the customer through its scoped selector (the ledger is the customer's, as its balance).
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from crm.core.fields import quantize
from crm.core.tabular import neutralise
from crm.sales.totals import amount_places

from .models_receivables import EntryKind, ReceivableEntry

ROW_LIMIT = 500  # rows a section shows on the page; the export has them all
KINDS = (EntryKind.INVOICE, EntryKind.PAYMENT, EntryKind.CREDIT)


@dataclass
class Row:
    on: date
    number: str  # the invoice's, the payment's or the return's
    order: str  # the order's number (an invoice or a return); "" for a payment
    detail: str  # fapiao number · due date / method · reference / the return's reason
    amount: Decimal  # positive: what the row adds to (invoice) or takes off (others) the balance
    link: tuple[str, int] | None = None  # (url name, pk) of the document's page


@dataclass
class Section:
    kind: str
    label: str
    total: Decimal  # positive, as `Row.amount`
    count: int
    rows: list[Row] = field(default_factory=list)

    @property
    def truncated(self) -> bool:
        return self.count > len(self.rows)


@dataclass
class Statement:
    customer: Any
    date_from: date
    date_to: date
    opening: Decimal
    sections: list[Section]
    closing: Decimal

    def section(self, kind: str) -> Section:
        return next(s for s in self.sections if s.kind == kind)


def _entries(customer: Any, date_from: date, date_to: date) -> Any:
    return ReceivableEntry.objects.filter(
        customer_id=customer.pk, on__gte=date_from, on__lte=date_to
    )


def _row(e: ReceivableEntry, places: int) -> Row:
    amount = quantize(abs(Decimal(e.amount)), places)
    if e.kind == EntryKind.INVOICE and e.invoice is not None:
        inv = e.invoice
        detail = " · ".join(
            x for x in (inv.fapiao_number, _("due %(d)s") % {"d": inv.due_date.isoformat()}) if x
        )
        return Row(
            e.on,
            str(inv),
            inv.order.number or "",
            detail,
            amount,
            ("orders:invoice_detail", inv.pk),
        )
    if e.kind == EntryKind.PAYMENT and e.payment is not None:
        p = e.payment
        detail = " · ".join(x for x in (p.get_method_display(), p.reference) if x)
        return Row(e.on, str(p), "", detail, amount)
    if e.kind == EntryKind.CREDIT and e.sales_return is not None:
        r = e.sales_return
        return Row(
            e.on,
            str(r),
            r.order.number or "",
            r.reason,
            amount,
            ("orders:order_detail", r.order_id),
        )
    return Row(e.on, "", "", "", amount)


def entries_of(customer: Any, date_from: date, date_to: date, kind: str) -> Any:
    """The period's entries of one kind, oldest first, with their documents (no N+1)."""
    return (
        _entries(customer, date_from, date_to)
        .filter(kind=kind)
        .select_related("invoice__order", "payment", "sales_return__order")
        .order_by("on", "id")
    )


def statement_of(
    customer: Any, date_from: date, date_to: date, row_limit: int = ROW_LIMIT
) -> Statement:
    """The statement from `date_from` to `date_to` (both included): three aggregates and one
    query per section, whatever the number of entries."""
    places = amount_places()
    zero = Decimal(0)
    before = ReceivableEntry.objects.filter(customer_id=customer.pk, on__lt=date_from)
    opening = before.aggregate(s=Sum("amount"))["s"] or zero
    sums = _entries(customer, date_from, date_to).aggregate(
        **{f"s_{k}": Sum("amount", filter=Q(kind=k)) for k in KINDS},
        **{f"n_{k}": Count("id", filter=Q(kind=k)) for k in KINDS},
    )
    labels = {
        EntryKind.INVOICE: _("Invoices"),
        EntryKind.PAYMENT: _("Payments received"),
        EntryKind.CREDIT: _("Credits from returns"),
    }
    sections = []
    for kind in KINDS:
        count = sums[f"n_{kind}"] or 0
        rows = (
            [_row(e, places) for e in entries_of(customer, date_from, date_to, kind)[:row_limit]]
            if count
            else []
        )
        total = abs(Decimal(sums[f"s_{kind}"] or zero))
        sections.append(Section(kind, str(labels[kind]), quantize(total, places), count, rows))
    period = sum((Decimal(sums[f"s_{k}"] or zero) for k in KINDS), zero)
    return Statement(
        customer=customer,
        date_from=date_from,
        date_to=date_to,
        opening=quantize(Decimal(opening), places),
        sections=sections,
        closing=quantize(Decimal(opening) + period, places),
    )


def all_rows(statement: Statement, section: Section) -> Iterator[Row]:
    """Every row of a section (not only those the page shows), streamed from the database: what
    the exports (CSV, PDF) print."""
    if not section.count:
        return
    places = amount_places()
    entries = entries_of(statement.customer, statement.date_from, statement.date_to, section.kind)
    for e in entries.iterator(chunk_size=500):
        yield _row(e, places)


def csv_headers() -> list[str]:
    return [_("Section"), _("Date"), _("Document"), _("Order"), _("Detail"), _("Amount")]


def csv_rows(statement: Statement) -> Iterator[list[Any]]:
    """Every row of the statement (not only those the page shows), streamed from the database;
    amounts signed as they move the balance (credits and payments negative)."""
    s = statement
    yield [_("Opening balance"), s.date_from.isoformat(), "", "", "", f"{s.opening:f}"]
    for section in s.sections:
        sign = 1 if section.kind == EntryKind.INVOICE else -1
        for r in all_rows(s, section):
            yield [
                section.label,
                r.on.isoformat(),
                neutralise(r.number),
                neutralise(r.order),
                neutralise(r.detail),
                f"{sign * r.amount:f}",
            ]
        yield [
            _("Total: %(s)s") % {"s": section.label},
            "",
            "",
            "",
            "",
            f"{sign * section.total:f}",
        ]
    yield [_("Closing balance"), s.date_to.isoformat(), "", "", "", f"{s.closing:f}"]
