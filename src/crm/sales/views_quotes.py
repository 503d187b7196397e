"""Pages of quotes (SAL-4): list, create from a customer or an opportunity, edit a draft with
its lines (and a live totals preview), detail with actions, versions and approvals, the PDF.
Thin: the rules are in services_quotes, the scope in selectors_quotes."""

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from crm.core.access import get_access, require
from crm.core.audit import history_for
from crm.core.errors import DomainError, ValidationFailed
from crm.core.modules import Action, Module
from crm.core.pagination import paginate
from crm.customers import selectors as customer_selectors
from crm.web.pages import page_view, show_error

from . import approvals, selectors, selectors_quotes, services_quotes, views_lines
from .amount_words import rmb_upper
from .forms_quotes import QuoteForm, QuoteTransitionForm
from .models_quotes import Quote, QuoteStatus

SORTS = (
    ("updated", gettext_lazy("Recently updated")),
    ("created", gettext_lazy("Newest first")),
    ("amount", gettext_lazy("Largest total")),
    ("valid_until", gettext_lazy("Valid until")),
    ("number", gettext_lazy("Number")),
)


def _int(raw: Any) -> int | None:
    try:
        value = int(raw)
    except (TypeError, ValueError):
        return None
    return value if 0 < value < 2**63 else None


@page_view
def quote_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Module.SALES, Action.VIEW)
    g = request.GET
    filters = selectors_quotes.QuoteFilters(
        search=g.get("q", "")[:100].replace("\x00", ""),
        status=g.get("status", "") if g.get("status") in QuoteStatus.values else "",
        customer=_int(g.get("customer")),
        owner=request.user.pk if g.get("mine") else _int(g.get("owner")),
        current_only=not g.get("status"),
        ordering=str(g.get("sort")) if g.get("sort") in selectors_quotes.ORDERINGS else "updated",
    )
    qs = selectors_quotes.quote_list(request.user, filters)
    try:
        page = paginate(qs, g.get("page"), g.get("page_size"))
    except DomainError:
        page = paginate(qs)
    return render(
        request,
        "sales/quotes/list.html",
        {
            "page": page,
            "filters": filters,
            "mine": bool(g.get("mine")),
            "filtered": any(g.get(k) for k in ("q", "status", "customer", "owner", "mine")),
            "statuses": QuoteStatus.choices,
            "sort_options": [(k, str(v)) for k, v in SORTS],
        },
    )


def _pages(request: HttpRequest, quote: Quote | None, customer: Any) -> tuple[Any, Any]:
    source = request.POST if request.method == "POST" else None
    contacts = customer_selectors.contacts_of(customer)
    if quote is None:
        initial: dict[str, Any] = {}
    else:
        initial = {
            "title": quote.title,
            "contact": quote.contact_id,
            "valid_until": quote.valid_until,
            "notes": quote.notes,
            "version": quote.version,
        }
    if quote is None and source is None:
        days = services_quotes.DEFAULT_VALID_DAYS
        initial["valid_until"] = timezone.localdate() + timedelta(days=days)
    form = QuoteForm(source, initial=initial, contacts=contacts)
    lines = selectors_quotes.lines_of(quote) if quote is not None else ()
    return form, views_lines.line_formset(request, lines)


def _edit_page(request: HttpRequest, quote: Quote | None, customer: Any) -> HttpResponse:
    form, formset = _pages(request, quote, customer)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid() and formset.is_valid():
            d = dict(form.cleaned_data)
            version = d.pop("version", None)
            try:
                if quote is None:
                    saved = services_quotes.quote_create(
                        actor=request.user, customer=customer, lines=formset.lines(), **d
                    )
                else:
                    saved = services_quotes.quote_update(
                        quote=quote,
                        version=version or 0,
                        actor=request.user,
                        lines=formset.lines(),
                        **d,
                    )
            except DomainError as exc:
                if exc.status in (403, 404):
                    raise
                show_error(request, exc, form)
                status = exc.status
            else:
                messages.success(request, _("Quote %(number)s saved.") % {"number": saved.label})
                return redirect("sales:quote_detail", saved.pk)
    return render(
        request,
        "sales/quotes/form.html",
        {"form": form, "formset": formset, "quote": quote, "customer": customer},
        status=status,
    )


@page_view
def quote_create(request: HttpRequest) -> HttpResponse:
    require(request.user, Module.SALES, Action.CREATE)
    customer_id = _int(request.GET.get("customer"))
    if customer_id is None:
        raise ValidationFailed(_("Create a quote from the customer's or the opportunity's page."))
    customer = customer_selectors.customer_get_for_user(user=request.user, pk=customer_id)
    return _edit_page(request, None, customer)


