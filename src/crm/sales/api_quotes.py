"""API of quotes (SAL-4): list, create (from an opportunity or a customer), detail, patch a
draft with its version, status moves, new versions and the PDF. Thin: parse → selector/service
→ schema. Scope: the sales module's, by the quote's owner and unit, as opportunities."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from crm.api.schemas import ERRORS, WRITE_ERRORS, PageNumber, PageOut, PageSize, page_out, ref
from crm.core.access import require
from crm.core.errors import ValidationFailed
from crm.core.modules import Action, Module
from crm.customers import selectors as customer_selectors

from . import approvals, selectors, selectors_quotes, services_quotes
from .amount_words import rmb_upper
from .models_quotes import Quote, QuoteStatus
from .schemas_quotes import (
    QuoteDetailOut,
    QuoteIn,
    QuoteOut,
    QuotePatch,
    QuoteQuery,
    QuoteReviseIn,
    QuoteTransitionIn,
)

router = Router(tags=["quotes"])


def quote_out(q: Quote) -> dict[str, Any]:
    return {
        "id": q.pk,
        "number": q.number,
        "revision": q.revision,
        "title": q.title,
        "status": q.status,
        "customer": ref(q.customer),
        "contact": ref(q.contact),
        "opportunity": ref(q.opportunity),
        "owner": ref(q.owner),
        "org_unit": ref(q.org_unit),
        "valid_until": q.valid_until,
        "net_amount": q.net_amount,
        "tax_amount": q.tax_amount,
        "gross_amount": q.gross_amount,
        "max_discount_pct": q.max_discount_pct,
        "sent_at": q.sent_at,
        "decided_on": q.decided_on,
        "status_comment": q.status_comment,
        "created_at": q.created_at,
        "updated_at": q.updated_at,
        "version": q.version,
    }


def line_out(line: Any) -> dict[str, Any]:
    """A quote's or a contract's product line (they are priced alike: sales/totals.py)."""
    return {
        "id": line.pk,
        "product": ref(line.product),
        "product_code": line.product.code,
        "description": line.description,
        "unit": line.unit,
        "quantity": line.quantity,
        "unit_price": line.unit_price,
        "discount_pct": line.discount_pct,
        "tax_rate": line.tax_rate,
        "net_amount": line.net_amount,
        "tax_amount": line.tax_amount,
        "gross_amount": line.gross_amount,
    }


def _detail(user: Any, pk: int) -> dict[str, Any]:
    q = selectors_quotes.quote_get_for_user(user=user, pk=pk)
    return {
        **quote_out(q),
        "notes": q.notes,
        "amount_in_words": rmb_upper(q.gross_amount),
        "lines": [line_out(line) for line in selectors_quotes.lines_of(q)],
        "allowed_transitions": services_quotes.allowed_targets(q.status),
        "can_revise": q.status in (QuoteStatus.SENT, QuoteStatus.REJECTED, QuoteStatus.EXPIRED),
        "versions": [
            {
                "id": v.pk,
                "revision": v.revision,
                "status": v.status,
                "gross_amount": v.gross_amount,
                "created_at": v.created_at,
            }
            for v in selectors_quotes.versions_of(q)[:50]
        ],
        "approvals": [
            {
                "id": a.pk,
                "status": a.status,
                "approver": ref(a.approver),
                "requested_at": a.requested_at,
                "decided_by": ref(a.decided_by),
                "decided_at": a.decided_at,
                "comment": a.comment,
                "reasons": [r.get("text", "") for r in a.reasons],
            }
            for a in approvals.approvals_of(q)[:50]
        ],
    }


def resolve_quote_lines(user: Any, lines: list[dict[str, Any]] | None) -> list[dict] | None:
    """[{product_id, …}] → lines with products the user may see (one query; 422 otherwise)."""
    if lines is None:
        return None
    from crm.products.selectors import products_for_user

    ids = {line["product_id"] for line in lines}
    products = {p.pk: p for p in products_for_user(user).filter(pk__in=ids).select_related("unit")}
    errors = {
        f"lines.{i}.product_id": [_("Unknown product.")]
        for i, line in enumerate(lines)
        if line["product_id"] not in products
    }
    if errors:
        raise ValidationFailed(fields=errors)
    return [
        {
            **{k: v for k, v in line.items() if k != "product_id"},
            "product": products[line["product_id"]],
        }
        for line in lines
    ]


def _contact(customer: Any, pk: int | None) -> Any:
    if pk is None:
        return None
    contact = customer_selectors.contacts_of(customer).filter(pk=pk).first()
    if contact is None:
        raise ValidationFailed(
            fields={"contact_id": [_("This contact belongs to another customer.")]}
        )
    return contact


def _editable(user: Any, pk: int) -> Quote:
    """The quote if the user may change it: 404 out of sight, 403 when only readable."""
    q = selectors_quotes.quote_get_for_user(user=user, pk=pk)
    require(user, Module.SALES, Action.EDIT)
    return q


@router.get("/quotes", response={200: PageOut[QuoteOut], **ERRORS})
def quote_list(
    request: HttpRequest,
    query: Query[QuoteQuery],
    page: PageNumber = 1,
    page_size: PageSize = 20,
) -> Any:
    """`current=true` hides superseded versions; `ordering`: updated, created, number, amount,
    valid_until."""
    require(request.user, Module.SALES, Action.VIEW)
    filters = selectors_quotes.QuoteFilters(
        search=query.search[:100],
        status=query.status or "",
        customer=query.customer_id,
        owner=query.owner_id,
        opportunity=query.opportunity_id,
        current_only=query.current,
        ordering=query.ordering,
    )
    return page_out(selectors_quotes.quote_list(request.user, filters), page, page_size, quote_out)


@router.post("/quotes", response={201: QuoteDetailOut, **WRITE_ERRORS})
def quote_create(request: HttpRequest, payload: QuoteIn) -> Any:
    """From an opportunity (`opportunity_id`: customer, contact and lines pre-filled unless
    given) or a customer (`customer_id`). Line prices default to the customer's price."""
    user = request.user
    require(user, Module.SALES, Action.CREATE)
    data = payload.dict()
    lines = resolve_quote_lines(user, data.pop("lines"))
    fields = {k: data[k] for k in ("title", "valid_until", "notes") if data[k]}
    if payload.opportunity_id is not None:
        opportunity = selectors.opportunity_get_for_user(user=user, pk=payload.opportunity_id)
        if payload.customer_id is not None and payload.customer_id != opportunity.customer_id:
            raise ValidationFailed(
                fields={"customer_id": [_("The opportunity belongs to another customer.")]}
            )
        if payload.contact_id is not None:
            fields["contact"] = _contact(opportunity.customer, payload.contact_id)
        if lines is None:
            q = services_quotes.quote_from_opportunity(
                actor=user, opportunity=opportunity, **fields
            )
        else:
            q = services_quotes.quote_create(
                actor=user,
                customer=opportunity.customer,
                opportunity=opportunity,
                lines=lines,
                **fields,
            )
    else:
        if payload.customer_id is None:
            raise ValidationFailed(
                fields={"customer_id": [_("Choose a customer or an opportunity.")]}
            )
        customer = customer_selectors.customer_get_for_user(user=user, pk=payload.customer_id)
        fields["contact"] = _contact(customer, payload.contact_id)
        q = services_quotes.quote_create(actor=user, customer=customer, lines=lines or [], **fields)
    return Status(201, _detail(user, q.pk))


