"""Pages of the customers module. Thin: selectors read, services write."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crm.core.access import get_access, require
from crm.core.audit import history_for
from crm.core.errors import DomainError
from crm.core.fields import quantize
from crm.core.files import download
from crm.core.modules import Action, Module, Special
from crm.org.models import User
from crm.org.selectors import employees_for_user, units_for_user
from crm.web.pages import confirm_delete, page_view, show_error

from . import selectors, services
from .dedupe import PossibleDuplicate
from .forms import AddressForm, ContactForm, CustomerForm, FilterForm, InteractionForm
from .models import ChoiceKind, CustomerStatus
from .tabs import tab_for, tabs_for


def _owners(user: Any) -> Any:
    return employees_for_user(user, active=True)


# Beyond this many active employees in scope, the owner fields (the list's filter and reassign,
# the customer form) are searched (owner_options) instead of listing everyone in every select.
OWNER_SELECT_LIMIT = 100
OWNER_MATCHES = 50


def _too_many(owners: Any) -> bool:
    """More employees than a select should list (one query of at most LIMIT + 1 ids)."""
    return len(owners.values_list("pk", flat=True)[: OWNER_SELECT_LIMIT + 1]) > OWNER_SELECT_LIMIT


def _list_owners(request: HttpRequest, selected: int | None) -> tuple[list[User], bool]:
    """The employees the list's owner selects offer, and whether they are searched instead:
    then only the filter's current owner is offered until the user types."""
    owners = list(_owners(request.user).prefetch_related(None)[: OWNER_SELECT_LIMIT + 1])
    if len(owners) <= OWNER_SELECT_LIMIT:
        return owners, False
    chosen = _owners(request.user).prefetch_related(None).filter(pk=selected) if selected else []
    return list(chosen), True


@page_view
def owner_options(request: HttpRequest) -> HttpResponse:
    """The options of an owner select (htmx, as the user types): active employees in the
    user's scope whose name, username, phone or e-mail holds the text; the first 50."""
    require(request.user, Module.CUSTOMERS, Action.VIEW)
    found = list(
        employees_for_user(
            request.user, query=request.GET.get("q", ""), active=True
        ).prefetch_related(None)[: OWNER_MATCHES + 1]
    )
    blank = {"any": _("Any owner"), "none": "—"}.get(request.GET.get("blank", ""))
    return render(
        request,
        "customers/_owner_options.html",
        {"owners": found[:OWNER_MATCHES], "more": len(found) > OWNER_MATCHES, "blank": blank},
    )


# --- list --------------------------------------------------------------------------------


@page_view
def customer_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Module.CUSTOMERS, Action.VIEW)
    values = FilterForm(request.GET).values()
    sort = values.pop("sort", selectors.DEFAULT_ORDERING)
    filters = selectors.CustomerFilters(search=values.pop("q", ""), ordering=sort, **values)
    # One read of the (small) choice table serves the rows' list entries and the filters.
    table = selectors.choice_table()
    from .views_data import LIST_COLUMNS, list_context, list_rows

    try:
        page = selectors.customer_page_for_user(
            request.user,
            filters,
            request.GET.get("page"),
            request.GET.get("page_size"),
            columns=LIST_COLUMNS,
        )
    except DomainError:
        page = selectors.customer_page_for_user(request.user, filters, columns=LIST_COLUMNS)
    access = get_access(request.user)
    sensitive = selectors.can_see_sensitive(request.user)
    owners, owner_search = _list_owners(request, filters.owner)  # roles are not shown here
    return render(
        request,
        "customers/list.html",
        {
            **list_context(request, owners),
            "owner_search": owner_search,
            "page": page,
            "rows": list_rows(page.items, table, sensitive=sensitive),
            "filters": filters,
            "filtered": bool(values) or bool(filters.search),
            "sort": filters.ordering,
            "sort_options": [
                ("-updated_at", _("Recently updated")),
                ("-created_at", _("Newest first")),
                ("created_at", _("Oldest first")),
                ("name", _("Name")),
                ("code", _("Code")),
                ("-credit_limit", _("Highest credit limit")),
            ],
            "sensitive": sensitive,
            "can_create": access.can(Module.CUSTOMERS, Action.CREATE),
            "can_manage_lists": access.has(Special.MANAGE_SYSTEM),
            "statuses": CustomerStatus.choices,
            "regions": selectors.active_choices(table, ChoiceKind.REGION),
            "industries": selectors.active_choices(table, ChoiceKind.INDUSTRY),
            "ratings": selectors.active_choices(table, ChoiceKind.RATING),
            "credit_levels": (
                selectors.active_choices(table, ChoiceKind.CREDIT_LEVEL) if sensitive else []
            ),
            "owners": owners,
            "units": units_for_user(request.user)
            .select_related(None)
            .only("name")
            .order_by("path"),
        },
    )


# --- create / edit / delete ----------------------------------------------------------------


