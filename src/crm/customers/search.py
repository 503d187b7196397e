"""Global-search providers of the customers module (read through the scoped selectors)."""

from typing import Any

from django.urls import reverse

from crm.core.search import Hit

from . import selectors


def search_customers(user: Any, query: str, limit: int) -> list[Hit]:
    qs = selectors.customers_for_user(user, selectors.CustomerFilters(search=query))
    return [
        Hit(
            c.name,
            f"{c.code} · {c.short_name or c.org_unit}",
            reverse("customers:detail", args=[c.pk]),
        )
        for c in qs[:limit]
    ]


def search_contacts(user: Any, query: str, limit: int) -> list[Hit]:
    return [
        Hit(
            c.name,
            " · ".join(p for p in (c.customer.name, c.mobile or c.landline) if p),
            reverse("customers:detail", args=[c.customer_id]) + "#contacts",
        )
        for c in selectors.contacts_for_user(user, search=query)[:limit]
    ]
