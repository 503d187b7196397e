"""API of receivables (SAL-7): invoices, payments and allocations, aging, overdue, a
customer's balance and ledger, credit limits. Writes are finance's (others: 403)."""

from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Status

from crm.api.schemas import (
    ERRORS,
    WRITE_ERRORS,
    Id,
    PageNumber,
    PageOut,
    PageSize,
    Text,
    page_out,
    ref,
)
from crm.core.errors import ValidationFailed
from crm.customers import selectors as customer_selectors

from . import selectors, services_receivables
from . import selectors_receivables as rsel
from .api import router
from .models import CreditLimit
from .models_receivables import Invoice, Payment
from .schemas import (
    AgingOut,
    AllocationsIn,
    CreditLimitIn,
    CreditLimitOut,
    CustomerReceivablesOut,
    InvoiceIn,
    InvoiceOut,
    PaymentIn,
    PaymentOut,
)
from .views_receivables import require_finance


def invoice_out(i: Invoice) -> dict[str, Any]:
    return {
        "id": i.pk,
        "number": i.number or "",
        "fapiao_type": i.fapiao_type,
        "fapiao_number": i.fapiao_number,
        "customer": ref(i.customer),
        "order_id": i.order_id,
        "shipment_id": i.shipment_id,
        "issue_date": i.issue_date,
        "due_date": i.due_date,
        "net_amount": i.net_amount,
        "tax_amount": i.tax_amount,
        "gross_amount": i.gross_amount,
        "open_amount": i.open_amount,  # type: ignore[attr-defined]
    }


@router.get("/invoices", response={200: PageOut[InvoiceOut], **ERRORS}, tags=["receivables"])
def invoice_list(
    request: HttpRequest,
    search: Text = "",
    customer_id: Id | None = None,
    order_id: Id | None = None,
    open: bool = False,
    overdue: bool = False,
    page: PageNumber = 1,
    page_size: PageSize = 20,
) -> Any:
    from crm.core.access import require
    from crm.core.modules import Action, Module

    require(request.user, Module.SALES, Action.VIEW)
    f = rsel.InvoiceFilters(
        customer=customer_id,
        order=order_id,
        open_only=open,
        overdue_on=timezone.localdate() if overdue else None,
        search=search,
    )
    return page_out(rsel.invoice_list(request.user, f), page, page_size, invoice_out)


@router.post("/invoices", response={201: InvoiceOut, **WRITE_ERRORS}, tags=["receivables"])
def invoice_create(request: HttpRequest, payload: InvoiceIn) -> Any:
    """Invoice a shipment (once) or the rest of an order; due date from the payment terms
    (order, else customer, else the `payment_terms_days` parameter) unless given."""
    order = selectors.order_get_for_user(user=request.user, pk=payload.order_id)
    require_finance(request.user)
    shipment = None
    if payload.shipment_id is not None:
        shipment = selectors.shipments_of(order).filter(pk=payload.shipment_id).first()
        if shipment is None:
            raise ValidationFailed(fields={"shipment_id": [_("Unknown or not allowed choice.")]})
    inv = services_receivables.invoice_create(
        order=order,
        actor=request.user,
        shipment=shipment,
        fapiao_type=payload.fapiao_type,
        fapiao_number=payload.fapiao_number,
        issue_date=payload.issue_date,
        due_date=payload.due_date,
    )
    return Status(201, invoice_out(rsel.invoice_get_for_user(user=request.user, pk=inv.pk)))


@router.get("/invoices/{invoice_id}", response={200: InvoiceOut, **ERRORS}, tags=["receivables"])
def invoice_detail(request: HttpRequest, invoice_id: int) -> Any:
    return invoice_out(rsel.invoice_get_for_user(user=request.user, pk=invoice_id))


def payment_out(p: Payment) -> dict[str, Any]:
    rows = list(p.allocations.all())
    allocations = [
        {"invoice_id": a.invoice_id, "invoice_number": a.invoice.number or "", "amount": a.amount}
        for a in rows
    ]
    return {
        "id": p.pk,
        "number": p.number or "",
        "customer": ref(p.customer),
        "received_on": p.received_on,
        "amount": p.amount,
        "method": p.method,
        "reference": p.reference,
        "unallocated": p.amount - sum((a.amount for a in rows), Decimal(0)),
        "allocations": allocations,
    }


def _payments(user: Any) -> Any:
    return rsel.payments_for_user(user).prefetch_related("allocations__invoice")


@router.get("/payments", response={200: PageOut[PaymentOut], **ERRORS}, tags=["receivables"])
def payment_list(
    request: HttpRequest,
    customer_id: Id | None = None,
    page: PageNumber = 1,
    page_size: PageSize = 20,
) -> Any:
    from crm.core.access import require
    from crm.core.modules import Action, Module

    require(request.user, Module.SALES, Action.VIEW)
    qs = _payments(request.user)
    if customer_id is not None:
        qs = qs.filter(customer=customer_id)
    return page_out(qs, page, page_size, payment_out)


def _allocations(user: Any, customer_id: int, items: list[Any]) -> list[tuple[Invoice, Any]]:
    ids = [x.invoice_id for x in items]
    found = {i.pk: i for i in rsel.invoices_in_scope(user).filter(pk__in=ids)}
    out = []
    for n, x in enumerate(items):
        inv = found.get(x.invoice_id)
        if inv is None or inv.customer_id != customer_id:
            raise ValidationFailed(
                fields={f"allocations.{n}.invoice_id": [_("Unknown or not allowed choice.")]}
            )
        out.append((inv, x.amount))
    return out