@router.get("/quotes/{quote_id}", response={200: QuoteDetailOut, **ERRORS})
def quote_detail(request: HttpRequest, quote_id: int) -> Any:
    return _detail(request.user, quote_id)


@router.patch("/quotes/{quote_id}", response={200: QuoteDetailOut, **WRITE_ERRORS})
def quote_patch(request: HttpRequest, quote_id: int, payload: QuotePatch) -> Any:
    """A draft only (409 `not_editable`; 409 `approval_pending` while it awaits approval);
    `lines` replaces all lines."""
    user = request.user
    q = _editable(user, quote_id)
    sent = payload.dict(exclude_unset=True, exclude={"version"})
    for key in ("title", "valid_until", "notes"):
        if key in sent and sent[key] is None:
            del sent[key]
    if "contact_id" in sent:
        sent["contact"] = _contact(q.customer, sent.pop("contact_id"))
    lines = resolve_quote_lines(user, sent.pop("lines", None))
    services_quotes.quote_update(quote=q, version=payload.version, actor=user, lines=lines, **sent)
    return _detail(user, q.pk)


@router.post("/quotes/{quote_id}/transition", response={200: QuoteDetailOut, **WRITE_ERRORS})
def quote_transition(request: HttpRequest, quote_id: int, payload: QuoteTransitionIn) -> Any:
    """`to`: sent (from draft; may end in pending when an approval rule matches), draft (withdraw
    a pending approval), accepted or rejected (the customer's answer to a sent quote).
    409 `invalid_transition`, `stale_version`, `approval_pending`."""
    q = _editable(request.user, quote_id)
    services_quotes.quote_transition(
        quote=q,
        to=payload.to,
        version=payload.version,
        actor=request.user,
        comment=payload.comment,
    )
    return _detail(request.user, q.pk)


@router.post("/quotes/{quote_id}/revise", response={201: QuoteDetailOut, **WRITE_ERRORS})
def quote_revise(request: HttpRequest, quote_id: int, payload: QuoteReviseIn) -> Any:
    """A new draft version of a sent, rejected or expired quote; the old one is superseded."""
    q = _editable(request.user, quote_id)
    new = services_quotes.quote_revise(quote=q, version=payload.version, actor=request.user)
    return Status(201, _detail(request.user, new.pk))


@router.delete("/quotes/{quote_id}", response={204: None, **WRITE_ERRORS})
def quote_delete(request: HttpRequest, quote_id: int) -> Any:
    q = selectors_quotes.quote_get_for_user(user=request.user, pk=quote_id)
    require(request.user, Module.SALES, Action.DELETE)
    services_quotes.quote_delete(quote=q, actor=request.user)
    return Status(204, None)


@router.get("/quotes/{quote_id}/pdf", response={200: None, **ERRORS})
def quote_pdf(request: HttpRequest, quote_id: int) -> Any:
    """The printable quote (application/pdf, in Chinese)."""
    q = selectors_quotes.quote_get_for_user(user=request.user, pk=quote_id)
    return pdf_response(q)


def pdf_response(q: Quote) -> HttpResponse:
    from crm.org.selectors import parameter_get

    from .pdf import quote_pdf as render_pdf

    # The document goes to a Chinese customer: Chinese whatever the user's language.
    with translation.override("zh-hans"):
        content = render_pdf(
            q,
            list(selectors_quotes.lines_of(q)),
            company=parameter_get("company_name"),
            places=parameter_get("amount_decimal_places"),
        )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{q.label}.pdf"'
    return response
