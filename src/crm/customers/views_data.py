"""Pages for working on many customers: reassign, export, duplicates and merge, data quality,
saved list filters. Thin, like views.py: selectors read, services write."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crm.core.access import get_access, require
from crm.core.errors import NotFound, ValidationFailed
from crm.core.modules import Action, Module, Special
from crm.core.pagination import COUNT_CAP, paginate
from crm.org.selectors import employee_get_for_user
from crm.web.pages import page_view

from . import dedupe, merge, quality, selectors, services, services_lists, services_reassign
from .api import export_queryset, export_response, require_merge
from .forms import FilterForm, filter_query
from .models import ChoiceKind, CustomerStatus


def filters_from(query: str) -> selectors.CustomerFilters:
    values = FilterForm(QueryDict(query)).values()
    sort = values.pop("sort", selectors.DEFAULT_ORDERING)
    return selectors.CustomerFilters(search=values.pop("q", ""), ordering=sort, **values)


# What the list page shows of a customer (selectors.customer_page_for_user(columns=…)).
LIST_COLUMNS = (
    "code",
    "name",
    "short_name",
    "status",
    "industry_id",
    "rating_id",
    "credit_level_id",
    "owner__name",
    "owner__username",
    "org_unit__name",
    "updated_at",
)


_PK_MARK = 9_876_543_210  # stands for the key in a reversed URL (see list_rows)


def list_rows(
    customers: list[dict[str, Any]], table: dict[int, selectors.ChoiceEntry], *, sensitive: bool
) -> list[dict[str, Any]]:
    """The list page's cells (`customers`: LIST_COLUMNS rows), list entries from `table`.
    The template reads a row about 20 times: plain values instead of model instances and
    display methods, and the rows' URLs from one reversal, halve the page's render time."""

    def label(pk: int | None) -> str:
        entry = table.get(pk) if pk is not None else None
        return entry.label if entry else ""

    statuses = dict(CustomerStatus.choices)
    # One reversal for the page, not one per row.
    url = reverse("customers:detail", args=[_PK_MARK]).replace(str(_PK_MARK), "{}")
    return [
        {
            "pk": c["pk"],
            "url": url.format(c["pk"]),
            "code": c["code"],
            "name": c["name"],
            "short_name": c["short_name"],
            "status": statuses.get(c["status"], c["status"]),
            "industry": label(c["industry_id"]),
            "rating": label(c["rating_id"]),
            "credit_level": label(c["credit_level_id"]) if sensitive else "",
            # as str(User) and str(OrgUnit)
            "owner": c["owner__name"] or c["owner__username"] or "",
            "unit": c["org_unit__name"] or "",
            "updated": c["updated_at"],
        }
        for c in customers
    ]


def can_export(user: Any) -> bool:
    access = get_access(user)
    return access.can(Module.CUSTOMERS, Action.EXPORT) and access.has(Special.EXPORT)


# --- reassign ----------------------------------------------------------------------------


@page_view
@require_POST
def customer_reassign(request: HttpRequest) -> HttpResponse:
    """Step 1 shows how many customers would move; step 2 (confirm=1) moves them."""
    user = request.user
    require(user, Module.CUSTOMERS, Action.VIEW)
    mode = request.POST.get("mode", "selected")
    query = filter_query(QueryDict(request.POST.get("filter", "")))
    back = reverse("customers:list") + (f"?{query}" if query else "")
    ids: list[int] = []
    from_owner = None
    if mode == "selected":
        try:
            ids = [int(v) for v in request.POST.getlist("ids")]
        except ValueError:
            raise NotFound() from None
        if not ids:
            messages.error(request, _("Select the customers to reassign."))
            return redirect(back)
        customers = selectors.customers_by_ids_for_user(user, ids)
    elif mode == "owner":
        from_owner = employee_get_for_user(user=user, pk=request.POST.get("from_owner"))
        customers = selectors.customers_for_user(
            user, selectors.CustomerFilters(owner=from_owner.pk)
        )
    else:
        mode = "filter"
        customers = selectors.customers_for_user(user, filters_from(query))
    require(user, Module.CUSTOMERS, Action.EDIT)
    if not request.POST.get("to_owner"):
        messages.error(request, _("Choose the new owner."))
        return redirect(back)
    new_owner = employee_get_for_user(user=user, pk=request.POST.get("to_owner"))
    if request.POST.get("confirm") == "1":
        try:
            moved = services_reassign.customer_reassign(
                actor=user, customers=customers, new_owner=new_owner
            )
        except ValidationFailed as exc:
            messages.error(request, " ".join(m for v in exc.fields.values() for m in v))
            return redirect(back)
        messages.success(
            request,
            _("%(n)s customers moved to %(owner)s.") % {"n": moved, "owner": new_owner},
        )
        return redirect(back)
    return render(
        request,
        "customers/reassign_confirm.html",
        {
            "count": customers.count(),
            "new_owner": new_owner,
            "from_owner": from_owner,
            "mode": mode,
            "ids": ids,
            "filter": query,
            "back": back,
        },
    )


# --- export ------------------------------------------------------------------------------


@page_view
def customer_export(request: HttpRequest) -> HttpResponseBase:
    qs = export_queryset(request.user, filters_from(request.GET.urlencode()))
    fmt = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    return export_response(qs, fmt, sensitive=selectors.can_see_sensitive(request.user))


# --- duplicates and merge ----------------------------------------------------------------


@page_view
def duplicates(request: HttpRequest) -> HttpResponse:
    require(request.user, Module.CUSTOMERS, Action.VIEW)
    pairs = dedupe.duplicate_pairs_for_user(request.user)
    try:
        page = dedupe.paginate_list(pairs, request.GET.get("page"), request.GET.get("page_size"))
    except ValidationFailed:
        page = dedupe.paginate_list(pairs)
    access = get_access(request.user)
    return render(
        request,
        "customers/duplicates.html",
        {
            "page": page,
            "can_merge": access.can(Module.CUSTOMERS, Action.EDIT)
            and access.can(Module.CUSTOMERS, Action.DELETE),
        },
    )


@page_view
def customer_merge(request: HttpRequest) -> HttpResponse:
    """The wizard: pick the surviving customer and, per differing field, the value kept."""
    data = request.POST if request.method == "POST" else request.GET
    a = selectors.customer_get_for_user(user=request.user, pk=data.get("a"))
    b = selectors.customer_get_for_user(user=request.user, pk=data.get("b"))
    require_merge(request.user)
    if a.pk == b.pk:
        raise NotFound()
    survivor, merged = (b, a) if data.get("survivor") == str(b.pk) else (a, b)
    sensitive = selectors.can_see_sensitive(request.user)
    rows = merge.merge_preview(survivor, merged, sensitive=sensitive)
    if request.method == "POST" and request.POST.get("confirm") == "1":
        take = [r["field"] for r in rows if request.POST.get(f"keep_{r['field']}") == "merged"]
        try:
            versions = int(request.POST["survivor_version"]), int(request.POST["merged_version"])
        except (KeyError, ValueError):
            raise NotFound() from None
        done = merge.customer_merge(
            actor=request.user,
            survivor=survivor,
            merged=merged,
            survivor_version=versions[0],
            merged_version=versions[1],
            take_from_merged=take,
        )
        messages.success(
            request,
            _("“%(merged)s” was merged into this customer.") % {"merged": merged.name},
        )
        return redirect(reverse("customers:detail", args=[survivor.pk]) + f"?merge={done.pk}")
    return render(
        request,
        "customers/merge.html",
        {
            "a": a,
            "b": b,
            "survivor": survivor,
            "merged": merged,
            "rows": rows,
            "contacts": {c.pk: selectors.contacts_of(c).count() for c in (a, b)},
        },
    )


@page_view
@require_POST
def merge_undo(request: HttpRequest, pk: int) -> HttpResponse:
    m = selectors.merge_get_for_user(user=request.user, pk=pk)
    require_merge(request.user)
    merge.customer_merge_undo(merge=m, actor=request.user)
    messages.success(request, _("The merge was undone."))
    return redirect("customers:detail", m.survivor_id)


# --- data quality ------------------------------------------------------------------------


@page_view
def quality_report(request: HttpRequest) -> HttpResponse:
    require(request.user, Module.CUSTOMERS, Action.VIEW)
    base = selectors.customers_for_user(request.user)
    stale_only = request.GET.get("stale") == "1"
    rows = quality.quality_rows(base, stale_only=stale_only).select_related("owner")
    try:
        page = paginate(
            rows, request.GET.get("page"), request.GET.get("page_size"), count_cap=COUNT_CAP
        )
    except ValidationFailed:
        page = paginate(rows, count_cap=COUNT_CAP)
    for c in page.items:
        c.to_fix = quality.missing(c)
    return render(
        request,
        "customers/quality.html",
        {
            "page": page,
            "summary": quality.quality_summary(base),
            "stale_only": stale_only,
            "cutoff": quality.stale_cutoff(),
        },
    )


# --- saved filters -----------------------------------------------------------------------


@page_view
@require_POST
def saved_filter_save(request: HttpRequest) -> HttpResponse:
    require(request.user, Module.CUSTOMERS, Action.VIEW)
    query = filter_query(QueryDict(request.POST.get("query", "")))
    try:
        saved = services.saved_filter_save(
            user=request.user, name=request.POST.get("name", ""), query=query
        )
    except ValidationFailed as exc:
        messages.error(request, " ".join(m for v in exc.fields.values() for m in v))
        return redirect(reverse("customers:list") + (f"?{query}" if query else ""))
    messages.success(request, _("View “%(name)s” saved.") % {"name": saved.name})
    return redirect(reverse("customers:list") + (f"?{query}" if query else ""))


@page_view
@require_POST
def saved_filter_delete(request: HttpRequest, pk: int) -> HttpResponse:
    saved = selectors.saved_filter_get_for_user(user=request.user, pk=pk)
    services.saved_filter_delete(saved_filter=saved)
    messages.success(request, _("View “%(name)s” deleted.") % {"name": saved.name})
    return redirect("customers:list")


def list_context(request: HttpRequest, owners: list[Any]) -> dict[str, Any]:
    """What the list page adds for these tools (`owners`: the list's active employees)."""
    access = get_access(request.user)
    return {
        "filter_query": filter_query(request.GET),
        "can_export": can_export(request.user),
        "can_reassign": access.can(Module.CUSTOMERS, Action.EDIT),
        "saved_filters": list(selectors.saved_filters_for_user(request.user)),
        "reassign_owners": owners,
    }


@page_view
def choice_lists(request: HttpRequest) -> HttpResponse:
    """Maintain the lists customers pick from: add, rename, reorder, retire (system managers)."""
    lists = selectors.choices_for_admin(request.user)
    if request.method == "POST":
        try:
            sort_order = int(request.POST.get("sort_order") or 0)
        except ValueError:
            sort_order = 0
        label = request.POST.get("label", "")
        try:
            if request.POST.get("id"):
                choice = next(
                    (c for cs in lists.values() for c in cs if str(c.pk) == request.POST["id"]),
                    None,
                )
                if choice is None:
                    raise NotFound()
                services_lists.choice_update(
                    choice=choice,
                    actor=request.user,
                    label=label,
                    sort_order=sort_order,
                    active=request.POST.get("active") == "on",
                )
            else:
                services_lists.choice_create(
                    kind=request.POST.get("kind", ""),
                    label=label,
                    sort_order=sort_order,
                    actor=request.user,
                )
        except ValidationFailed as exc:
            for errors in exc.fields.values():
                for e in errors:
                    messages.error(request, e)
        else:
            messages.success(request, _("List saved."))
        kind = request.POST.get("kind", "")
        anchor = f"#list-{kind}" if kind in ChoiceKind.values else ""
        return redirect(reverse("customers:choices") + anchor)
    sections = [
        {"kind": kind, "label": ChoiceKind(kind).label, "entries": entries}
        for kind, entries in lists.items()
    ]
    return render(request, "customers/choices.html", {"sections": sections})
