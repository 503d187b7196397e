"""Import pages (CUS-7): upload → check (a dry-run job: mapping, preview, errors) → import
(a job with a progress bar) → result. Thin: crm.customers.imports does the work."""

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from crm.core.errors import DomainError
from crm.core.jobs import job_get_for_user
from crm.web.pages import page_view, show_error

from . import importfiles, imports
from .api import import_template_response


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What to import"),
        choices=[
            (importfiles.Kind.CUSTOMERS, _("Customers")),
            (importfiles.Kind.CONTACTS, _("Contacts")),
        ],
        initial=importfiles.Kind.CUSTOMERS,
    )
    file = forms.FileField(
        label=_("File (CSV or Excel .xlsx, at most 50 MB)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )


@page_view
def import_upload(request: HttpRequest) -> HttpResponseBase:
    kind = request.GET.get("kind", importfiles.Kind.CUSTOMERS)
    imports.import_require(
        request.user, kind if kind in importfiles.Kind.__members__.values() else ""
    )
    form = ImportForm(request.POST or None, request.FILES or None, initial={"kind": kind})
    if request.method == "POST" and form.is_valid():
        try:
            job = imports.import_start(
                user=request.user,
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"],
                mapping=None,
                dry_run=True,
            )
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            show_error(request, exc, form)
        else:
            return redirect("core:job", pk=job.pk)
    return render(request, "customers/import.html", {"form": form, "kinds": importfiles.Kind})


@page_view
def import_template(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", importfiles.Kind.CUSTOMERS)
    if kind not in importfiles.Kind.__members__.values():
        kind = importfiles.Kind.CUSTOMERS
    imports.import_require(request.user, kind)
    return import_template_response(kind, request.GET.get("format", "csv"))


@page_view
@require_POST
def import_again(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Check the uploaded file again with the mapping chosen on the page, or import it."""
    earlier = job_get_for_user(user=request.user, pk=pk)
    mapping: dict[str, Any] = {}
    for col in importfiles.columns_of(earlier.payload.get("kind", "")):
        value = request.POST.get(f"map_{col.key}", "")
        mapping[col.key] = int(value) if value.isdigit() else None
    commit = request.POST.get("action") == "commit"
    job = imports.import_again(
        user=request.user,
        job=earlier,
        mapping=mapping if any(f"map_{k}" in request.POST for k in mapping) else None,
        dry_run=not commit,
    )
    return redirect("core:job", pk=job.pk)
