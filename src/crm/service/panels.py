"""Extension point of the ticket page: later modules (knowledge base, warranty, equipment)
add a panel to a ticket without editing this app."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from crm.core.access import get_access

# (user, ticket) -> the panel's template context, or None to hide it for this ticket.
PanelContext = Callable[[Any, Any], dict[str, Any] | None]


@dataclass(frozen=True)
class TicketPanel:
    key: str
    template: str
    context: PanelContext
    order: int = 100
    # (access) -> bool; default: everyone who sees the ticket.
    visible: Callable[[Any], bool] | None = None


_PANELS: dict[str, TicketPanel] = {}


def register_panel(panel: TicketPanel) -> None:
    _PANELS[panel.key] = panel


def unregister_panel(key: str) -> None:
    _PANELS.pop(key, None)


def panels_for(user: Any, ticket: Any) -> list[dict[str, Any]]:
    """The visible panels of a ticket with their context, in order."""
    access = get_access(user)
    out = []
    for panel in sorted(_PANELS.values(), key=lambda p: (p.order, p.key)):
        if panel.visible is not None and not panel.visible(access):
            continue
        context = panel.context(user, ticket)
        if context is None:
            continue
        out.append({"key": panel.key, "template": panel.template, "context": context})
    return out
