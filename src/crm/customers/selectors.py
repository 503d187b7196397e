"""Every read of customers, contacts and interactions, scoped to the reader.

The one access rule: a customer is visible when `scoped(…, Module.CUSTOMERS)` lets it through;
contacts and interactions are visible exactly when their customer is.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any, NamedTuple, cast

from django.db.models import ForeignKey, Q, QuerySet
from django.utils import timezone

from crm.core.access import get_access, get_in_scope, scoped, scoped_by_unit_ids
from crm.core.errors import NotFound
from crm.core.modules import Module, Special
from crm.core.pagination import COUNT_CAP, Page, paginate
from crm.org.models import OrgUnit

from .models import Choice, ChoiceKind, Contact, Customer, Interaction, Merge, SavedFilter
from .searchkeys import query_terms

SENSITIVE_FIELDS = ("tax_id", "bank_account", "credit_level")

# ?ordering= values; "credit_level" only for readers of sensitive fields.
ORDERINGS = {
    "name",
    "-name",
    "code",
    "-code",
    "created_at",
    "-created_at",
    "updated_at",
    "-updated_at",
    "status",
    "-status",
    "credit_limit",
    "-credit_limit",
}
DEFAULT_ORDERING = "-updated_at"


def can_see_sensitive(user: Any) -> bool:
    return get_access(user).has(Special.VIEW_SENSITIVE)


@dataclass
class CustomerFilters:
    search: str = ""
    owner: int | None = None
    unit: int | None = None  # the unit and its sub-units
    region: int | None = None
    industry: int | None = None
    rating: int | None = None
    credit_level: int | None = None  # ignored for readers without the sensitive permission
    status: str = ""
    tag: str = ""
    created_from: date | None = None
    created_to: date | None = None
    updated_from: date | None = None
    updated_to: date | None = None
    ordering: str = DEFAULT_ORDERING


def _day_start(d: date) -> datetime:
    return timezone.make_aware(datetime.combine(d, time.min))


def _day_end(d: date) -> datetime:
    return timezone.make_aware(datetime.combine(d, time.max))


def _scoped_customers(user: Any) -> QuerySet[Customer]:
    # Units resolved to ids first: a manager's search or filter can then walk the
    # (…, updated_at) indexes and stop after a page instead of sorting every match.
    return scoped_by_unit_ids(Customer.objects.all(), user, Module.CUSTOMERS)


def search_q(search: str) -> Q:
    """Every word of the query must occur in the search column (pinyin, 繁简, phones)."""
    q = Q()
    for term in query_terms(search):
        q &= Q(search_text__contains=term)
    return q


def customers_for_user(user: Any, filters: CustomerFilters | None = None) -> QuerySet[Customer]:
    return _filtered_customers(user, filters).select_related(
        "owner", "org_unit", "region", "industry", "rating", "credit_level"
    )


def customer_page_for_user(
    user: Any,
    filters: CustomerFilters,
    page: Any = None,
    page_size: Any = None,
    *,
    columns: tuple[str, ...] = (),
) -> Page:
    """One page of the customer list (count capped at COUNT_CAP): the rows of
    `customers_for_user`, with the list entries set by one query (see attach_choices)
    instead of joined. With `columns`, the rows are `values("pk", *columns)` dicts instead:
    no model instances, for a page that only shows them."""
    if columns:
        qs = _filtered_customers(user, filters)
        return paginate(qs, page, page_size, count_cap=COUNT_CAP, two_step=True, columns=columns)
    qs = _filtered_customers(user, filters).select_related("owner", "org_unit")
    result = paginate(qs, page, page_size, count_cap=COUNT_CAP, two_step=True)
    attach_choices(result.items)
    return result


def _subtree_ids(unit: int) -> list[int]:
    """The unit and its sub-units (none for a missing unit) as ids, not a join on the path
    (see _scoped_customers)."""
    path = OrgUnit.objects.filter(pk=unit).values_list("path", flat=True).first()
    if not path:
        return []
    return list(OrgUnit.all_objects.filter(path__startswith=path).values_list("pk", flat=True))


def _filtered_customers(user: Any, filters: CustomerFilters | None) -> QuerySet[Customer]:
    f = filters or CustomerFilters()
    qs = _scoped_customers(user)
    if f.search:
        qs = qs.filter(search_q(f.search))
    for name in ("owner", "region", "industry", "rating"):
        value = getattr(f, name)
        if value is not None:
            qs = qs.filter(**{f"{name}_id": value})
    if f.credit_level is not None and can_see_sensitive(user):
        qs = qs.filter(credit_level_id=f.credit_level)
    if f.unit is not None:
        qs = qs.filter(org_unit__in=_subtree_ids(f.unit))
    if f.status:
        qs = qs.filter(status=f.status)
    if f.tag:
        t = f.tag.strip()
        qs = qs.filter(
            Q(tags=t)
            | Q(tags__startswith=f"{t},")
            | Q(tags__endswith=f",{t}")
            | Q(tags__contains=f",{t},")
        )
    if f.created_from:
        qs = qs.filter(created_at__gte=_day_start(f.created_from))
    if f.created_to:
        qs = qs.filter(created_at__lte=_day_end(f.created_to))
    if f.updated_from:
        qs = qs.filter(updated_at__gte=_day_start(f.updated_from))
    if f.updated_to:
        qs = qs.filter(updated_at__lte=_day_end(f.updated_to))
    ordering = f.ordering if f.ordering in ORDERINGS else DEFAULT_ORDERING
    return qs.order_by(ordering, "-id")


def customer_get_for_user(*, user: Any, pk: Any) -> Customer:
    """One customer the user may see; missing and out of scope are the same 404."""
    # One row by key: the plain scope (a join on the unit) costs no extra query.
    qs = scoped(Customer.objects.select_related("owner", "org_unit"), user, Module.CUSTOMERS)
    customer = get_in_scope(qs, pk)
    attach_choices([customer])
    return customer


# The customer's foreign keys to list entries (Choice).
CHOICE_FIELDS = ("region", "industry", "rating", "nature", "size", "credit_level", "source")


class ChoiceEntry(NamedTuple):
    """A list entry as the list page reads it: a tuple, not a model instance (the page
    reads every entry of every list per request; building ~60 models cost more than the
    query)."""

    pk: int
    kind: str
    label: str
    active: bool

    def __str__(self) -> str:
        return self.label


def choice_table() -> dict[int, ChoiceEntry]:
    """Every entry of every list by id, in list order: one query on a small table."""
    rows = Choice.objects.order_by("kind", "sort_order", "id").values_list(
        "pk", "kind", "label", "active"
    )
    return {row[0]: ChoiceEntry(*row) for row in rows}


def active_choices(table: dict[int, ChoiceEntry], kind: str) -> list[ChoiceEntry]:
    """What `choices(kind)` returns, taken from a choice table already read."""
    return [c for c in table.values() if c.kind == kind and c.active]


def attach_choices(customers: Iterable[Customer]) -> None:
    """Set the customers' list entries (region, industry, …) from one query for the entries
    they hold, instead of a join per list: PostgreSQL takes milliseconds to plan a query
    with seven more joins (≈ 8 ms), far longer than it takes to run it."""
    customers = list(customers)
    ids = {getattr(c, f"{name}_id") for c in customers for name in CHOICE_FIELDS}
    ids.discard(None)
    table = Choice.objects.in_bulk(ids) if ids else {}
    fields = [cast(ForeignKey, Customer._meta.get_field(name)) for name in CHOICE_FIELDS]
    for customer in customers:
        for field in fields:
            pk = getattr(customer, field.attname)
            field.set_cached_value(customer, table.get(pk) if pk is not None else None)


def contacts_for_user(user: Any, *, search: str = "") -> QuerySet[Contact]:
    qs = scoped(
        Contact.objects.filter(customer__is_deleted=False),
        user,
        Module.CUSTOMERS,
        owner_field="customer__owner",
        unit_field="customer__org_unit",
    ).select_related("customer")
    for term in query_terms(search):
        qs = qs.filter(
            Q(name__icontains=term)
            | Q(mobile__contains=term)
            | Q(landline__contains=term)
            | Q(email__icontains=term)
        )
    return qs.order_by("customer_id", "-is_primary", "id")


def contact_get_for_user(*, user: Any, pk: Any) -> Contact:
    return get_in_scope(contacts_for_user(user), pk)


def contacts_of(customer: Customer) -> QuerySet[Contact]:
    """Contacts of a customer the caller has already read through customer_get_for_user."""
    return Contact.objects.filter(customer=customer).order_by("-is_primary", "id")


def interactions_of(customer: Customer) -> QuerySet[Interaction]:
    """The timeline of a customer the caller has already read through customer_get_for_user."""
    return (
        Interaction.objects.filter(customer=customer)
        .select_related("contact", "author")
        .order_by("-occurred_at", "-id")
    )


def interaction_get_for_user(*, user: Any, pk: Any) -> Interaction:
    qs = scoped(
        Interaction.objects.filter(customer__is_deleted=False),
        user,
        Module.CUSTOMERS,
        owner_field="customer__owner",
        unit_field="customer__org_unit",
    ).select_related("customer")
    return get_in_scope(qs, pk)


def choices(kind: str, *, include: Choice | None = None) -> QuerySet[Choice]:
    """Active entries of one list (plus the one a record already holds, even if retired)."""
    q = Q(kind=kind, active=True)
    if include is not None:
        q |= Q(pk=include.pk)
    return Choice.objects.filter(q).order_by("sort_order", "id")


def choice_get(kind: str, pk: Any) -> Choice | None:
    if pk in (None, ""):
        return None
    try:
        return Choice.objects.filter(kind=kind, pk=int(pk)).first()
    except (TypeError, ValueError):
        return None


__all__ = ["ChoiceKind", "CustomerFilters", "SENSITIVE_FIELDS"]


def customers_by_ids_for_user(user: Any, ids: list[int]) -> QuerySet[Customer]:
    """Exactly these customers; one missing or out of scope makes the whole request a 404."""
    wanted = set(ids)
    qs = _scoped_customers(user).filter(pk__in=wanted)
    if not wanted or qs.count() != len(wanted):
        raise NotFound()
    return qs


def merges_for_user(user: Any) -> QuerySet[Merge]:
    """Merges whose two customers are both in the user's scope, newest first."""
    qs = scoped(
        Merge.objects.select_related("survivor", "merged", "actor"),
        user,
        Module.CUSTOMERS,
        owner_field="survivor__owner",
        unit_field="survivor__org_unit",
    )
    return scoped(
        qs, user, Module.CUSTOMERS, owner_field="merged__owner", unit_field="merged__org_unit"
    )


def merge_get_for_user(*, user: Any, pk: Any) -> Merge:
    return get_in_scope(merges_for_user(user), pk)


def saved_filters_for_user(user: Any) -> QuerySet[SavedFilter]:
    return SavedFilter.objects.filter(user_id=user.pk).order_by("name", "id")


def saved_filter_get_for_user(*, user: Any, pk: Any) -> SavedFilter:
    return get_in_scope(saved_filters_for_user(user), pk)


def choices_for_admin(user: Any) -> dict[str, list[Choice]]:
    """Every entry of every list, by list, for the list-maintenance page (system managers)."""
    from crm.core.access import require_special

    require_special(user, Special.MANAGE_SYSTEM)
    lists: dict[str, list[Choice]] = {k: [] for k in ChoiceKind.values}
    for choice in Choice.objects.order_by("kind", "sort_order", "id"):
        lists[choice.kind].append(choice)
    return lists
