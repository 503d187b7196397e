"""Module navigation. Later modules register their entries; the shell shows the permitted ones."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from crm.core.access import get_access
from crm.core.modules import Action, Module, Special


@dataclass(frozen=True)
class NavItem:
    key: str
    label: Any
    url_name: str
    # Who sees it: (access) -> bool.
    visible: Callable[[Any], bool]
    order: int = 100


_ITEMS: list[NavItem] = []


def register(item: NavItem) -> None:
    if all(i.key != item.key for i in _ITEMS):
        _ITEMS.append(item)
        _ITEMS.sort(key=lambda i: i.order)


def items_for(user: Any) -> list[dict[str, str]]:
    access = get_access(user)
    return [
        {"key": i.key, "label": str(i.label), "url": reverse(i.url_name)}
        for i in _ITEMS
        if i.visible(access)
    ]


def can_view(module: str) -> Callable[[Any], bool]:
    return lambda access: access.can(module, Action.VIEW)


def has_special(special: str) -> Callable[[Any], bool]:
    return lambda access: access.has(special)


def can_delete_anything(access: Any) -> bool:
    return any(access.can(m, Action.DELETE) for m in Module.values)


register(NavItem("home", _("Home"), "home", lambda a: True, order=0))
register(NavItem("org", _("Organisation"), "org:tree", can_view(Module.ORG), order=900))
register(NavItem("employees", _("Employees"), "org:employees", can_view(Module.ORG), order=910))
register(NavItem("roles", _("Roles"), "org:roles", has_special(Special.MANAGE_SYSTEM), order=920))
register(
    NavItem(
        "parameters",
        _("System parameters"),
        "org:parameters",
        has_special(Special.MANAGE_SYSTEM),
        order=930,
    )
)
register(NavItem("recycle", _("Recycle bin"), "org:recycle_bin", can_delete_anything, order=940))