@router.post("/payments", response={201: PaymentOut, **WRITE_ERRORS}, tags=["receivables"])
def payment_create(request: HttpRequest, payload: PaymentIn) -> Any:
    """Money received, optionally allocated to open invoices of the customer (each at most
    its open amount, together at most the payment: 422 `allocation_exceeds_open`); the rest
    stays as credit."""
    user = request.user
    customer = customer_selectors.customer_get_for_user(user=user, pk=payload.customer_id)
    require_finance(user)
    p = services_receivables.payment_create(
        customer=customer,
        actor=user,
        amount=payload.amount,
        received_on=payload.received_on,
        method=payload.method,
        reference=payload.reference,
        allocations=_allocations(user, customer.pk, payload.allocations),
    )
    return Status(201, payment_out(_payments(user).get(pk=p.pk)))


@router.get("/payments/{payment_id}", response={200: PaymentOut, **ERRORS}, tags=["receivables"])
def payment_detail(request: HttpRequest, payment_id: int) -> Any:
    from crm.core.access import get_in_scope

    return payment_out(get_in_scope(_payments(request.user), payment_id))


@router.post(
    "/payments/{payment_id}/allocations",
    response={200: PaymentOut, **WRITE_ERRORS},
    tags=["receivables"],
)
def payment_allocate(request: HttpRequest, payment_id: int, payload: AllocationsIn) -> Any:
    """Allocate more of a payment's unallocated amount to open invoices."""
    user = request.user
    p = rsel.payment_get_for_user(user=user, pk=payment_id)
    require_finance(user)
    services_receivables.payment_allocate(
        payment=p, allocations=_allocations(user, p.customer_id, payload.allocations), actor=user
    )
    return payment_out(_payments(user).get(pk=p.pk))


@router.get("/receivables/aging", response={200: AgingOut, **ERRORS}, tags=["receivables"])
def aging(request: HttpRequest, page: PageNumber = 1, page_size: PageSize = 20) -> Any:
    """Open invoice amounts by days overdue (not due, 0–30, 31–60, 61–90, > 90) over every
    customer in scope (one aggregate), and per customer, biggest first."""
    from crm.core.access import require
    from crm.core.modules import Action, Module

    require(request.user, Module.SALES, Action.VIEW)
    today = timezone.localdate()
    report = rsel.aging_report(request.user, today, page, page_size)
    p = report.page
    return {
        "on": today,
        "totals": report.totals,
        "customers": [
            {
                "customer": {"id": r["customer_id"], "name": r["customer__name"]},
                **{k: r[k] for k in (*rsel.BUCKETS, "total")},
            }
            for r in p.items
        ],
        "count": p.count,
        "page": p.page,
        "page_size": p.page_size,
    }


@router.get(
    "/receivables/customers/{customer_id}",
    response={200: CustomerReceivablesOut, **ERRORS},
    tags=["receivables"],
)
def customer_receivables(request: HttpRequest, customer_id: int) -> Any:
    """A customer's balance (the ledger's sum), overdue amount, limit and latest entries."""
    from crm.core.access import require
    from crm.core.modules import Action, Module

    customer = customer_selectors.customer_get_for_user(user=request.user, pk=customer_id)
    require(request.user, Module.SALES, Action.VIEW)
    credit = rsel.credit_limit_of(customer)
    entries = rsel.ledger_of(customer.pk).order_by("-on", "-id")[:200]
    return {
        "customer": ref(customer),
        "balance": rsel.balance_of(customer.pk),
        "overdue": rsel.overdue_of(customer.pk, timezone.localdate()),
        "credit_limit": rsel.effective_limit(customer, credit),
        "payment_terms_days": credit.payment_terms_days if credit else None,
        "ledger": [
            {
                "kind": e.kind,
                "amount": e.amount,
                "on": e.on,
                "document": str(e.invoice or e.payment or e.sales_return or ""),
            }
            for e in entries
        ],
    }


def _credit_out(customer: Any, row: CreditLimit | None) -> dict[str, Any]:
    return {
        "customer": ref(customer),
        "amount": row.amount if row else None,
        "payment_terms_days": row.payment_terms_days if row else None,
        "version": row.version if row else None,
    }


@router.get(
    "/credit-limits/{customer_id}", response={200: CreditLimitOut, **ERRORS}, tags=["receivables"]
)
def credit_limit_detail(request: HttpRequest, customer_id: int) -> Any:
    from crm.core.access import require
    from crm.core.modules import Action, Module

    customer = customer_selectors.customer_get_for_user(user=request.user, pk=customer_id)
    require(request.user, Module.SALES, Action.VIEW)
    return _credit_out(customer, rsel.credit_limit_of(customer))


@router.put(
    "/credit-limits/{customer_id}",
    response={200: CreditLimitOut, **WRITE_ERRORS},
    tags=["receivables"],
)
def credit_limit_put(request: HttpRequest, customer_id: int, payload: CreditLimitIn) -> Any:
    """Finance sets the limit (null: none) and payment terms; `version` as last read."""
    customer = customer_selectors.customer_get_for_user(user=request.user, pk=customer_id)
    require_finance(request.user)
    row = services_receivables.credit_limit_set(
        customer=customer,
        actor=request.user,
        amount=payload.amount,
        payment_terms_days=payload.payment_terms_days,
        version=payload.version,
    )
    return _credit_out(customer, row)
