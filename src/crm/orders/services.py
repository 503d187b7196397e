"""Every write to sales orders: in a transaction, versioned, audited (SAL-6).

Status moves follow TRANSITIONS; "partly shipped"/"shipped" are set by the shipment services
and "pending approval" by the credit check on confirm. Only a draft's fields and lines change.
"""

import hashlib
import json
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.core.services import record_create, record_update
from crm.products.pricing import prices_for
from crm.sales.totals import line_totals, places

from . import credit
from .errors import (
    IdempotencyKeyReused,
    InvalidTransition,
    NotOrderable,
    OrderLocked,
    field_error,
)
from .models import IdempotencyKey, OrderLine, OrderStatus, OrderStatusChange, SalesOrder

S = OrderStatus
# The edges a user may take; shipped states are reached through shipments.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.CONFIRMED, S.CANCELLED}),
    S.PENDING: frozenset(),  # decided by the approval
    S.CONFIRMED: frozenset({S.CANCELLED}),
    S.PARTLY_SHIPPED: frozenset({S.COMPLETED}),
    S.SHIPPED: frozenset({S.COMPLETED}),
    S.COMPLETED: frozenset(),
    S.CANCELLED: frozenset(),
}
EDITABLE_FIELDS = ("order_date", "payment_terms_days", "notes", "opportunity")
DEFAULT_TAX_RATE = Decimal(13)
MAX_LINES = 200


def allowed_targets(status: str) -> list[str]:
    return [s for s in S.values if s in TRANSITIONS.get(status, frozenset())]


def _number(pk: int) -> str:
    return f"SO{pk:09d}"


def _clean_lines(lines: list[dict[str, Any]], customer: Any) -> list[OrderLine]:
    """Unsaved lines with their amounts; an empty price takes the customer's price today."""
    if not lines:
        raise field_error("lines", _("Add at least one product line."))
    if len(lines) > MAX_LINES:
        raise field_error("lines", _("At most %(n)s lines.") % {"n": MAX_LINES})
    p = places()
    missing = [line["product"] for line in lines if line.get("unit_price") is None]
    quotes = prices_for(customer, missing) if missing else {}
    out = []
    for i, line in enumerate(lines):
        product = line["product"]
        quantity = Decimal(line["quantity"])
        if quantity <= 0:
            raise field_error(f"lines.{i}.quantity", _("Enter a quantity greater than zero."))
        price = line.get("unit_price")
        if price is None:
            price = quotes[product.pk].price if product.pk in quotes else product.list_price
        discount = Decimal(line.get("discount_percent") or 0)
        rate = line.get("tax_rate")
        rate = DEFAULT_TAX_RATE if rate is None else Decimal(rate)
        if not (0 <= discount <= 100):
            raise field_error(f"lines.{i}.discount_percent", _("Between 0 and 100."))
        if not (0 <= rate <= 100):
            raise field_error(f"lines.{i}.tax_rate", _("Between 0 and 100."))
        t = line_totals(
            quantity=quantity, unit_price=Decimal(price), discount_pct=discount, tax_rate=rate, p=p
        )
        out.append(
            OrderLine(
                product=product,
                unit_id=product.unit_id,
                quantity=quantity,
                unit_price=price,
                discount_percent=discount,
                tax_rate=rate,
                net_amount=t.net,
                tax_amount=t.tax,
                gross_amount=t.gross,
                sort_order=i,
            )
        )
    return out


def _totals(lines: list[OrderLine]) -> dict[str, Decimal]:
    """The document's totals: the sums of its rounded lines (crm.sales.totals' rule)."""
    net = sum((x.net_amount for x in lines), Decimal(0))
    tax = sum((x.tax_amount for x in lines), Decimal(0))
    return {"net_total": net, "tax_total": tax, "gross_total": net + tax}


def _check_opportunity(opportunity: Any, customer: Any) -> None:
    if opportunity is not None and opportunity.customer_id != customer.pk:
        raise field_error("opportunity_id", _("This opportunity belongs to another customer."))


