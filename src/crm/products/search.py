"""Global-search provider of the catalogue (read through the selectors)."""

from typing import Any

from django.urls import reverse

from crm.core.access import get_access
from crm.core.modules import Action, Module
from crm.core.search import Hit

from . import selectors


def search_products(user: Any, query: str, limit: int) -> list[Hit]:
    if not get_access(user).can(Module.SALES, Action.VIEW):
        return []
    qs = selectors.products_for_user(user, selectors.ProductFilters(search=query))
    return [
        Hit(
            f"{p.code} {p.name}",
            " · ".join(x for x in (p.specification, p.brand.name if p.brand else "") if x),
            reverse("products:detail", args=[p.pk]),
        )
        for p in qs[:limit]
    ]
