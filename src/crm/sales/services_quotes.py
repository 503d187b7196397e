"""Every write to quotes (SAL-4): in a transaction, versioned, with history.

A quote is edited only as a draft. Sending submits it to approvals (facts: the largest line
discount and the gross amount); when a rule matches it waits as "pending approval", locked,
until the approver decides (approved → sent, rejected → back to draft with the comment).
A sent quote changes only through a new version (`quote_revise`), which supersedes it.
Sent quotes whose valid-until date has passed become expired (`quotes_expire`, daily).
"""

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.core.audit import audit_log
from crm.core.errors import Conflict, DomainError, StaleVersion, ValidationFailed
from crm.core.models import AuditAction
from crm.core.services import record_create, record_restore, record_soft_delete, record_update

from . import approvals
from .models_approvals import ApprovalRequest
from .models_quotes import Quote, QuoteLine, QuoteStatus
from .totals import Places, document_totals, places

S = QuoteStatus
DEFAULT_TAX_RATE = Decimal("13")  # China's standard VAT rate for goods
DEFAULT_VALID_DAYS = 30
MAX_LINES = 200
QUOTE_FIELDS = ("title", "contact", "valid_until", "notes")
# The moves a user makes with `quote_transition`; approval decisions and expiry are separate.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.SENT}),
    S.PENDING: frozenset({S.DRAFT}),  # withdraw the approval request
    S.SENT: frozenset({S.ACCEPTED, S.REJECTED}),
}


def allowed_targets(status: str) -> list[str]:
    return [s for s in S.values if s in TRANSITIONS.get(status, frozenset())]