def _log(order: SalesOrder, old: str, new: str, actor: Any, comment: str = "") -> None:
    OrderStatusChange.objects.create(
        order=order,
        from_status=old,
        to_status=new,
        changed_at=timezone.now(),
        changed_by=actor,
        comment=comment.strip()[:500],
    )


@transaction.atomic
def order_create(
    *,
    actor: Any,
    customer: Any,
    lines: list[dict[str, Any]],
    order_date: date | None = None,
    owner: Any = None,
    opportunity: Any = None,
    payment_terms_days: int | None = None,
    notes: str = "",
    quote: Any = None,
    contract: Any = None,
) -> SalesOrder:
    """A draft order of `customer`; owner defaults to the actor, the unit to the owner's."""
    owner = owner or actor
    if getattr(owner, "unit_id", None) is None:
        raise field_error("owner_id", _("The owner belongs to no unit."))
    _check_opportunity(opportunity, customer)
    checked = _clean_lines(lines, customer)
    now = timezone.now()
    order = SalesOrder(
        customer=customer,
        owner=owner,
        org_unit_id=owner.unit_id,
        opportunity=opportunity,
        quote=quote,
        contract=contract,
        order_date=order_date or timezone.localdate(),
        payment_terms_days=payment_terms_days,
        notes=(notes or "").strip(),
        status=S.DRAFT,
        status_changed_at=now,
        **_totals(checked),
    )
    record_create(instance=order, actor=actor)
    order.number = _number(order.pk)
    SalesOrder.all_objects.filter(pk=order.pk).update(number=order.number)
    for line in checked:
        line.order = order
    OrderLine.objects.bulk_create(checked)
    _log(order, "", S.DRAFT, actor)
    return order


@transaction.atomic
def order_from_document(*, document: Any, actor: Any) -> SalesOrder:
    """A draft order with the lines of an accepted quote or an active contract (SAL-6: "from
    a quote/contract"); one order per document. A contract's payment terms come along."""
    from crm.sales.models_contracts import Contract, ContractStatus
    from crm.sales.models_quotes import Quote, QuoteStatus

    is_quote = isinstance(document, Quote)
    # lock the document: two clicks must not make two orders
    document = type(document).objects.select_for_update().get(pk=document.pk)
    if is_quote and document.status != QuoteStatus.ACCEPTED:
        raise NotOrderable(_("Only an accepted quote can become an order."))
    if isinstance(document, Contract) and document.status != ContractStatus.ACTIVE:
        raise NotOrderable(_("Only an active contract can become an order."))
    link = {"quote": document} if is_quote else {"contract": document}
    existing = SalesOrder.objects.filter(**link).first()
    if existing is not None:
        raise NotOrderable(
            _("Order %(number)s was already made from it.") % {"number": existing.number}
        )
    lines = [
        {
            "product": line.product,
            "quantity": line.quantity,
            "unit_price": line.unit_price,
            "discount_percent": line.discount_pct,
            "tax_rate": line.tax_rate,
        }
        for line in document.lines.select_related("product")
    ]
    if not lines:
        raise NotOrderable(_("It has no product lines to order."))
    return order_create(
        actor=actor,
        customer=document.customer,
        lines=lines,
        owner=document.owner,
        opportunity=document.opportunity,
        payment_terms_days=None if is_quote else document.payment_terms_days,
        **link,
    )


def body_hash(body: Any) -> str:
    return hashlib.sha256(
        json.dumps(body, sort_keys=True, default=str, separators=(",", ":")).encode()
    ).hexdigest()


