"""Global-search providers of the organisation module (read through the selectors)."""

from typing import Any

from django.urls import reverse

from crm.core.search import Hit

from . import selectors


def search_employees(user: Any, query: str, limit: int) -> list[Hit]:
    return [
        Hit(str(e), f"{e.username} · {e.unit or ''}", reverse("org:employee", args=[e.pk]))
        for e in selectors.employees_for_user(user, query=query)[:limit]
    ]


def search_units(user: Any, query: str, limit: int) -> list[Hit]:
    return [
        Hit(u.name, u.get_kind_display(), reverse("org:unit", args=[u.pk]))
        for u in selectors.units_for_user(user).filter(name__icontains=query)[:limit]
    ]
