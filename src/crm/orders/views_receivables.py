"""Pages of receivables (SAL-7): invoices, payment entry with allocation, aging, overdue
list, credit limits. Invoices, payments and limits are written by finance only."""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crm.core.access import require
from crm.core.errors import DomainError, Forbidden, ValidationFailed
from crm.core.modules import Action, Module
from crm.core.pagination import paginate
from crm.customers import selectors as customer_selectors
from crm.web.pages import page_view, show_error

from . import selectors, services_receivables
from . import selectors_receivables as rsel
from .forms import CreditForm, InvoiceForm, PaymentForm


def require_finance(user: Any) -> None:
    """404 without the sales view right, 403 for anyone but finance."""
    require(user, Module.SALES, Action.VIEW)
    if not selectors.is_finance(user):
        raise Forbidden()


def _page(request: HttpRequest, qs: Any) -> Any:
    try:
        return paginate(qs, request.GET.get("page"), request.GET.get("page_size"))
    except DomainError:
        return paginate(qs)


@page_view
def invoice_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Module.SALES, Action.VIEW)
    g = request.GET
    f = rsel.InvoiceFilters(
        open_only=g.get("open") == "1",
        search=g.get("q", "")[:100].replace("\x00", ""),
    )
    return render(
        request,
        "orders/invoice_list.html",
        {
            "page": _page(request, rsel.invoice_list(request.user, f)),
            "filters": f,
            "filtered": any(g.get(k) for k in ("open", "q")),
            "is_finance": selectors.is_finance(request.user),
        },
    )


@page_view
def invoice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = rsel.invoice_get_for_user(user=request.user, pk=pk)
    return render(
        request,
        "orders/invoice_detail.html",
        {
            "inv": invoice,
            "allocations": list(invoice.allocations.select_related("payment")),
            "today": timezone.localdate(),
        },
    )


@require_POST
@page_view
def invoice_create(request: HttpRequest, pk: int) -> HttpResponseBase:
    order = selectors.order_get_for_user(user=request.user, pk=pk)
    require_finance(request.user)
    form = InvoiceForm(request.POST)
    if not form.is_valid():
        raise ValidationFailed(_("Enter the fapiao type and the issue date."))
    d = form.cleaned_data
    shipment = None
    if d.get("shipment"):
        shipment = selectors.shipments_of(order).filter(pk=d["shipment"]).first()
        if shipment is None:
            raise ValidationFailed(_("This shipment belongs to another order."))
    invoice = services_receivables.invoice_create(
        order=order,
        actor=request.user,
        shipment=shipment,
        fapiao_type=d["fapiao_type"],
        fapiao_number=d["fapiao_number"],
        issue_date=d["issue_date"],
        due_date=d.get("due_date"),
    )
    messages.success(
        request,
        _("Invoice %(number)s issued, due on %(due)s.")
        % {"number": invoice.number, "due": invoice.due_date},
    )
    return redirect("orders:order_detail", order.pk)


@page_view
def payment_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Module.SALES, Action.VIEW)
    return render(
        request,
        "orders/payment_list.html",
        {
            "page": _page(request, rsel.payments_for_user(request.user)),
            "is_finance": selectors.is_finance(request.user),
        },
    )


def _allocations(post: Any, invoices: dict[int, Any]) -> list[tuple[Any, Decimal]]:
    out = []
    for inv_id, inv in invoices.items():
        raw = str(post.get(f"alloc-{inv_id}", "")).strip()
        if not raw:
            continue
        try:
            amount = Decimal(raw)
        except InvalidOperation:
            raise ValidationFailed(_("Enter the allocations as amounts.")) from None
        if not amount.is_finite() or amount < 0:
            raise ValidationFailed(_("Enter the allocations as amounts."))
        if amount > 0:
            out.append((inv, amount))
    return out


