from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "crm.orders"
    label = "orders"
    verbose_name = _("Orders and receivables")

    def ready(self) -> None:
        """Models of the other rooms, the payment-terms parameter, menu, 360° tabs and header
        figures, the approval kind, reminder sources."""
        from crm.core.modules import Module
        from crm.customers.tabs import Tab, register_figure, register_tab
        from crm.org.params import PARAMETERS, ParamSpec
        from crm.web import nav

        from . import models_receivables, models_shipping, reminders, tabs  # noqa: F401

        PARAMETERS.setdefault(
            "payment_terms_days",
            ParamSpec(
                "payment_terms_days",
                _("Default payment terms"),
                "int",
                "30",
                0,
                365,
                unit=_("days"),
                help_text=_(
                    "An invoice falls due this many days after its issue date unless the order "
                    "or the customer has its own terms."
                ),
            ),
        )
        can_view = nav.can_view(Module.SALES)
        for key, label, url, order in (
            ("orders", _("Orders"), "orders:order_list", 230),
            ("receivables", _("Receivables"), "orders:invoice_list", 240),
        ):
            nav.register(nav.NavItem(key, label, url, can_view, order=order))
        register_tab(
            Tab(
                "orders",
                _("Orders"),
                "orders/_customer_orders.html",
                tabs.customer_orders,
                order=210,
                visible=can_view,
            )
        )
        register_tab(
            Tab(
                "receivables",
                _("Receivables"),
                "orders/_customer_receivables.html",
                tabs.customer_receivables,
                order=220,
                visible=can_view,
            )
        )
        register_figure("open_balance", _("Open balance"), tabs.open_balance, visible=can_view)
        register_figure("overdue", _("Overdue"), tabs.overdue_amount, visible=can_view)
        self._ready_approvals()
        self._ready_reminders()

    def _ready_approvals(self) -> None:
        from django.urls import reverse

        from crm.sales.approvals import register_approvable

        from . import services
        from .models import SalesOrder

        def on_decided(order: Any, approved: bool, request: Any, user: Any) -> None:
            services.order_approval_decided(order=order, approved=approved, actor=user)

        register_approvable(
            "order",
            model=SalesOrder,
            label=_("Sales order"),
            url=lambda order: reverse("orders:order_detail", args=[order.pk]),
            on_decided=on_decided,
        )

    def _ready_reminders(self) -> None:
        from crm.system.reminders import register_source

        from . import reminders

        register_source("receivable_due", reminders.receivable_due)
        register_source("receivable_overdue", reminders.receivable_overdue)
