from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceConfig(AppConfig):
    name = "crm.service"
    label = "service"
    verbose_name = _("Service")

    def ready(self) -> None:
        """Menu entry and the customer 360° tab."""
        from crm.core.modules import Action, Module, Special
        from crm.customers.tabs import Tab, register_figure, register_tab
        from crm.web import nav

        from . import tabs, views_repair
        from .panels import TicketPanel, register_panel

        can_view = nav.can_view(Module.SERVICE)
        nav.register(nav.NavItem("service_home", _("Service home"), "service:home", can_view, 285))
        nav.register(nav.NavItem("tickets", _("Tickets"), "service:ticket_list", can_view, 300))

        def can_take_calls(access: Any) -> bool:
            return bool(access.can(Module.SERVICE, Action.CREATE))

        nav.register(nav.NavItem("desk", _("Call desk"), "service:desk", can_take_calls, 290))
        nav.register(nav.NavItem("revisits", _("Revisits"), "service:revisit_list", can_view, 305))
        nav.register(
            nav.NavItem("defects", _("Product defects"), "service:defect_list", can_view, 306)
        )
        for panel in (
            TicketPanel("repair", "service/_repair_panel.html", views_repair.repair_panel, 10),
            TicketPanel("defects", "service/_defects_panel.html", views_repair.defects_panel, 20),
            TicketPanel(
                "attachments", "service/_attachments_panel.html", views_repair.attachments_panel, 30
            ),
        ):
            register_panel(panel)
        nav.register(
            nav.NavItem(
                "sla_settings",
                _("SLA settings"),
                "service:sla_settings",
                nav.has_special(Special.MANAGE_SYSTEM),
                935,
            )
        )
        from django.apps import apps

        if apps.is_installed("crm.system"):
            from crm.system.reminders import register_source

            from .selectors_revisit import reminders

            register_source("service.revisits_due", reminders)
        register_figure(
            "open_tickets", _("Open tickets"), tabs.open_tickets, visible=can_view, order=300
        )
        register_tab(
            Tab(
                "tickets",
                _("Tickets"),
                "service/_customer_tickets.html",
                tabs.customer_tickets,
                order=300,
                visible=can_view,
            )
        )