@require_POST
@page_view
def quote_from_opportunity(request: HttpRequest, pk: int) -> HttpResponseBase:
    opportunity = selectors.opportunity_get_for_user(user=request.user, pk=pk)
    require(request.user, Module.SALES, Action.CREATE)
    quote = services_quotes.quote_from_opportunity(actor=request.user, opportunity=opportunity)
    messages.success(request, _("Quote %(number)s created.") % {"number": quote.label})
    return redirect("sales:quote_edit", quote.pk)


@page_view
def quote_edit(request: HttpRequest, pk: int) -> HttpResponse:
    quote = selectors_quotes.quote_get_for_user(user=request.user, pk=pk)
    require(request.user, Module.SALES, Action.EDIT)
    if quote.status != QuoteStatus.DRAFT:
        messages.error(request, _("Only a draft can be changed; create a new version."))
        return redirect("sales:quote_detail", quote.pk)  # type: ignore[return-value]
    return _edit_page(request, quote, quote.customer)


@require_POST
@page_view
def quote_preview(request: HttpRequest) -> HttpResponse:
    """The totals of the lines being edited (htmx), by the same function the services use."""
    require(request.user, Module.SALES, Action.VIEW)
    return views_lines.lines_preview(request, "quote")


@page_view
def quote_detail(request: HttpRequest, pk: int) -> HttpResponse:
    quote = selectors_quotes.quote_get_for_user(user=request.user, pk=pk)
    access = get_access(request.user)
    can_edit = access.can(Module.SALES, Action.EDIT)
    actions = [(s, QuoteStatus(s).label) for s in services_quotes.allowed_targets(quote.status)]
    return render(
        request,
        "sales/quotes/detail.html",
        {
            "q": quote,
            "lines": list(selectors_quotes.lines_of(quote)),
            "words": rmb_upper(quote.gross_amount),
            "actions": actions if can_edit else [],
            "can_edit": can_edit and quote.status == QuoteStatus.DRAFT,
            "can_delete": access.can(Module.SALES, Action.DELETE)
            and quote.status == QuoteStatus.DRAFT,
            "can_revise": can_edit
            and quote.status in (QuoteStatus.SENT, QuoteStatus.REJECTED, QuoteStatus.EXPIRED),
            "can_contract": access.can(Module.SALES, Action.CREATE)
            and quote.status == QuoteStatus.ACCEPTED,
            "orders": list(quote.sales_orders.all()),
            "versions": list(selectors_quotes.versions_of(quote)[:50]),
            "approvals": list(approvals.approvals_of(quote)[:50]),
            "history": history_for(quote)[:50],
        },
    )


def _editable(request: HttpRequest, pk: int) -> Quote:
    quote = selectors_quotes.quote_get_for_user(user=request.user, pk=pk)
    require(request.user, Module.SALES, Action.EDIT)
    return quote


@require_POST
@page_view
def quote_transition(request: HttpRequest, pk: int) -> HttpResponseBase:
    quote = _editable(request, pk)
    form = QuoteTransitionForm(request.POST)
    if not form.is_valid() or form.cleaned_data["to"] not in QuoteStatus.values:
        raise ValidationFailed()
    saved = services_quotes.quote_transition(
        quote=quote,
        to=form.cleaned_data["to"],
        version=form.cleaned_data["version"],
        actor=request.user,
        comment=form.cleaned_data["comment"],
    )
    if saved.status == QuoteStatus.PENDING:
        messages.info(request, _("The quote needs approval; it is locked until it is decided."))
    else:
        messages.success(
            request, _("Status changed to %(status)s.") % {"status": saved.get_status_display()}
        )
    return redirect("sales:quote_detail", saved.pk)


@require_POST
@page_view
def quote_revise(request: HttpRequest, pk: int) -> HttpResponseBase:
    quote = _editable(request, pk)
    form = QuoteTransitionForm({"to": "draft", **request.POST.dict()})
    if not form.is_valid():
        raise ValidationFailed()
    new = services_quotes.quote_revise(
        quote=quote, version=form.cleaned_data["version"], actor=request.user
    )
    messages.success(request, _("Version %(n)s created.") % {"n": new.revision})
    return redirect("sales:quote_edit", new.pk)


@require_POST
@page_view
def quote_delete(request: HttpRequest, pk: int) -> HttpResponseBase:
    quote = selectors_quotes.quote_get_for_user(user=request.user, pk=pk)
    require(request.user, Module.SALES, Action.DELETE)
    services_quotes.quote_delete(quote=quote, actor=request.user)
    messages.success(request, _("Quote %(number)s deleted.") % {"number": quote.label})
    return redirect("sales:quote_list")


@page_view
def quote_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    from .api_quotes import pdf_response

    quote = selectors_quotes.quote_get_for_user(user=request.user, pk=pk)
    return pdf_response(quote)