def _bad(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(fields={field: [message]})


def _number(pk: int) -> str:
    return f"Q{pk:09d}"


def prepare_lines(
    customer: Any, lines: Iterable[dict[str, Any]], p: Places | None = None
) -> list[dict[str, Any]]:
    """Lines as given ({product, quantity, unit_price?, discount_pct?, tax_rate?}) with the
    customer's price where none is given and the computed amounts; 422 on bad values."""
    from crm.products.pricing import prices_for

    items = [dict(line) for line in lines]
    if len(items) > MAX_LINES:
        raise _bad("lines", _("A quote has at most %(n)s lines.") % {"n": MAX_LINES})
    if not items:
        return []
    p = p or places()
    missing = [i["product"] for i in items if i.get("unit_price") is None]
    prices = prices_for(customer, missing) if missing else {}
    errors: dict[str, list[str]] = {}
    for n, item in enumerate(items):
        product = item["product"]
        if not product.active:
            errors[f"lines.{n}.product_id"] = [_("This product is not in use.")]
        if item.get("unit_price") is None:
            item["unit_price"] = prices[product.pk].price
        item.setdefault("discount_pct", Decimal("0"))
        if item.get("tax_rate") is None:
            item["tax_rate"] = DEFAULT_TAX_RATE
        for key, low, high in (
            ("quantity", Decimal("0"), Decimal(10) ** 12),
            ("unit_price", Decimal("-1"), Decimal(10) ** 12),
            ("discount_pct", Decimal("-1"), Decimal("100")),
            ("tax_rate", Decimal("-1"), Decimal("100")),
        ):
            value = item.get(key)
            if not isinstance(value, Decimal | int) or not (low < value <= high):
                errors[f"lines.{n}.{key}"] = [_("Enter a valid number in range.")]
    if errors:
        raise ValidationFailed(fields=errors)
    totals = document_totals(items, p)
    for item, t in zip(items, totals.lines, strict=True):
        item.update(
            quantity=t.quantity,
            unit_price=t.unit_price,
            discount_pct=t.discount_pct,
            tax_rate=t.tax_rate,
            net_amount=t.net,
            tax_amount=t.tax,
            gross_amount=t.gross,
        )
    return items


def totals_of(items: list[dict[str, Any]]) -> dict[str, Decimal]:
    zero = Decimal("0")
    net = sum((i["net_amount"] for i in items), zero)
    tax = sum((i["tax_amount"] for i in items), zero)
    return {
        "net_amount": net,
        "tax_amount": tax,
        "gross_amount": net + tax,
        "max_discount_pct": max((i["discount_pct"] for i in items), default=zero),
    }


def line_rows(model: Any, items: list[dict[str, Any]], **parent: Any) -> list[Any]:
    """Unsaved line rows of `model` (QuoteLine, ContractLine) from prepared items."""
    return [
        model(
            product=i["product"],
            description=(i.get("description") or i["product"].name)[:300],
            unit=str(getattr(i["product"].unit, "name", ""))[:20],
            quantity=i["quantity"],
            unit_price=i["unit_price"],
            discount_pct=i["discount_pct"],
            tax_rate=i["tax_rate"],
            net_amount=i["net_amount"],
            tax_amount=i["tax_amount"],
            gross_amount=i["gross_amount"],
            sort_order=n,
            **parent,
        )
        for n, i in enumerate(items)
    ]


def lines_as_input(lines: Iterable[Any]) -> list[dict[str, Any]]:
    """Stored lines as input for prepare_lines (to copy them to a new document)."""
    return [
        {
            "product": line.product,
            "description": line.description,
            "quantity": line.quantity,
            "unit_price": line.unit_price,
            "discount_pct": line.discount_pct,
            "tax_rate": line.tax_rate,
        }
        for line in lines
    ]


def _write_lines(quote: Quote, items: list[dict[str, Any]]) -> None:
    QuoteLine.objects.filter(quote=quote).delete()
    QuoteLine.objects.bulk_create(line_rows(QuoteLine, items, quote=quote))


def lines_text(items: Iterable[Any]) -> str:
    def get(i: Any, k: str) -> Any:
        return i[k] if isinstance(i, dict) else getattr(i, k)

    return "; ".join(
        f"{get(i, 'product').code} × {get(i, 'quantity').normalize():f}"
        f" @ {get(i, 'unit_price').normalize():f}"
        f" -{get(i, 'discount_pct').normalize():f}%"
        for i in items
    )


def _check_refs(customer: Any, contact: Any, opportunity: Any) -> None:
    if contact is not None and contact.customer_id != customer.pk:
        raise _bad("contact_id", _("This contact belongs to another customer."))
    if opportunity is not None and opportunity.customer_id != customer.pk:
        raise _bad("opportunity_id", _("The opportunity belongs to another customer."))


@transaction.atomic
def quote_create(
    *,
    actor: Any,
    customer: Any,
    lines: Iterable[dict[str, Any]] = (),
    opportunity: Any = None,
    contact: Any = None,
    owner: Any = None,
    valid_until: date | None = None,
    title: str = "",
    notes: str = "",
) -> Quote:
    """A new draft for `customer` (owner: the opportunity's, else the actor)."""
    _check_refs(customer, contact, opportunity)
    owner = owner or (opportunity.owner if opportunity is not None else actor)
    org_unit = opportunity.org_unit if opportunity is not None else getattr(owner, "unit", None)
    if org_unit is None:
        raise _bad("owner_id", _("The owner belongs to no unit."))
    items = prepare_lines(customer, lines)
    quote = Quote(
        customer=customer,
        contact=contact,
        opportunity=opportunity,
        owner=owner,
        org_unit=org_unit,
        title=(title or "").strip()[:200],
        notes=notes or "",
        valid_until=valid_until or timezone.localdate() + timedelta(days=DEFAULT_VALID_DAYS),
        **totals_of(items),
    )
    record_create(instance=quote, actor=actor)
    quote.number = _number(quote.pk)
    Quote.all_objects.filter(pk=quote.pk).update(number=quote.number)
    _write_lines(quote, items)
    return quote


def quote_from_opportunity(*, actor: Any, opportunity: Any, **fields: Any) -> Quote:
    """A draft pre-filled with the opportunity's customer, contact and lines (their prices)."""
    lines = [
        {"product": line.product, "quantity": line.quantity, "unit_price": line.unit_price}
        for line in opportunity.lines.select_related("product", "product__unit")
    ]
    fields.setdefault("title", opportunity.name)
    fields.setdefault("contact", opportunity.contact)
    return quote_create(
        actor=actor, customer=opportunity.customer, opportunity=opportunity, lines=lines, **fields
    )


def _editable(quote: Quote) -> None:
    approvals.ensure_unlocked(quote)
    if quote.status != S.DRAFT:
        raise Conflict(
            _("Only a draft can be changed; create a new version of a sent quote."),
            code="not_editable",
        )


@transaction.atomic
def quote_update(
    *,
    quote: Quote,
    version: int,
    actor: Any,
    lines: Iterable[dict[str, Any]] | None = None,
    **changes: Any,
) -> Quote:
    """Change a draft's fields and (when given) replace its lines; totals follow the lines."""
    unknown = set(changes) - set(QUOTE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    current = Quote.objects.select_for_update().get(pk=quote.pk)
    _editable(current)
    if "contact" in changes:
        _check_refs(current.customer, changes["contact"], None)
    if "title" in changes:
        changes["title"] = str(changes["title"] or "").strip()[:200]
    items = None
    if lines is not None:
        items = prepare_lines(current.customer, lines)
        changes.update(totals_of(items))
    updated = record_update(instance=current, version=version, changes=changes, actor=actor)
    if items is not None:
        before = lines_text(current.lines.select_related("product"))
        _write_lines(updated, items)
        after = lines_text(items)
        if before != after:
            audit_log(
                instance=updated,
                action=AuditAction.UPDATE,
                actor=actor,
                changes={"lines": {"label": _("Lines"), "old": before, "new": after}},
            )
    return updated


def _move(quote: Quote, version: int, actor: Any, to: str, **extra: Any) -> Quote:
    return record_update(
        instance=quote, version=version, changes={"status": to, **extra}, actor=actor
    )


def approval_facts(quote: Quote) -> dict[str, Any]:
    return {"discount_pct": quote.max_discount_pct, "amount": quote.gross_amount}


@transaction.atomic
def quote_send(*, quote: Quote, version: int, actor: Any) -> Quote:
    """Draft → sent, or → pending approval when a rule matches (the quote is then locked)."""
    current = Quote.objects.select_for_update().get(pk=quote.pk)
    _editable(current)
    if not current.lines.exists():
        raise _bad("lines", _("Add at least one line before sending the quote."))
    if current.valid_until < timezone.localdate():
        raise _bad("valid_until", _("The valid-until date has passed; change it first."))
    request = approvals.approval_submit(
        document=current, kind="quote", facts=approval_facts(current), user=actor
    )
    if request is not None:
        return _move(current, version, actor, S.PENDING, status_comment="")
    return _move(current, version, actor, S.SENT, sent_at=timezone.now(), status_comment="")


def quote_on_decided(quote: Quote, approved: bool, request: ApprovalRequest, user: Any) -> None:
    """The approver decided (called inside approval_decide's transaction)."""
    current = Quote.objects.select_for_update().get(pk=quote.pk)
    if current.status != S.PENDING:
        return
    if approved:
        _move(current, current.version, user, S.SENT, sent_at=timezone.now(), status_comment="")
    else:
        _move(current, current.version, user, S.DRAFT, status_comment=request.comment[:500])


@transaction.atomic
def quote_transition(
    *, quote: Quote, to: str, version: int, actor: Any, comment: str = ""
) -> Quote:
    """A user's move along TRANSITIONS (409 `invalid_transition` otherwise): send, withdraw
    a pending request (back to draft), or record the customer's answer to a sent quote."""
    current = Quote.objects.select_for_update().get(pk=quote.pk)
    if current.version != version:
        raise StaleVersion()
    if to not in TRANSITIONS.get(current.status, frozenset()):
        raise Conflict(
            _("A quote cannot go from “%(old)s” to “%(new)s”.")
            % {"old": S(current.status).label, "new": S(to).label if to in S.values else to},
            code="invalid_transition",
        )
    if to == S.SENT:
        return quote_send(quote=current, version=version, actor=actor)
    if current.status == S.PENDING:
        approvals.approval_withdraw(document=current, user=actor)
        return _move(current, version, actor, S.DRAFT, status_comment=comment[:500])
    if current.valid_until < timezone.localdate() and to == S.ACCEPTED:
        raise Conflict(_("The quote has expired; create a new version."), code="expired")
    return _move(
        current,
        version,
        actor,
        to,
        decided_on=timezone.localdate(),
        status_comment=comment[:500],
    )


@transaction.atomic
def quote_revise(*, quote: Quote, version: int, actor: Any) -> Quote:
    """A new draft version (n+1) with the same number and lines; the old one is superseded."""
    current = Quote.objects.select_for_update().get(pk=quote.pk)
    if current.status not in (S.SENT, S.REJECTED, S.EXPIRED):
        raise Conflict(
            _("Only a sent, rejected or expired quote gets a new version."), code="not_revisable"
        )
    _move(current, version, actor, S.SUPERSEDED)
    lines = lines_as_input(current.lines.select_related("product", "product__unit"))
    items = prepare_lines(current.customer, lines)
    today = timezone.localdate()
    new = Quote(
        number=current.number,
        revision=current.revision + 1,
        previous=current,
        customer=current.customer,
        contact=current.contact,
        opportunity=current.opportunity,
        owner=current.owner,
        org_unit=current.org_unit,
        title=current.title,
        notes=current.notes,
        valid_until=max(current.valid_until, today + timedelta(days=DEFAULT_VALID_DAYS)),
        **totals_of(items),
    )
    record_create(instance=new, actor=actor)
    _write_lines(new, items)
    return new


def quote_delete(*, quote: Quote, actor: Any) -> Quote:
    _editable(quote)
    return record_soft_delete(instance=quote, actor=actor)


def quote_restore(*, quote: Quote, actor: Any) -> Quote:
    if quote.customer.is_deleted:
        raise Conflict(_("Restore the customer first."), code="customer_deleted")
    return record_restore(instance=quote, actor=actor)


def quotes_expire(today: date) -> int:
    """Sent quotes past their valid-until date become expired (the daily job; safe to rerun)."""
    expired = 0
    stale = Quote.objects.filter(status=S.SENT, valid_until__lt=today).values_list("pk", "version")
    for pk, version in stale.iterator():
        quote = Quote.objects.get(pk=pk)
        try:
            _move(quote, version, None, S.EXPIRED)
        except DomainError:
            continue  # changed meanwhile; the next run sees it
        expired += 1
    return expired
