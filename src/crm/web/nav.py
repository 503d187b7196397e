"""Module navigation. Later modules register their entries; the shell shows the permitted ones.

The menu bar holds groups (dropdowns). A group owns a band of `order` values, so an app places
its entry in a group by the order it picks: customers 100–189, sales and order to cash 190–279,
service 280–399, administration 900–999. A group with one visible entry shows as that entry.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
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


@dataclass(frozen=True)
class NavGroup:
    key: str
    label: Any
    low: int  # first order in the band
    high: int  # first order after it


GROUPS: tuple[NavGroup, ...] = (
    NavGroup("customers", _("Customers"), 100, 190),
    NavGroup("sales", _("Sales"), 190, 280),
    NavGroup("service", _("Service"), 280, 400),
    NavGroup("admin", _("Administration"), 900, 1000),
)


def register(item: NavItem) -> None:
    if all(i.key != item.key for i in _ITEMS):
        _ITEMS.append(item)
        _ITEMS.sort(key=lambda i: i.order)


# The entries' addresses, reversed once per URL configuration and script prefix: every page
# shows the menu, and reversing its ~30 names cost about a millisecond per request.
_URLS: dict[tuple[str, Any, str], str] = {}


def _url(name: str) -> str:
    key = (name, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())
    url = _URLS.get(key)
    if url is None:
        url = _URLS[key] = reverse(name)
    return url


def items_for(user: Any) -> list[dict[str, Any]]:
    access = get_access(user)
    return [
        {"key": i.key, "label": str(i.label), "url": _url(i.url_name), "order": i.order}
        for i in _ITEMS
        if i.visible(access)
    ]


def menu_for(user: Any, path: str = "") -> list[dict[str, Any]]:
    """The menu bar: entries outside every group, and a group per band with its entries
    (`items` empty for a plain entry). The entry whose address is the longest prefix of
    `path` is `active`, and so is its group."""
    items = items_for(user)
    current = max(
        (i for i in items if path == i["url"] or (i["url"] != "/" and path.startswith(i["url"]))),
        key=lambda i: len(i["url"]),
        default=None,
    )
    out: list[dict[str, Any]] = []
    groups: dict[str, dict[str, Any]] = {}
    for item in items:
        item["active"] = item is current
        group = next((g for g in GROUPS if g.low <= item["order"] < g.high), None)
        if group is None:
            out.append({**item, "items": []})
            continue
        if group.key not in groups:
            groups[group.key] = {
                "key": group.key,
                "label": str(group.label),
                "items": [],
                "active": False,
            }
            out.append(groups[group.key])
        groups[group.key]["items"].append(item)
        groups[group.key]["active"] |= item["active"]
    # A group of one is just its entry.
    return [e["items"][0] | {"items": []} if len(e["items"]) == 1 else e for e in out]


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
