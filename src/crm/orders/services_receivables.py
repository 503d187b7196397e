"""Invoices, payments and allocations (SAL-7). Each writes its ledger entry in the same
transaction: invoice +gross, payment −amount; the balance is never stored.

Allocations lock the payment and the invoices (select_for_update) before summing what is
already allocated, so concurrent allocations cannot settle more than is open.
"""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.core.errors import ValidationFailed
from crm.core.fields import quantize
from crm.core.services import record_create
from crm.sales.totals import amount_places

from .errors import InvalidTransition, OverAllocated, field_error
from .models import CreditLimit, OrderStatus, SalesOrder
from .models_receivables import (
    EntryKind,
    FapiaoType,
    Invoice,
    Payment,
    PaymentAllocation,
    ReceivableEntry,
)
from .models_shipping import Shipment

INVOICEABLE = (
    OrderStatus.CONFIRMED,
    OrderStatus.PARTLY_SHIPPED,
    OrderStatus.SHIPPED,
    OrderStatus.COMPLETED,
)
DEFAULT_TERMS_PARAM = "payment_terms_days"


def payment_terms_days(order: SalesOrder) -> int:
    """The order's terms, else the customer's (credit row), else the system parameter."""
    if order.payment_terms_days is not None:
        return order.payment_terms_days
    days = (
        CreditLimit.objects.filter(customer_id=order.customer_id)
        .values_list("payment_terms_days", flat=True)
        .first()
    )
    if days is not None:
        return days
    from crm.org.selectors import parameter_get

    return int(parameter_get(DEFAULT_TERMS_PARAM))


def _allocated(invoice_ids: list[int]) -> dict[int, Decimal]:
    rows = (
        PaymentAllocation.objects.filter(invoice_id__in=invoice_ids)
        .values("invoice_id")
        .annotate(s=Sum("amount"))
    )
    return {r["invoice_id"]: r["s"] for r in rows}


def invoiceable_amount(order: SalesOrder, shipment: Shipment | None = None) -> dict[str, Decimal]:
    """What an invoice of the shipment (its lines' share of the order lines) or of the rest of
    the order would be: net, tax, gross."""
    places = amount_places()
    if shipment is not None:
        net = tax = Decimal(0)
        for sl in shipment.lines.select_related("order_line"):
            line = sl.order_line
            share = sl.quantity / line.quantity
            net += quantize(line.net_amount * share, places)
            tax += quantize(line.tax_amount * share, places)
        return {"net": net, "tax": tax, "gross": net + tax}
    done = Invoice.objects.filter(order=order).aggregate(n=Sum("net_amount"), t=Sum("tax_amount"))
    net = order.net_total - (done["n"] or 0)
    tax = order.tax_total - (done["t"] or 0)
    return {"net": net, "tax": tax, "gross": net + tax}


@transaction.atomic
def invoice_create(
    *,
    order: SalesOrder,
    actor: Any,
    shipment: Shipment | None = None,
    fapiao_type: str = FapiaoType.SPECIAL,
    fapiao_number: str = "",
    issue_date: date | None = None,
    due_date: date | None = None,
) -> Invoice:
    """Invoice a shipment (once) or what of the order is not invoiced yet; due date from the
    payment terms unless given. Writes the ledger's + entry."""
    current = SalesOrder.objects.select_for_update().get(pk=order.pk)
    if current.status not in INVOICEABLE:
        raise InvalidTransition(
            _("An order that is %(status)s cannot be invoiced.")
            % {"status": OrderStatus(current.status).label}
        )
    if shipment is not None:
        if shipment.order_id != current.pk:
            raise field_error("shipment_id", _("This shipment belongs to another order."))
        if Invoice.objects.filter(shipment=shipment).exists():
            raise field_error("shipment_id", _("This shipment is already invoiced."))
    amounts = invoiceable_amount(current, shipment)
    already = Invoice.objects.filter(order=current).aggregate(s=Sum("gross_amount"))["s"] or 0
    if amounts["gross"] <= 0 or already + amounts["gross"] > current.gross_total:
        raise ValidationFailed(
            _("Nothing of this order is left to invoice."), code="nothing_to_invoice"
        )
    issued = issue_date or timezone.localdate()
    due = due_date or issued + timedelta(days=payment_terms_days(current))
    if due < issued:
        raise field_error("due_date", _("The due date cannot be before the issue date."))
    invoice = Invoice(
        customer_id=current.customer_id,
        order=current,
        shipment=shipment,
        owner_id=current.owner_id,
        org_unit_id=current.org_unit_id,
        fapiao_type=fapiao_type,
        fapiao_number=(fapiao_number or "").strip()[:40],
        issue_date=issued,
        due_date=due,
        net_amount=amounts["net"],
        tax_amount=amounts["tax"],
        gross_amount=amounts["gross"],
    )
    record_create(instance=invoice, actor=actor)
    invoice.number = f"INV{invoice.pk:09d}"
    Invoice.all_objects.filter(pk=invoice.pk).update(number=invoice.number)
    ReceivableEntry.objects.create(
        customer_id=invoice.customer_id,
        kind=EntryKind.INVOICE,
        amount=invoice.gross_amount,
        on=issued,
        invoice=invoice,
        owner_id=invoice.owner_id,
        org_unit_id=invoice.org_unit_id,
    )
    return invoice


