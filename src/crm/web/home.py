"""The home page's extension point: modules add panels here, each user sees the ones for them.

A module registers in its AppConfig.ready(), without editing this app:

    from crm.web.home import Panel, register_panel
    register_panel(Panel("my_visits", _("Today's visits"), "sales/activities/_home_today.html",
                         today_context, order=100, visible=nav.can_view(Module.SALES)))

`context(user)` returns the template's context, read through the module's own scoped
selectors with a fixed number of queries (the home page's query count must not grow with the
data). It may return None to leave the panel out for this user (nothing to show). `width` is
the panel's Bootstrap column class at desktop width; on a phone every panel is full width.
Templates that draw charts put `{"charts": True}` in their context; the page then loads
ECharts once.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from crm.core.access import get_access

Context = Callable[[Any], dict[str, Any] | None]


@dataclass(frozen=True)
class Panel:
    key: str
    label: Any
    template: str
    context: Context
    order: int = 100
    # (access) -> bool; default: every signed-in user.
    visible: Callable[[Any], bool] | None = None
    width: str = "col-lg-6"


_PANELS: dict[str, Panel] = {}


def register_panel(panel: Panel) -> None:
    _PANELS[panel.key] = panel


def unregister_panel(key: str) -> None:
    _PANELS.pop(key, None)


def panels_for(user: Any) -> list[dict[str, Any]]:
    """The visible panels with their context, in order (panels whose context is None are
    left out)."""
    access = get_access(user)
    out = []
    for panel in sorted(_PANELS.values(), key=lambda p: (p.order, p.key)):
        if panel.visible is not None and not panel.visible(access):
            continue
        context = panel.context(user)
        if context is None:
            continue
        out.append(
            {
                "key": panel.key,
                "label": panel.label,
                "template": panel.template,
                "width": panel.width,
                "context": context,
            }
        )
    return out
