"""The customer's receivables statement (对账单): the page, its CSV export and its PDF. Thin:
the figures come from crm.orders.statement (sums of the ledger)."""

from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone, translation

from crm.core import tabular
from crm.core.access import get_access, require, require_special
from crm.core.modules import Action, Module, Special
from crm.customers import selectors as customer_selectors
from crm.web.pages import page_view

from . import statement as st
from .forms import StatementForm


def _period(form: StatementForm) -> tuple[date, date]:
    """The period asked for, else from the first day of the year to today."""
    today = timezone.localdate()
    data = form.cleaned_data if form.is_valid() else {}
    end = data.get("date_to") or today
    start = data.get("date_from") or min(today, end).replace(month=1, day=1)
    return start, end


def _can_export(user: Any) -> bool:
    access = get_access(user)
    return access.can(Module.SALES, Action.EXPORT) and access.has(Special.EXPORT)


def _statement_pdf(customer: Any, start: date, end: date) -> bytes:
    from crm.org.selectors import parameter_get

    from .statement_pdf import statement_pdf

    # The document goes to a Chinese customer: Chinese whatever the user's language (as the
    # quote's PDF); the section labels are translated when the statement is made.
    with translation.override("zh-hans"):
        s = st.statement_of(customer, start, end, row_limit=0)
        return statement_pdf(
            s,
            company=parameter_get("company_name"),
            places=parameter_get("amount_decimal_places"),
        )


@page_view
def statement(request: HttpRequest, customer_pk: int) -> HttpResponseBase:
    user = request.user
    customer = customer_selectors.customer_get_for_user(user=user, pk=customer_pk)
    require(user, Module.SALES, Action.VIEW)
    form = StatementForm(request.GET or None)
    start, end = _period(form)
    export = request.GET.get("format")
    if export in ("csv", "pdf"):
        # The PDF is the same data as the CSV (every row of the ledger for the period), so the
        # same rights: the sales export right and the export special.
        require(user, Module.SALES, Action.EXPORT)
        require_special(user, Special.EXPORT)
        name = f"statement-{customer.code or customer.pk}-{start:%Y%m%d}-{end:%Y%m%d}.{export}"
        response: HttpResponseBase
        if export == "pdf":
            response = HttpResponse(_statement_pdf(customer, start, end), "application/pdf")
        else:
            s = st.statement_of(customer, start, end, row_limit=0)
            response = StreamingHttpResponse(
                tabular.csv_chunks(st.csv_headers(), st.csv_rows(s)),
                content_type="text/csv; charset=utf-8",
            )
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    s = st.statement_of(customer, start, end)
    if form.is_bound and not form.is_valid():
        status = 422
    else:
        status = 200
        form = StatementForm(initial={"date_from": start, "date_to": end})
    return render(
        request,
        "orders/statement.html",
        {
            "customer": customer,
            "form": form,
            "s": s,
            "credits": s.section("credit"),
            "can_export": _can_export(user),
            "row_limit": st.ROW_LIMIT,
        },
        status=status,
    )
