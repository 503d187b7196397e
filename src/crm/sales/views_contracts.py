"""Pages of contracts (SAL-5): list, create from an accepted quote or directly, edit a draft's
header and product lines (the quote page's line formset and live totals, views_lines), detail
with actions, renewal and attachments. Thin: rules in services_contracts."""

from typing import Any

from django import forms
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
from crm.core.fields import quantize
from crm.core.files import download
from crm.core.modules import Action, Module
from crm.core.pagination import paginate
from crm.customers import selectors as customer_selectors
from crm.customers.forms import BootstrapForm, DateInput
from crm.customers.models import Contact
from crm.web.pages import page_view, show_error

from . import approvals, selectors_contracts, selectors_quotes, services_contracts, views_lines
from .amount_words import rmb_upper
from .forms_quotes import QuoteTransitionForm
from .models_contracts import Contract, ContractStatus
from .totals import amount_places

SORTS = (
    ("updated", gettext_lazy("Recently updated")),
    ("end_date", gettext_lazy("Ending first")),
    ("amount", gettext_lazy("Largest total")),
)


class ContractForm(BootstrapForm):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    contact = forms.ModelChoiceField(
        label=gettext_lazy("Contact"), queryset=Contact.objects.none(), required=False
    )
    start_date = forms.DateField(label=gettext_lazy("Start date"), widget=DateInput)
    end_date = forms.DateField(label=gettext_lazy("End date"), widget=DateInput)
    signed_on = forms.DateField(label=gettext_lazy("Signed on"), widget=DateInput, required=False)
    payment_terms_days = forms.IntegerField(
        label=gettext_lazy("Payment terms (days)"), min_value=0, max_value=3650, initial=30
    )
    is_framework = forms.BooleanField(label=gettext_lazy("Framework contract"), required=False)
    framework_amount = forms.DecimalField(
        label=gettext_lazy("Framework amount"),
        min_value=0,
        max_digits=16,
        decimal_places=2,
        required=False,
    )
    notes = forms.CharField(
        label=gettext_lazy("Terms and notes"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, contacts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = contacts  # type: ignore[attr-defined]


class AttachmentForm(forms.Form):
    file = forms.FileField()


def _int(raw: Any) -> int | None:
    try:
        value = int(raw)
    except (TypeError, ValueError):
        return None
    return value if 0 < value < 2**63 else None


@page_view
def contract_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Module.SALES, Action.VIEW)
    g = request.GET
    filters = selectors_contracts.ContractFilters(
        search=g.get("q", "")[:100].replace("\x00", ""),
        status=g.get("status", "") if g.get("status") in ContractStatus.values else "",
        customer=_int(g.get("customer")),
        owner=request.user.pk if g.get("mine") else None,
        ordering=str(g.get("sort"))
        if g.get("sort") in selectors_contracts.ORDERINGS
        else "updated",
    )
    qs = selectors_contracts.contract_list(request.user, filters)
    try:
        page = paginate(qs, g.get("page"), g.get("page_size"))
    except DomainError:
        page = paginate(qs)
    return render(
        request,
        "sales/contracts/list.html",
        {
            "page": page,
            "filters": filters,
            "mine": bool(g.get("mine")),
            "filtered": any(g.get(k) for k in ("q", "status", "customer", "mine")),
            "statuses": ContractStatus.choices,
            "sort_options": [(k, str(v)) for k, v in SORTS],
        },
    )


def _edit_page(request: HttpRequest, contract: Contract | None, customer: Any) -> HttpResponse:
    source = request.POST if request.method == "POST" else None
    initial: dict[str, Any] = {"start_date": timezone.localdate()}
    if contract is not None:
        initial = {f: getattr(contract, f) for f in services_contracts.CONTRACT_FIELDS}
        initial["contact"] = contract.contact_id
        initial["version"] = contract.version
        # stored with four places; shown with the system's (the field takes at most two)
        initial["framework_amount"] = quantize(contract.framework_amount, amount_places())
    form = ContractForm(source, initial=initial, contacts=customer_selectors.contacts_of(customer))
    # A post without the line formset (a header-only client) leaves the lines as they are.
    with_lines = views_lines.lines_posted(request)
    stored = selectors_contracts.lines_of(contract) if contract is not None else ()
    formset = views_lines.line_formset(request, stored, bound=with_lines)
    status = 200
    if source is not None:
        status = 422
        framework = form.is_valid() and form.cleaned_data.get("is_framework")
        # a framework contract has no lines: whatever the rows hold is dropped, not checked
        lines_ok = not with_lines or framework or formset.is_valid()
        if form.is_valid() and lines_ok:
            d = {k: v for k, v in form.cleaned_data.items() if k != "version"}
            d["framework_amount"] = d.get("framework_amount") or 0
            lines = formset.lines() if with_lines and not framework else None
            try:
                if contract is None:
                    title = d.pop("title")
                    start, end = d.pop("start_date"), d.pop("end_date")
                    saved = services_contracts.contract_create(
                        actor=request.user,
                        customer=customer,
                        title=title,
                        start_date=start,
                        end_date=end,
                        lines=lines or (),
                        **d,
                    )
                else:
                    saved = services_contracts.contract_update(
                        contract=contract,
                        version=form.cleaned_data.get("version") or 0,
                        actor=request.user,
                        lines=lines,
                        **d,
                    )
            except DomainError as exc:
                if exc.status in (403, 404):
                    raise
                show_error(request, exc, form)
                status = exc.status
            else:
                messages.success(
                    request, _("Contract %(number)s saved.") % {"number": saved.number}
                )
                return redirect("sales:contract_detail", saved.pk)
    return render(
        request,
        "sales/contracts/form.html",
        {"form": form, "formset": formset, "contract": contract, "customer": customer},
        status=status,
    )


@page_view
def contract_create(request: HttpRequest) -> HttpResponse:
    require(request.user, Module.SALES, Action.CREATE)
    customer_id = _int(request.GET.get("customer"))
    if customer_id is None:
        raise ValidationFailed(_("Create a contract from the customer's or the quote's page."))
    customer = customer_selectors.customer_get_for_user(user=request.user, pk=customer_id)
    return _edit_page(request, None, customer)


@page_view
def contract_edit(request: HttpRequest, pk: int) -> HttpResponse:
    contract = selectors_contracts.contract_get_for_user(user=request.user, pk=pk)
    require(request.user, Module.SALES, Action.EDIT)
    try:
        services_contracts.ensure_editable(contract)
    except DomainError as exc:  # pending approval, or no longer a draft: say why
        messages.error(request, str(exc.message))
        return redirect("sales:contract_detail", contract.pk)  # type: ignore[return-value]
    return _edit_page(request, contract, contract.customer)


@require_POST
@page_view
def contract_preview(request: HttpRequest) -> HttpResponse:
    """The totals of the lines being edited (htmx), as the services will compute them."""
    require(request.user, Module.SALES, Action.VIEW)
    return views_lines.lines_preview(request, "contract")


@require_POST
@page_view
def contract_from_quote(request: HttpRequest, pk: int) -> HttpResponseBase:
    quote = selectors_quotes.quote_get_for_user(user=request.user, pk=pk)
    require(request.user, Module.SALES, Action.CREATE)
    contract = services_contracts.contract_from_quote(actor=request.user, quote=quote)
    messages.success(request, _("Contract %(number)s created.") % {"number": contract.number})
    return redirect("sales:contract_detail", contract.pk)


@page_view
def contract_detail(request: HttpRequest, pk: int) -> HttpResponse:
    c = selectors_contracts.contract_get_for_user(user=request.user, pk=pk)
    access = get_access(request.user)
    can_edit = access.can(Module.SALES, Action.EDIT)
    actions = services_contracts.allowed_targets(c.status) if can_edit else []
    renewed_by = selectors_contracts.renewal_of(c)
    lines_locked = ""
    if c.status == ContractStatus.PENDING:
        lines_locked = _("The lines are locked while the approval is pending.")
    elif c.status != ContractStatus.DRAFT:
        lines_locked = _("The lines of a contract that is no longer a draft cannot be changed.")
    return render(
        request,
        "sales/contracts/detail.html",
        {
            "c": c,
            "lines": list(selectors_contracts.lines_of(c)),
            "attachments": list(selectors_contracts.attachments_of(c)[:100]),
            "words": rmb_upper(c.amount),
            "actions": [(s, ContractStatus(s).label) for s in actions],
            "can_edit": can_edit and c.status == ContractStatus.DRAFT,
            "lines_locked": lines_locked,
            "can_attach": can_edit and c.status != ContractStatus.PENDING,
            "can_renew": can_edit
            and renewed_by is None
            and c.status in (ContractStatus.ACTIVE, ContractStatus.EXPIRED),
            "renewed_by": renewed_by,
            "orders": list(c.sales_orders.all()),
            "can_order": access.can(Module.SALES, Action.CREATE)
            and c.status == ContractStatus.ACTIVE
            and bool(c.lines.exists()),
            "approvals": list(approvals.approvals_of(c)[:50]),
            "history": history_for(c)[:50],
        },
    )


def _editable(request: HttpRequest, pk: int) -> Contract:
    c = selectors_contracts.contract_get_for_user(user=request.user, pk=pk)
    require(request.user, Module.SALES, Action.EDIT)
    return c


@require_POST
@page_view
def contract_transition(request: HttpRequest, pk: int) -> HttpResponseBase:
    c = _editable(request, pk)
    form = QuoteTransitionForm(request.POST)
    if not form.is_valid() or form.cleaned_data["to"] not in ContractStatus.values:
        raise ValidationFailed()
    saved = services_contracts.contract_transition(
        contract=c,
        to=form.cleaned_data["to"],
        version=form.cleaned_data["version"],
        actor=request.user,
        comment=form.cleaned_data["comment"],
    )
    if saved.status == ContractStatus.PENDING:
        messages.info(request, _("The contract needs approval; it is locked until it is decided."))
    else:
        label = saved.get_status_display()
        messages.success(request, _("Status changed to %(status)s.") % {"status": label})
    return redirect("sales:contract_detail", saved.pk)


@require_POST
@page_view
def contract_renew(request: HttpRequest, pk: int) -> HttpResponseBase:
    c = _editable(request, pk)
    version = _int(request.POST.get("version")) or 0
    new = services_contracts.contract_renew(contract=c, version=version, actor=request.user)
    messages.success(request, _("Renewal %(number)s created.") % {"number": new.number})
    return redirect("sales:contract_detail", new.pk)


@require_POST
@page_view
def attachment_create(request: HttpRequest, pk: int) -> HttpResponseBase:
    c = _editable(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        raise ValidationFailed(_("Choose a file."))
    services_contracts.attachment_add(
        contract=c, file=form.cleaned_data["file"], actor=request.user
    )
    messages.success(request, _("File attached."))
    return redirect("sales:contract_detail", c.pk)


@page_view
def attachment_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    a = selectors_contracts.attachment_get_for_user(user=request.user, pk=pk)
    return download(a.file, a.name)