@page_view
def customer_create(request: HttpRequest) -> HttpResponse:
    require(request.user, Module.CUSTOMERS, Action.CREATE)
    sensitive = selectors.can_see_sensitive(request.user)
    owners = _owners(request.user)
    owner_search = _too_many(owners)
    form = CustomerForm(
        request.POST or None,
        owners=owners,
        sensitive=sensitive,
        owner_search=owner_search,
        initial={"owner": request.user.pk, "status": CustomerStatus.PROSPECT},
    )
    status = 200
    duplicates = None
    if request.method == "POST":
        status = 422
        if form.is_valid():
            changes = form.changes()
            try:
                customer = services.customer_create(
                    actor=request.user,
                    units_served=list(form.cleaned_data["units_served"]),
                    allow_duplicates=form.cleaned_data.get("force", False),
                    **changes,
                )
            except PossibleDuplicate as exc:
                duplicates = exc.matches
                status = exc.status
            except DomainError as exc:
                show_error(request, exc, form)
            else:
                messages.success(
                    request, _("Customer “%(name)s” created.") % {"name": customer.name}
                )
                return redirect("customers:detail", customer.pk)
    return render(
        request,
        "customers/form.html",
        {"form": form, "customer": None, "duplicates": duplicates, "owner_search": owner_search},
        status=status,
    )


def _customer_initial(customer: Any, sensitive: bool) -> dict[str, Any]:
    names = [
        "name",
        "short_name",
        "uscc",
        "bank",
        "province",
        "city",
        "district",
        "street",
        "phone",
        "credit_limit",
        "cooperation_history",
        "status",
        "tags",
        "version",
    ]
    if sensitive:
        names += ["tax_id", "bank_account"]
    initial = {n: getattr(customer, n) for n in names}
    for n in ("region", "industry", "rating", "nature", "size", "source", "owner"):
        initial[n] = getattr(customer, f"{n}_id")
    if sensitive:
        initial["credit_level"] = customer.credit_level_id
    initial["units_served"] = list(customer.units_served.all())
    if "credit_limit" in initial:
        # The column keeps 4 places; the form takes the 2 of an amount ("0.0000" is invalid).
        initial["credit_limit"] = quantize(customer.credit_limit, 2)
    return initial


@page_view
def customer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    customer = selectors.customer_get_for_user(user=request.user, pk=pk)
    require(request.user, Module.CUSTOMERS, Action.EDIT)
    sensitive = selectors.can_see_sensitive(request.user)
    owners = _owners(request.user) | User.objects.filter(pk=customer.owner_id)
    owner_search = _too_many(owners)
    form = CustomerForm(
        request.POST or None,
        owners=owners,
        sensitive=sensitive,
        owner_search=owner_search,
        instance=customer,
        initial=_customer_initial(customer, sensitive),
    )
    status = 200
    duplicates = None
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                services.customer_update(
                    customer=customer,
                    version=form.cleaned_data["version"] or 0,
                    actor=request.user,
                    units_served=list(form.cleaned_data["units_served"]),
                    allow_duplicates=form.cleaned_data.get("force", False),
                    **form.changes(),
                )
            except PossibleDuplicate as exc:
                duplicates = exc.matches
                status = exc.status
            except DomainError as exc:
                show_error(request, exc, form)
                status = exc.status
            else:
                messages.success(request, _("Changes saved."))
                return redirect("customers:detail", customer.pk)
    return render(
        request,
        "customers/form.html",
        {
            "form": form,
            "customer": customer,
            "duplicates": duplicates,
            "owner_search": owner_search,
        },
        status=status,
    )


@page_view
def customer_delete(request: HttpRequest, pk: int) -> HttpResponse:
    customer = selectors.customer_get_for_user(user=request.user, pk=pk)
    require(request.user, Module.CUSTOMERS, Action.DELETE)
    return confirm_delete(
        request,
        customer,
        question=_("Move customer “%(name)s” to the recycle bin?") % {"name": customer},
        cancel=reverse("customers:detail", args=[customer.pk]),
        delete=lambda: services.customer_delete(customer=customer, actor=request.user),
        done=_("Customer “%(name)s” moved to the recycle bin.") % {"name": customer.name},
        then=reverse("customers:list"),
    )


# --- 360° page ---------------------------------------------------------------------------


def _detail_context(request: HttpRequest, customer: Any) -> dict[str, Any]:
    access = get_access(request.user)
    contacts = list(selectors.contacts_of(customer))
    timeline = list(selectors.interactions_of(customer)[:100])
    return {
        "customer": customer,
        "contacts": contacts,
        "timeline": timeline,
        "history": history_for(customer)[:50],
        "tabs": tabs_for(request.user),
        "sensitive": selectors.can_see_sensitive(request.user),
        "can_edit": access.can(Module.CUSTOMERS, Action.EDIT),
        "can_delete": access.can(Module.CUSTOMERS, Action.DELETE),
        "address": customer.address,
        "units_served": list(customer.units_served.all()),
        "merges": list(
            selectors.merges_for_user(request.user).filter(
                survivor=customer, undone_at__isnull=True
            )[:5]
        )
        if access.can(Module.CUSTOMERS, Action.DELETE)
        else [],
    }