@transaction.atomic
def payment_create(
    *,
    customer: Any,
    actor: Any,
    amount: Decimal,
    received_on: date | None = None,
    method: str = "transfer",
    reference: str = "",
    allocations: list[tuple[Invoice, Decimal]] | None = None,
) -> Payment:
    """Money received from `customer`, optionally allocated to its invoices at once; what is
    not allocated stays as the customer's credit. Writes the ledger's − entry."""
    amount = quantize(Decimal(amount), amount_places())
    if amount <= 0:
        raise field_error("amount", _("Enter an amount greater than zero."))
    payment = Payment(
        customer=customer,
        owner_id=customer.owner_id,
        org_unit_id=customer.org_unit_id,
        received_on=received_on or timezone.localdate(),
        amount=amount,
        method=method,
        reference=(reference or "").strip()[:100],
    )
    record_create(instance=payment, actor=actor)
    payment.number = f"PAY{payment.pk:09d}"
    Payment.all_objects.filter(pk=payment.pk).update(number=payment.number)
    ReceivableEntry.objects.create(
        customer_id=customer.pk,
        kind=EntryKind.PAYMENT,
        amount=-amount,
        on=payment.received_on,
        payment=payment,
        owner_id=payment.owner_id,
        org_unit_id=payment.org_unit_id,
    )
    if allocations:
        payment_allocate(payment=payment, allocations=allocations, actor=actor)
    return payment


@transaction.atomic
def payment_allocate(
    *, payment: Payment, allocations: list[tuple[Invoice, Decimal]], actor: Any
) -> list[PaymentAllocation]:
    """Settle invoices of the payment's customer; each at most the invoice's open amount, all
    together at most the payment's unallocated amount."""
    current = Payment.objects.select_for_update().get(pk=payment.pk)
    places = amount_places()
    ids = [inv.pk for inv, _amount in allocations]
    if len(set(ids)) != len(ids):
        raise field_error("allocations", _("Allocate to each invoice once."))
    invoices = {i.pk: i for i in Invoice.objects.select_for_update().filter(pk__in=ids)}
    done = _allocated(ids)
    left = current.amount - (
        PaymentAllocation.objects.filter(payment=current).aggregate(s=Sum("amount"))["s"] or 0
    )
    rows = []
    paid_off: list[int] = []
    for invoice, raw in allocations:
        amount = quantize(Decimal(raw), places)
        inv = invoices.get(invoice.pk)
        if inv is None or inv.customer_id != current.customer_id:
            raise field_error("allocations", _("An invoice belongs to another customer."))
        if amount <= 0:
            continue
        open_amount = inv.gross_amount - done.get(inv.pk, 0)
        if amount > open_amount:
            raise OverAllocated(
                fields={
                    f"allocations.{inv.pk}": [
                        _("At most %(open)s of %(invoice)s is open.")
                        % {"open": open_amount, "invoice": inv.number}
                    ]
                }
            )
        left -= amount
        if left < 0:
            raise OverAllocated(
                fields={"allocations": [_("The allocations exceed the payment's amount.")]}
            )
        rows.append(
            PaymentAllocation(payment=current, invoice=inv, amount=amount, created_by=actor)
        )
        if amount == open_amount:
            paid_off.append(inv.pk)
    created = PaymentAllocation.objects.bulk_create(rows)
    if paid_off:
        Invoice.objects.filter(pk__in=paid_off).update(settled=True)
    return created


@transaction.atomic
def credit_limit_set(
    *,
    customer: Any,
    actor: Any,
    amount: Decimal | None,
    payment_terms_days: int | None,
    version: int | None = None,
) -> CreditLimit:
    """Finance sets a customer's limit (None: not set here; see
    selectors_receivables.effective_limit) and terms; versioned once it exists."""
    from crm.core.errors import StaleVersion
    from crm.core.services import record_update

    if amount is not None and amount < 0:
        raise field_error("amount", _("The credit limit cannot be negative."))
    row = CreditLimit.objects.select_for_update().filter(customer=customer).first()
    if row is None:
        if version:
            raise StaleVersion()
        row = CreditLimit(customer=customer, amount=amount, payment_terms_days=payment_terms_days)
        return record_create(instance=row, actor=actor)
    return record_update(
        instance=row,
        version=version if version is not None else row.version,
        changes={"amount": amount, "payment_terms_days": payment_terms_days},
        actor=actor,
    )
