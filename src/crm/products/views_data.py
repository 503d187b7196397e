"""Export of the product list and import of products / price list items (upload → check →
import, on the background jobs page). Thin: crm.products.imports and export do the work."""

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from crm.core.access import require, require_special
from crm.core.errors import DomainError
from crm.core.jobs import job_get_for_user
from crm.core.modules import Action, Module, Special
from crm.customers import importfiles
from crm.web.pages import page_view, show_error

from . import export, imports, selectors
from .forms import FilterForm

EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def export_queryset(user: Any, filters: selectors.ProductFilters) -> Any:
    """Checks the export rights (sales export and the special permission) first."""
    require(user, Module.SALES, Action.EXPORT)
    require_special(user, Special.EXPORT)
    return selectors.products_for_user(user, filters)


def export_response(qs: Any, fmt: str) -> HttpResponseBase:
    if fmt == "xlsx":
        from django.http import FileResponse

        return FileResponse(
            export.xlsx_file(qs),
            as_attachment=True,
            filename=export.filename("xlsx"),
            content_type=EXPORT_TYPES["xlsx"],
        )
    response = StreamingHttpResponse(export.csv_chunks(qs), content_type=EXPORT_TYPES["csv"])
    response["Content-Disposition"] = f'attachment; filename="{export.filename("csv")}"'
    return response


@page_view
def product_export(request: HttpRequest) -> HttpResponseBase:
    qs = export_queryset(request.user, FilterForm(request.GET).filters())
    return export_response(qs, "xlsx" if request.GET.get("format") == "xlsx" else "csv")


def template_response(kind: str, fmt: str) -> HttpResponse:
    columns = imports.columns_of(kind)
    if fmt == "xlsx":
        body = importfiles.template_xlsx(columns, imports.TITLES[imports.Kind(kind)])
    else:
        fmt, body = "csv", importfiles.template_csv(columns)
    response = HttpResponse(body, content_type=EXPORT_TYPES[fmt])
    response["Content-Disposition"] = (
        f'attachment; filename="{importfiles.template_filename(kind, fmt)}"'
    )
    return response


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File (CSV or Excel .xlsx, at most 50 MB)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )


def _kind(request: HttpRequest) -> str:
    kind = request.GET.get("kind", imports.Kind.PRODUCTS)
    return kind if kind in imports.Kind.__members__.values() else imports.Kind.PRODUCTS


@page_view
def import_upload(request: HttpRequest) -> HttpResponseBase:
    kind = _kind(request)
    price_list = None
    if kind == imports.Kind.ITEMS:
        price_list = selectors.price_list_get_for_user(
            user=request.user, pk=request.GET.get("price_list")
        )
    imports.import_require(request.user, kind)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = imports.import_start(
                user=request.user,
                kind=kind,
                upload=form.cleaned_data["file"],
                dry_run=True,
                price_list=price_list,
            )
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            show_error(request, exc, form)
        else:
            return redirect("core:job", pk=job.pk)
    return render(
        request,
        "products/import.html",
        {"form": form, "kind": kind, "price_list": price_list},
    )


@page_view
def import_template(request: HttpRequest) -> HttpResponse:
    kind = _kind(request)
    imports.import_require(request.user, kind)
    return template_response(kind, request.GET.get("format", "csv"))


@page_view
@require_POST
def import_again(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Import the checked file (or check it again)."""
    earlier = job_get_for_user(user=request.user, pk=pk)
    job = imports.import_again(
        user=request.user, job=earlier, dry_run=request.POST.get("action") != "commit"
    )
    return redirect("core:job", pk=job.pk)