@page_view
def payment_create(request: HttpRequest) -> HttpResponse:
    """Step 1: choose the customer; step 2: the amount and its allocation to open invoices."""
    from crm.sales.views_picker import customer_named

    user = request.user
    require_finance(user)
    raw = request.POST.get("customer") or request.GET.get("customer", "")
    customer = customer_named(user, str(raw)) if raw else None
    initial: dict[str, Any] = {"received_on": timezone.localdate()}
    if customer is not None:
        initial["customer"] = f"{customer.code} {customer.name}"
    form = PaymentForm(request.POST or None, initial=initial)
    invoices: dict[int, Any] = {}
    if customer is not None:
        f = rsel.InvoiceFilters(customer=customer.pk, open_only=True)
        invoices = {i.pk: i for i in rsel.invoice_list(user, f).order_by("due_date", "id")[:200]}
    status = 200
    if request.method == "POST":
        status = 422
        if customer is None:
            form.add_error("customer", _("Choose a customer from the list."))
        elif form.is_valid():
            d = form.cleaned_data
            try:
                payment = services_receivables.payment_create(
                    customer=customer,
                    actor=user,
                    amount=d["amount"],
                    received_on=d["received_on"],
                    method=d["method"],
                    reference=d["reference"],
                    allocations=_allocations(request.POST, invoices),
                )
            except DomainError as exc:
                if exc.status in (403, 404):
                    raise
                show_error(request, exc, form)
                status = exc.status
            else:
                messages.success(
                    request, _("Payment %(number)s recorded.") % {"number": payment.number}
                )
                return redirect(f"{_receivables_url(customer)}")
    return render(
        request,
        "orders/payment_form.html",
        {
            "form": form,
            "customer": customer,
            "invoices": list(invoices.values()),
            "balance": rsel.balance_of(customer.pk) if customer else None,
        },
        status=status,
    )


def _receivables_url(customer: Any) -> str:
    from django.urls import reverse

    return reverse("customers:detail", args=[customer.pk]) + "#tab-receivables"


@page_view
def aging(request: HttpRequest) -> HttpResponse:
    require(request.user, Module.SALES, Action.VIEW)
    today = timezone.localdate()
    try:
        report = rsel.aging_report(
            request.user, today, request.GET.get("page"), request.GET.get("page_size")
        )
    except DomainError:  # a bad page number in the address: the first page
        report = rsel.aging_report(request.user, today)
    return render(
        request,
        "orders/aging.html",
        {"today": today, "totals": report.totals, "page": report.page},
    )


@page_view
def overdue(request: HttpRequest) -> HttpResponse:
    require(request.user, Module.SALES, Action.VIEW)
    today = timezone.localdate()
    qs = rsel.invoice_list(request.user, rsel.InvoiceFilters(overdue_on=today))
    return render(request, "orders/overdue.html", {"today": today, "page": _page(request, qs)})


@page_view
def credit_edit(request: HttpRequest, customer_pk: int) -> HttpResponse:
    user = request.user
    customer = customer_selectors.customer_get_for_user(user=user, pk=customer_pk)
    require_finance(user)
    row = rsel.credit_limit_of(customer)
    initial = (
        {"amount": row.amount, "payment_terms_days": row.payment_terms_days, "version": row.version}
        if row
        else {}
    )
    form = CreditForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            d = form.cleaned_data
            try:
                services_receivables.credit_limit_set(
                    customer=customer,
                    actor=user,
                    amount=d.get("amount"),
                    payment_terms_days=d.get("payment_terms_days"),
                    version=d.get("version"),
                )
            except DomainError as exc:
                if exc.status in (403, 404):
                    raise
                show_error(request, exc, form)
                status = exc.status
            else:
                messages.success(request, _("Credit limit saved."))
                return redirect(_receivables_url(customer))
    return render(
        request,
        "orders/credit_form.html",
        {
            "form": form,
            "customer": customer,
            "balance": rsel.balance_of(customer.pk),
            "record_limit": rsel.effective_limit(customer, None),
        },
        status=status,
    )
