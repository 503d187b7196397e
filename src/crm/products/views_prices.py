"""Pages of price lists (with their items) and customer prices, and the customer 360° page's
"Prices" tab. Thin: selectors read, services write."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crm.core.access import get_access
from crm.core.audit import history_for
from crm.core.errors import DomainError, ValidationFailed
from crm.core.modules import Action, Module
from crm.core.pagination import Page, paginate
from crm.web.pages import confirm_delete, page_view, show_error

from . import selectors, services_prices
from .forms import CustomerPriceEditForm, CustomerPriceForm, ItemForm, PriceListForm
from .models import Product


def _page(request: HttpRequest, qs: Any) -> Page:
    try:
        return paginate(qs, request.GET.get("page"), request.GET.get("page_size"))
    except DomainError:
        return paginate(qs)


def _product_by_code(code: str) -> Product:
    product = Product.objects.filter(code=(code or "").strip()).first()
    if product is None:
        raise ValidationFailed(fields={"product": [_("No product has this code.")]})
    return product


# --- price lists -------------------------------------------------------------------------


@page_view
def price_list_list(request: HttpRequest) -> HttpResponse:
    qs = selectors.price_lists_for_user(request.user)
    return render(
        request,
        "products/price_lists.html",
        {
            "page": _page(request, qs),
            "today": timezone.localdate(),
            "can_create": selectors.can_edit_catalogue(request.user, Action.CREATE),
        },
    )


@page_view
def price_list_create(request: HttpRequest) -> HttpResponse:
    selectors.require_catalogue(request.user, Action.CREATE)
    form = PriceListForm(
        request.POST or None, initial={"valid_from": timezone.localdate(), "active": True}
    )
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                price_list = services_prices.price_list_create(actor=request.user, **form.changes())
            except DomainError as exc:
                show_error(request, exc, form)
            else:
                messages.success(request, _("Price list created. Now add its products."))
                return redirect("products:price_list", price_list.pk)
    return render(
        request, "products/price_list_form.html", {"form": form, "price_list": None}, status=status
    )


@page_view
def price_list_edit(request: HttpRequest, pk: int) -> HttpResponse:
    price_list = selectors.price_list_get_for_user(user=request.user, pk=pk)
    selectors.require_catalogue(request.user, Action.EDIT)
    initial = {f: getattr(price_list, f) for f in services_prices.PRICE_LIST_FIELDS}
    initial["version"] = price_list.version
    form = PriceListForm(request.POST or None, instance=price_list, initial=initial)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                services_prices.price_list_update(
                    price_list=price_list,
                    version=form.cleaned_data["version"] or 0,
                    actor=request.user,
                    **form.changes(),
                )
            except DomainError as exc:
                show_error(request, exc, form)
                status = exc.status
            else:
                messages.success(request, _("Changes saved."))
                return redirect("products:price_list", price_list.pk)
    return render(
        request,
        "products/price_list_form.html",
        {"form": form, "price_list": price_list},
        status=status,
    )


@page_view
def price_list_delete(request: HttpRequest, pk: int) -> HttpResponse:
    price_list = selectors.price_list_get_for_user(user=request.user, pk=pk)
    selectors.require_catalogue(request.user, Action.DELETE)
    return confirm_delete(
        request,
        price_list,
        question=_("Move price list “%(name)s” to the recycle bin?") % {"name": price_list.name},
        cancel=reverse("products:price_list", args=[price_list.pk]),
        delete=lambda: services_prices.price_list_delete(price_list=price_list, actor=request.user),
        done=_("Price list “%(name)s” moved to the recycle bin.") % {"name": price_list.name},
        then=reverse("products:price_lists"),
    )


def _price_list_context(request: HttpRequest, price_list: Any) -> dict[str, Any]:
    search = request.GET.get("q", "").replace("\x00", "")[:100]
    return {
        "price_list": price_list,
        "page": _page(request, selectors.items_of(price_list, search=search)),
        "q": search,
        "history": history_for(price_list)[:50],
        "item_form": ItemForm(prefix="item"),
        "can_edit": selectors.can_edit_catalogue(request.user, Action.EDIT),
        "can_delete": selectors.can_edit_catalogue(request.user, Action.DELETE),
    }


@page_view
def price_list_detail(request: HttpRequest, pk: int) -> HttpResponse:
    price_list = selectors.price_list_get_for_user(user=request.user, pk=pk)
    return render(
        request, "products/price_list_detail.html", _price_list_context(request, price_list)
    )


@page_view
@require_POST
def item_set(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a product to the list, or change its price there."""
    price_list = selectors.price_list_get_for_user(user=request.user, pk=pk)
    selectors.require_catalogue(request.user, Action.EDIT)
    form = ItemForm(request.POST, prefix="item")
    if form.is_valid():
        try:
            product = _product_by_code(form.cleaned_data["product"])
            services_prices.item_set(
                price_list=price_list,
                product=product,
                price=form.cleaned_data["price"],
                actor=request.user,
            )
        except DomainError as exc:
            show_error(request, exc, form)
        else:
            messages.success(request, _("Price of %(product)s saved.") % {"product": product})
            return redirect(reverse("products:price_list", args=[price_list.pk]) + "#items")
    ctx = _price_list_context(request, price_list)
    ctx["item_form"] = form
    return render(request, "products/price_list_detail.html", ctx, status=422)


