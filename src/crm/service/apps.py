from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceConfig(AppConfig):
    name = "crm.service"
    label = "service"
    verbose_name = _("Service")

    def ready(self) -> None:
        """Menu entry and the customer 360° tab."""
        from crm.core.modules import Module
        from crm.customers.tabs import Tab, register_tab
        from crm.web import nav

        from . import tabs

        can_view = nav.can_view(Module.SERVICE)
        nav.register(nav.NavItem("tickets", _("Tickets"), "service:ticket_list", can_view, 300))
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
