"""The 360° page's extension point: later modules add tabs and summary figures here.

A module registers in its AppConfig.ready(), without editing this app:

    from crm.customers.tabs import Tab, register_tab
    register_tab(Tab("orders", _("Orders"), "sales/_customer_orders.html", orders_context,
                     order=200, visible=can_view(Module.SALES)))

`context(user, customer)` returns the template's context (read it through the module's own
scoped selectors) and may return {"summary": [(label, value), …]} for the figures at the top.

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


def tabs_for(user: Any, customer: Any) -> list[dict[str, Any]]:
    """The visible tabs with their rendered context, in order."""
    access = get_access(user)
    out = []
    for tab in sorted(_TABS.values(), key=lambda t: (t.order, t.key)):
        if tab.visible is not None and not tab.visible(access):
            continue
        context = tab.context(user, customer)
        out.append(
            {"key": tab.key, "label": tab.label, "template": tab.template, "context": context}
        )
    return out