def order_create_idempotent(
    *, actor: Any, key: str, body: Any, **kwargs: Any
) -> tuple[SalesOrder, bool]:
    """`order_create` once per (user, key): a replay with the same body returns the first
    order (created False); the same key with another body raises IdempotencyKeyReused."""
    digest = body_hash(body)

    def existing() -> tuple[SalesOrder, bool] | None:
        row = IdempotencyKey.objects.filter(user=actor, key=key).select_related("order").first()
        if row is None:
            return None
        if row.body_hash != digest:
            raise IdempotencyKeyReused()
        return row.order, False

    found = existing()
    if found:
        return found
    try:
        with transaction.atomic():
            order = order_create(actor=actor, **kwargs)
            IdempotencyKey.objects.create(user=actor, key=key, body_hash=digest, order=order)
    except IntegrityError:
        # A concurrent request with the same key won; answer as its replay.
        found = existing()
        if found is None:
            raise
        return found
    return order, True


def _locked(order: SalesOrder, version: int) -> SalesOrder:
    """The order's row, locked for this transaction; caller is inside transaction.atomic."""
    from crm.core.errors import StaleVersion

    current = SalesOrder.objects.select_for_update().filter(pk=order.pk).first()
    if current is None or current.version != version:
        raise StaleVersion()
    return current


@transaction.atomic
def order_update(
    *,
    order: SalesOrder,
    version: int,
    actor: Any,
    lines: list[dict[str, Any]] | None = None,
    **changes: Any,
) -> SalesOrder:
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    current = _locked(order, version)
    if not current.is_editable:
        raise OrderLocked()
    if "opportunity" in changes:
        _check_opportunity(changes["opportunity"], current.customer)
    if "notes" in changes:
        changes["notes"] = (changes["notes"] or "").strip()
    if lines is not None:
        checked = _clean_lines(lines, current.customer)
        current.lines.all().delete()
        for line in checked:
            line.order = current
        OrderLine.objects.bulk_create(checked)
        changes.update(_totals(checked))
    return record_update(instance=current, version=version, changes=changes, actor=actor)


def _move(order: SalesOrder, to: str, version: int, actor: Any, comment: str = "") -> SalesOrder:
    updated = record_update(
        instance=order,
        version=version,
        changes={"status": to, "status_changed_at": timezone.now()},
        actor=actor,
    )
    _log(updated, order.status, to, actor, comment)
    return updated


@transaction.atomic
def order_transition(
    *, order: SalesOrder, to: str, version: int, actor: Any, comment: str = ""
) -> SalesOrder:
    """Move along an allowed edge. Confirming runs the credit check: over the limit, the
    order goes to "pending approval" (locked) and the approvals engine decides."""
    current = _locked(order, version)
    if to not in TRANSITIONS.get(current.status, frozenset()):
        raise InvalidTransition(
            _("An order that is %(from)s cannot become %(to)s.")
            % {"from": S(current.status).label, "to": S(to).label if to in S.values else to}
        )
    if to == S.CANCELLED and current.lines.filter(shipped_quantity__gt=0).exists():
        raise InvalidTransition(_("An order with shipments cannot be cancelled."))
    if to == S.CONFIRMED:
        check = credit.check(current.customer, current.gross_total)
        if check.exceeded:
            moved = _move(current, S.PENDING, version, actor, comment)
            credit.submit_for_approval(order=moved, check=check, actor=actor)
            return moved
    return _move(current, to, version, actor, comment)


@transaction.atomic
def order_approval_decided(*, order: SalesOrder, approved: bool, actor: Any) -> SalesOrder:
    """The approvals engine's answer for a pending order: approved → confirmed, else draft."""
    current = SalesOrder.objects.select_for_update().get(pk=order.pk)
    if current.status != S.PENDING:
        return current
    to = S.CONFIRMED if approved else S.DRAFT
    comment = _("Credit approval granted.") if approved else _("Credit approval rejected.")
    return _move(current, to, current.version, actor, comment)


def shipped_status(lines: list[OrderLine]) -> str:
    """The status the shipped quantities give: shipped when every line is fully out."""
    if all(line.shipped_quantity >= line.quantity for line in lines):
        return S.SHIPPED
    if any(line.shipped_quantity > 0 for line in lines):
        return S.PARTLY_SHIPPED
    return S.CONFIRMED