@page_view
def customer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    customer = selectors.customer_get_for_user(user=request.user, pk=pk)
    ctx = _detail_context(request, customer)
    ctx["contact_form"] = ContactForm(prefix="contact")
    ctx["interaction_form"] = InteractionForm(
        prefix="log",
        contacts=selectors.contacts_of(customer),
        listed=ctx["contacts"],
        initial={"occurred_at": timezone.localtime().replace(second=0, microsecond=0)},
    )
    return render(request, "customers/detail.html", ctx)


@page_view
def customer_tab(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    """One extension tab of the 360° page: the fragment for htmx, a whole page otherwise."""
    customer = selectors.customer_get_for_user(user=request.user, pk=pk)
    tab = tab_for(request.user, key)
    if tab is None:
        raise Http404
    ctx = {"customer": customer, "tab": tab.context(request.user, customer), "meta": tab}
    if request.headers.get("HX-Request"):
        return render(request, tab.template, ctx)
    return render(request, "customers/tab_page.html", ctx)


# --- contacts ----------------------------------------------------------------------------


@page_view
@require_POST
def contact_create(request: HttpRequest, pk: int) -> HttpResponse:
    customer = selectors.customer_get_for_user(user=request.user, pk=pk)
    require(request.user, Module.CUSTOMERS, Action.EDIT)
    form = ContactForm(request.POST, prefix="contact")
    if form.is_valid():
        try:
            services.contact_create(customer=customer, actor=request.user, **form.changes())
        except DomainError as exc:
            show_error(request, exc, form)
        else:
            messages.success(request, _("Contact added."))
            return redirect(reverse("customers:detail", args=[customer.pk]) + "#contacts")
    ctx = _detail_context(request, customer)
    ctx["contact_form"] = form
    ctx["interaction_form"] = InteractionForm(
        prefix="log", contacts=selectors.contacts_of(customer)
    )
    ctx["open"] = "contact"
    return render(request, "customers/detail.html", ctx, status=422)


@page_view
def contact_edit(request: HttpRequest, pk: int) -> HttpResponse:
    contact = selectors.contact_get_for_user(user=request.user, pk=pk)
    require(request.user, Module.CUSTOMERS, Action.EDIT)
    initial = {f: getattr(contact, f) for f in services.CONTACT_FIELDS}
    initial["version"] = contact.version
    form = ContactForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                services.contact_update(
                    contact=contact,
                    version=form.cleaned_data["version"] or 0,
                    actor=request.user,
                    **form.changes(),
                )
            except DomainError as exc:
                show_error(request, exc, form)
                status = exc.status
            else:
                messages.success(request, _("Changes saved."))
                return redirect(
                    reverse("customers:detail", args=[contact.customer_id]) + "#contacts"
                )
    return render(
        request,
        "customers/contact_form.html",
        {"form": form, "contact": contact, "history": history_for(contact)[:20]},
        status=status,
    )


@page_view
def contact_delete(request: HttpRequest, pk: int) -> HttpResponse:
    contact = selectors.contact_get_for_user(user=request.user, pk=pk)
    require(request.user, Module.CUSTOMERS, Action.EDIT)
    back = reverse("customers:detail", args=[contact.customer_id])
    return confirm_delete(
        request,
        contact,
        question=_("Move contact “%(name)s” to the recycle bin?") % {"name": contact},
        cancel=back,
        delete=lambda: services.contact_delete(contact=contact, actor=request.user),
        done=_("Contact “%(name)s” moved to the recycle bin.") % {"name": contact.name},
        then=back + "#contacts",
    )


# --- interactions ------------------------------------------------------------------------


@page_view
@require_POST
def interaction_create(request: HttpRequest, pk: int) -> HttpResponse:
    customer = selectors.customer_get_for_user(user=request.user, pk=pk)
    require(request.user, Module.CUSTOMERS, Action.EDIT)
    form = InteractionForm(
        request.POST, request.FILES, prefix="log", contacts=selectors.contacts_of(customer)
    )
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.interaction_create(
                customer=customer,
                actor=request.user,
                channel=d["channel"],
                direction=d["direction"],
                occurred_at=d["occurred_at"],
                contact=d["contact"],
                summary=d["summary"],
                attachment=d["attachment"] or None,
            )
        except DomainError as exc:
            show_error(request, exc, form)
        else:
            messages.success(request, _("Interaction logged."))
            return redirect(reverse("customers:detail", args=[customer.pk]) + "#timeline")
    ctx = _detail_context(request, customer)
    ctx["contact_form"] = ContactForm(prefix="contact")
    ctx["interaction_form"] = form
    ctx["open"] = "interaction"
    return render(request, "customers/detail.html", ctx, status=422)


@page_view
def attachment_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The file of an interaction the user may see, always as a download."""
    item = selectors.interaction_get_for_user(user=request.user, pk=pk)
    name = item.attachment_name or str(item.attachment.name).rsplit("/", 1)[-1]
    return download(item.attachment, name)


# --- address pickers (htmx) --------------------------------------------------------------


@login_required
def division_options(request: HttpRequest) -> HttpResponse:
    """The address block with each list narrowed to the chosen level above (htmx)."""
    form = AddressForm(initial=request.GET.dict())
    return render(request, "customers/_address.html", {"address": form.address_fields()})
