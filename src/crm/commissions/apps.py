from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommissionsConfig(AppConfig):
    name = "crm.commissions"
    label = "commissions"
    verbose_name = _("Commissions")

    def ready(self) -> None:
        """Menu entries and the home panel of reps."""
        from crm.core.access import Access
        from crm.core.modules import Action, Module, Special
        from crm.web import nav
        from crm.web.home import Panel, register_panel

        from . import home

        nav.register(
            nav.NavItem(
                "commissions",
                _("Commissions"),
                "commissions:statement_list",
                nav.can_view(Module.SALES),
                250,
            )
        )
        nav.register(
            nav.NavItem(
                "commission_rules",
                _("Commission rules"),
                "commissions:rule_list",
                nav.has_special(Special.MANAGE_SYSTEM),
                940,
            )
        )

        def sells(access: Access) -> bool:
            return access.can(Module.SALES, Action.CREATE)

        register_panel(
            Panel(
                "commissions_month",
                _("Commission this month"),
                "commissions/_home_panel.html",
                home.month_panel,
                order=115,
                visible=sells,
            )
        )
