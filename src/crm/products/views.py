"""Pages of the catalogue's products. Thin: selectors read, services write."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm.core.access import get_access
from crm.core.audit import history_for
from crm.core.errors import DomainError
from crm.core.fields import quantize
from crm.core.modules import Action, Module, Special
from crm.core.pagination import paginate
from crm.customers.selectors import CustomerFilters, customers_for_user
from crm.web.pages import confirm_delete, page_view, show_error

from . import selectors, services
from .forms import FilterForm, ProductForm, filter_query

SORT_OPTIONS = [
    ("code", gettext_lazy("Code")),
    ("name", gettext_lazy("Name")),
    ("brand", gettext_lazy("Brand")),
    ("list_price", gettext_lazy("Lowest list price")),
    ("-list_price", gettext_lazy("Highest list price")),
    ("-updated_at", gettext_lazy("Recently updated")),
]


def can_export(user: Any) -> bool:
    access = get_access(user)
    return access.can(Module.SALES, Action.EXPORT) and access.has(Special.EXPORT)


# --- list --------------------------------------------------------------------------------


@page_view
def product_list(request: HttpRequest) -> HttpResponse:
    selectors.require_view(request.user)
    filters = FilterForm(request.GET).filters()
    qs = selectors.products_for_user(request.user, filters)
    try:
        page = paginate(qs, request.GET.get("page"), request.GET.get("page_size"))
    except DomainError:
        page = paginate(qs)
    filtered = any(
        (filters.search, filters.brand, filters.series, filters.unit, filters.active is not None)
    )
    return render(
        request,
        "products/list.html",
        {
            "page": page,
            "filters": filters,
            "filtered": filtered,
            "filter_query": filter_query(request.GET),
            "sort": filters.ordering,
            "sort_options": [(v, str(label)) for v, label in SORT_OPTIONS],
            "brands": selectors.brands(active_only=False),
            "series": selectors.series_list(active_only=False),
            "units": selectors.units(active_only=False),
            "can_create": selectors.can_edit_catalogue(request.user, Action.CREATE),
            "can_edit": selectors.can_edit_catalogue(request.user, Action.EDIT),
            "can_export": can_export(request.user),
        },
    )


# --- create / edit / delete --------------------------------------------------------------


@page_view
def product_create(request: HttpRequest) -> HttpResponse:
    selectors.require_catalogue(request.user, Action.CREATE)
    form = ProductForm(request.POST or None, initial={"active": True})
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                product = services.product_create(actor=request.user, **form.changes())
            except DomainError as exc:
                show_error(request, exc, form)
            else:
                messages.success(request, _("Product “%(name)s” created.") % {"name": product.name})
                return redirect("products:detail", product.pk)
    return render(request, "products/form.html", {"form": form, "product": None}, status=status)


def _initial(product: Any) -> dict[str, Any]:
    initial = {f: getattr(product, f) for f in ("code", "name", "specification", "description")}
    initial |= {f: getattr(product, f"{f}_id") for f in ("brand", "series", "unit")}
    initial |= {
        "active": product.active,
        "warranty_months": product.warranty_months,
        "version": product.version,
        "list_price": quantize(product.list_price, 4).normalize(),
    }
    return initial


@page_view
def product_edit(request: HttpRequest, pk: int) -> HttpResponse:
    product = selectors.product_get_for_user(user=request.user, pk=pk)
    selectors.require_catalogue(request.user, Action.EDIT)
    form = ProductForm(request.POST or None, instance=product, initial=_initial(product))
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                services.product_update(
                    product=product,
                    version=form.cleaned_data["version"] or 0,
                    actor=request.user,
                    **form.changes(),
                )
            except DomainError as exc:
                show_error(request, exc, form)
                status = exc.status
            else:
                messages.success(request, _("Changes saved."))
                return redirect("products:detail", product.pk)
    return render(request, "products/form.html", {"form": form, "product": product}, status=status)


@page_view
def product_delete(request: HttpRequest, pk: int) -> HttpResponse:
    product = selectors.product_get_for_user(user=request.user, pk=pk)
    selectors.require_catalogue(request.user, Action.DELETE)
    return confirm_delete(
        request,
        product,
        question=_("Move product “%(name)s” to the recycle bin?") % {"name": product},
        cancel=reverse("products:detail", args=[product.pk]),
        delete=lambda: services.product_delete(product=product, actor=request.user),
        done=_("Product “%(name)s” moved to the recycle bin.") % {"name": product.name},
        then=reverse("products:list"),
    )


# --- detail and the price for a customer ---------------------------------------------------


@page_view
def product_detail(request: HttpRequest, pk: int) -> HttpResponse:
    product = selectors.product_get_for_user(user=request.user, pk=pk)
    list_items = selectors.price_list_items_of_product(product)[:50]
    return render(
        request,
        "products/detail.html",
        {
            "product": product,
            "list_items": list(list_items),
            "history": history_for(product)[:50],
            "can_edit": selectors.can_edit_catalogue(request.user, Action.EDIT),
            "can_delete": selectors.can_edit_catalogue(request.user, Action.DELETE),
        },
    )


LOOKUP_LIMIT = 10


@page_view
def product_price_lookup(request: HttpRequest, pk: int) -> HttpResponse:
    """Prices of this product for the customers matching `q` (htmx fragment)."""
    product = selectors.product_get_for_user(user=request.user, pk=pk)
    query = request.GET.get("q", "").replace("\x00", "").strip()[:100]
    rows = []
    if query and get_access(request.user).can(Module.CUSTOMERS, Action.VIEW):
        customers = customers_for_user(request.user, CustomerFilters(search=query))
        for customer in customers[:LOOKUP_LIMIT]:
            rows.append((customer, selectors.price_for(customer, product)))
    return render(
        request,
        "products/_price_lookup.html",
        {"product": product, "rows": rows, "query": query, "limit": LOOKUP_LIMIT},
    )