@page_view
@require_POST
def item_delete(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.item_get_for_user(user=request.user, pk=pk)
    selectors.require_catalogue(request.user, Action.EDIT)
    services_prices.item_delete(item=item, actor=request.user)
    messages.success(request, _("%(product)s taken off the list.") % {"product": item.product})
    return redirect(reverse("products:price_list", args=[item.price_list_id]) + "#items")


# --- customer prices ---------------------------------------------------------------------


def _can_edit_prices(user: Any) -> bool:
    return get_access(user).can(Module.SALES, Action.EDIT)


@page_view
def customer_price_list(request: HttpRequest) -> HttpResponse:
    """Every agreed price of the customers the user may see, searchable."""
    selectors.require_view(request.user)
    q = request.GET.get("q", "").replace("\x00", "").strip()[:100]
    qs = selectors.customer_prices_for_user(request.user)
    if q:
        qs = selectors.customer_prices_matching(qs, q)
    qs = qs.order_by("customer__name", "product__code", "-valid_from", "-id")
    return render(
        request,
        "products/customer_prices.html",
        {"page": _page(request, qs), "q": q, "today": timezone.localdate()},
    )


def _customer_prices_context(request: HttpRequest, customer: Any) -> dict[str, Any]:
    return {
        "customer": customer,
        "agreed": list(selectors.customer_prices_of(customer)[:200]),
        "today": timezone.localdate(),
        "form": CustomerPriceForm(prefix="cp", initial={"valid_from": timezone.localdate()}),
        "can_edit": _can_edit_prices(request.user),
        "tab": customer_prices_tab(request.user, customer, request.GET.get("page")),
    }


@page_view
def customer_prices(request: HttpRequest, pk: int) -> HttpResponse:
    """One customer's agreed prices (add, edit, delete) and effective prices."""
    customer = selectors.customer_for_prices(user=request.user, pk=pk)
    return render(
        request, "products/customer_price_page.html", _customer_prices_context(request, customer)
    )


@page_view
@require_POST
def customer_price_create(request: HttpRequest, pk: int) -> HttpResponse:
    customer = selectors.customer_for_prices(user=request.user, pk=pk)
    selectors.require_customer_prices_edit(request.user)
    form = CustomerPriceForm(request.POST, prefix="cp")
    if form.is_valid():
        d = dict(form.cleaned_data)
        d.pop("version", None)
        try:
            product = _product_by_code(d.pop("product"))
            services_prices.customer_price_create(
                actor=request.user, customer=customer, product=product, **d
            )
        except DomainError as exc:
            show_error(request, exc, form)
        else:
            messages.success(request, _("Customer price saved."))
            return redirect("products:customer_prices", customer.pk)
    ctx = _customer_prices_context(request, customer)
    ctx["form"] = form
    return render(request, "products/customer_price_page.html", ctx, status=422)


@page_view
def customer_price_edit(request: HttpRequest, pk: int) -> HttpResponse:
    cp = selectors.customer_price_get_for_user(user=request.user, pk=pk)
    selectors.require_customer_prices_edit(request.user)
    initial = {f: getattr(cp, f) for f in services_prices.CUSTOMER_PRICE_FIELDS}
    initial["version"] = cp.version
    form = CustomerPriceEditForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            d = dict(form.cleaned_data)
            version = d.pop("version", None) or 0
            try:
                services_prices.customer_price_update(
                    customer_price=cp, version=version, actor=request.user, **d
                )
            except DomainError as exc:
                show_error(request, exc, form)
                status = exc.status
            else:
                messages.success(request, _("Changes saved."))
                return redirect("products:customer_prices", cp.customer_id)
    return render(
        request,
        "products/customer_price_form.html",
        {"form": form, "cp": cp, "history": history_for(cp)[:20]},
        status=status,
    )


@page_view
def customer_price_delete(request: HttpRequest, pk: int) -> HttpResponse:
    cp = selectors.customer_price_get_for_user(user=request.user, pk=pk)
    selectors.require_customer_prices_edit(request.user)
    back = reverse("products:customer_prices", args=[cp.customer_id])
    return confirm_delete(
        request,
        cp,
        question=_("Move the price of %(product)s for %(customer)s to the recycle bin?")
        % {"product": cp.product, "customer": cp.customer},
        cancel=back,
        delete=lambda: services_prices.customer_price_delete(customer_price=cp, actor=request.user),
        done=_("Customer price moved to the recycle bin."),
        then=back,
    )


# --- the customer 360° page's tab ----------------------------------------------------------

TAB_PAGE_SIZE = 20


def customer_prices_tab(user: Any, customer: Any, page: Any = None) -> dict[str, Any]:
    """The tab's context: this customer's price today for a page of the active products."""
    qs = selectors.products_for_user(user, selectors.ProductFilters(active=True))
    try:
        p = paginate(qs, page, TAB_PAGE_SIZE)
    except DomainError:
        p = paginate(qs, 1, TAB_PAGE_SIZE)
    return {
        "page": p,
        "rows": selectors.effective_prices(customer, p.items),
        "customer_id": customer.pk,
        "agreed_count": selectors.customer_prices_of(customer).count(),
    }


@page_view
def customer_prices_tab_page(request: HttpRequest, pk: int) -> HttpResponse:
    """One page of the tab (htmx swaps it in place)."""
    customer = selectors.customer_for_prices(user=request.user, pk=pk)
    return render(
        request,
        "products/_customer_prices_tab.html",
        {
            "customer": customer,
            "tab": customer_prices_tab(request.user, customer, request.GET.get("page")),
        },
    )
