"""The catalogue's lists: units of measure, brands and their series (one page, inline forms).

Everyone with the sales module reads it; only catalogue editors (sales action, scope "all")
see and use the forms.
"""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crm.core.errors import DomainError, ValidationFailed
from crm.core.modules import Action
from crm.web.pages import confirm_delete, page_view

from . import selectors, services
from .forms import BrandForm, SeriesForm, UnitForm


def _back(anchor: str) -> HttpResponse:
    return redirect(reverse("products:catalogue") + anchor)


def _form_errors(request: HttpRequest, form: Any) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for e in errors:
            messages.error(request, f"{label}: {e}" if label else str(e))


def _domain_errors(request: HttpRequest, exc: DomainError) -> None:
    texts = [m for v in exc.fields.values() for m in v] or [str(exc.message)]
    for text in texts:
        messages.error(request, text)


@page_view
def catalogue(request: HttpRequest) -> HttpResponse:
    selectors.require_view(request.user)
    brands = list(selectors.brands(active_only=False))
    series = list(selectors.series_list(active_only=False))
    by_brand: dict[int, list[Any]] = {b.pk: [] for b in brands}
    for s in series:
        by_brand.setdefault(s.brand_id, []).append(s)
    return render(
        request,
        "products/catalogue.html",
        {
            "units": selectors.units(active_only=False),
            "brands": [(b, by_brand.get(b.pk, [])) for b in brands],
            "can_edit": selectors.can_edit_catalogue(request.user, Action.EDIT),
            "can_create": selectors.can_edit_catalogue(request.user, Action.CREATE),
            "can_delete": selectors.can_edit_catalogue(request.user, Action.DELETE),
        },
    )


@page_view
@require_POST
def unit_save(request: HttpRequest) -> HttpResponse:
    pk = request.POST.get("id")
    unit = selectors.unit_get(user=request.user, pk=pk) if pk else None
    selectors.require_catalogue(request.user, Action.EDIT if unit else Action.CREATE)
    form = UnitForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _back("#units")
    d = form.cleaned_data
    try:
        if unit is None:
            services.unit_create(actor=request.user, **d)
            messages.success(request, _("Unit “%(name)s” added.") % {"name": d["name"]})
        else:
            services.unit_update(unit=unit, actor=request.user, **d)
            messages.success(request, _("Changes saved."))
    except ValidationFailed as exc:
        _domain_errors(request, exc)
    return _back("#units")


@page_view
@require_POST
def brand_save(request: HttpRequest) -> HttpResponse:
    pk = request.POST.get("id")
    brand = selectors.brand_get(user=request.user, pk=pk) if pk else None
    selectors.require_catalogue(request.user, Action.EDIT if brand else Action.CREATE)
    form = BrandForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _back("#brands")
    d = dict(form.cleaned_data)
    version = d.pop("version", None) or 0
    try:
        if brand is None:
            services.brand_create(actor=request.user, **d)
            messages.success(request, _("Brand “%(name)s” added.") % {"name": d["name"]})
        else:
            services.brand_update(brand=brand, version=version, actor=request.user, **d)
            messages.success(request, _("Changes saved."))
    except ValidationFailed as exc:
        _domain_errors(request, exc)
    return _back("#brands")


@page_view
@require_POST
def series_save(request: HttpRequest) -> HttpResponse:
    pk = request.POST.get("id")
    series = selectors.series_get(user=request.user, pk=pk) if pk else None
    selectors.require_catalogue(request.user, Action.EDIT if series else Action.CREATE)
    form = SeriesForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _back("#brands")
    d = dict(form.cleaned_data)
    version = d.pop("version", None) or 0
    brand = d.pop("brand", None)
    try:
        if series is None:
            services.series_create(actor=request.user, brand=brand, **d)
            messages.success(request, _("Series “%(name)s” added.") % {"name": d["name"]})
        else:
            services.series_update(series=series, version=version, actor=request.user, **d)
            messages.success(request, _("Changes saved."))
    except ValidationFailed as exc:
        _domain_errors(request, exc)
    return _back(f"#brand-{brand.pk if brand else series.brand_id if series else ''}")


@page_view
def brand_delete(request: HttpRequest, pk: int) -> HttpResponse:
    brand = selectors.brand_get(user=request.user, pk=pk)
    selectors.require_catalogue(request.user, Action.DELETE)
    return confirm_delete(
        request,
        brand,
        question=_("Move brand “%(name)s” to the recycle bin?") % {"name": brand.name},
        cancel=reverse("products:catalogue"),
        delete=lambda: services.brand_delete(brand=brand, actor=request.user),
        done=_("Brand “%(name)s” moved to the recycle bin.") % {"name": brand.name},
        then=reverse("products:catalogue") + "#brands",
    )


@page_view
def series_delete(request: HttpRequest, pk: int) -> HttpResponse:
    series = selectors.series_get(user=request.user, pk=pk)
    selectors.require_catalogue(request.user, Action.DELETE)
    return confirm_delete(
        request,
        series,
        question=_("Move series “%(name)s” to the recycle bin?") % {"name": series.name},
        cancel=reverse("products:catalogue"),
        delete=lambda: services.series_delete(series=series, actor=request.user),
        done=_("Series “%(name)s” moved to the recycle bin.") % {"name": series.name},
        then=reverse("products:catalogue") + "#brands",
    )
