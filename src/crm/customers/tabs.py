"""The 360° page's extension point: later modules add tabs and summary figures here.

A module registers in its AppConfig.ready(), without editing this app:

    from crm.customers.tabs import Tab, register_tab
    register_tab(Tab("orders", _("Orders"), "sales/_customer_orders.html", orders_context,
                     order=200, visible=can_view(Module.SALES)))

`context(user, customer)` returns the template's context (read it through the module's own
scoped selectors). A tab is loaded when the user opens it (htmx GET of
/customers/<pk>/tabs/<key>/), so the 360° page's cost does not grow with the number of modules;
a number that belongs at the top of the page is a figure, not part of a tab.

A figure of the header (open balance, overdue amount…) registers on its own, computed with one
query and only for users who may see it:

    register_figure("open_balance", _("Open balance"), balance_fn, visible=can_view(Module.SALES))

where `balance_fn(user, customer)` returns the value shown.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from crm.core.access import get_access

Context = Callable[[Any, Any], dict[str, Any]]


@dataclass(frozen=True)
class Tab:
    key: str
    label: Any
    template: str
    context: Context
    order: int = 100
    # (access) -> bool; default: everyone who sees the customer.
    visible: Callable[[Any], bool] | None = None


_TABS: dict[str, Tab] = {}


def register_tab(tab: Tab) -> None:
    _TABS[tab.key] = tab


def unregister_tab(key: str) -> None:
    _TABS.pop(key, None)


Figure = Callable[[Any, Any], Any]


@dataclass(frozen=True)
class SummaryFigure:
    key: str
    label: Any
    value: Figure
    order: int = 100
    visible: Callable[[Any], bool] | None = None


_FIGURES: dict[str, SummaryFigure] = {}


def register_figure(
    key: str,
    label: Any,
    value: Figure,
    *,
    visible: Callable[[Any], bool] | None = None,
    order: int = 100,
) -> None:
    _FIGURES[key] = SummaryFigure(key, label, value, order, visible)


def unregister_figure(key: str) -> None:
    _FIGURES.pop(key, None)


def figures_for(user: Any, customer: Any) -> list[dict[str, Any]]:
    """The visible header figures with their values, in order."""
    access = get_access(user)
    return [
        {"key": f.key, "label": f.label, "value": f.value(user, customer)}
        for f in sorted(_FIGURES.values(), key=lambda f: (f.order, f.key))
        if f.visible is None or f.visible(access)
    ]


def tabs_for(user: Any) -> list[Tab]:
    """The tabs the user may open, in order (their contexts are computed when opened)."""
    access = get_access(user)
    return [
        tab
        for tab in sorted(_TABS.values(), key=lambda t: (t.order, t.key))
        if tab.visible is None or tab.visible(access)
    ]


def tab_for(user: Any, key: str) -> Tab | None:
    """One tab by key if the user may open it, else None."""
    return next((t for t in tabs_for(user) if t.key == key), None)
