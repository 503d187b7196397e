from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SalesConfig(AppConfig):
    name = "crm.sales"
    label = "sales"
    verbose_name = _("Sales")

    def ready(self) -> None:
        self._ready_pipeline()
        self._ready_activities()
        self._ready_order_to_cash()

    def _ready_pipeline(self) -> None:
        """Stages, leads, opportunities, forecast: recycle bin, search, menu, 360° tab."""
        from crm.core import recycle, search
        from crm.core.modules import Module
        from crm.customers.tabs import Tab, register_figure, register_tab
        from crm.web import nav

        from . import search as sales_search
        from . import services, services_leads, tabs
        from .models import Lead, Opportunity

        recycle.register(
            Lead,
            module=Module.SALES,
            restore=lambda x, actor: services_leads.lead_restore(lead=x, actor=actor),
        )
        recycle.register(
            Opportunity,
            module=Module.SALES,
            restore=lambda x, actor: services.opportunity_restore(opportunity=x, actor=actor),
        )
        search.register(search.Provider("leads", _("Leads"), sales_search.search_leads))
        search.register(
            search.Provider("opportunities", _("Opportunities"), sales_search.search_opportunities)
        )
        for key, label, url, order in (
            ("leads", _("Leads"), "sales:lead_list", 200),
            ("opportunities", _("Opportunities"), "sales:board", 210),
            ("forecast", _("Forecast"), "sales:forecast", 220),
        ):
            nav.register(nav.NavItem(key, label, url, nav.can_view(Module.SALES), order=order))
        sales = nav.can_view(Module.SALES)
        register_figure(
            "open_opportunities",
            _("Open opportunities"),
            tabs.open_opportunities,
            visible=sales,
            order=200,
        )
        register_figure(
            "weighted_pipeline",
            _("Weighted pipeline"),
            tabs.weighted_pipeline,
            visible=sales,
            order=201,
        )
        register_tab(
            Tab(
                "opportunities",
                _("Opportunities"),
                "sales/_customer_opportunities.html",
                tabs.customer_opportunities,
                order=200,
                visible=nav.can_view(Module.SALES),
            )
        )

    def _ready_activities(self) -> None:
        """Activities, visits, targets: recycle bin, menu, 360° tab, home panels."""
        from dataclasses import replace

        from crm.core import recycle
        from crm.core.access import Access
        from crm.core.modules import Action, Module
        from crm.customers.tabs import Tab, register_figure, register_tab
        from crm.web import nav
        from crm.web.home import Panel, register_panel

        from . import home_activities as home
        from . import services_activities, services_targets
        from .models_activities import Activity, Target

        recycle.register(
            Activity,
            module=Module.SALES,
            restore=lambda x, actor: services_activities.activity_restore(activity=x, actor=actor),
        )
        recycle.register(
            Target,
            module=Module.SALES,
            owner_field="rep",
            restore=lambda x, actor: services_targets.target_restore(target=x, actor=actor),
        )
        sales = nav.can_view(Module.SALES)

        def sells_or_leads(access: Access) -> bool:
            # Home panels for those who sell, manage or lead sales (not view-only roles such
            # as the call centre's).
            return access.can(Module.SALES, Action.CREATE) or access.can(
                Module.SALES, Action.EXPORT
            )

        nav.register(nav.NavItem("activities", _("My week"), "sales:activity_week", sales, 190))
        nav.register(nav.NavItem("targets", _("Targets"), "sales:target_list", sales, 230))
        register_figure(
            "planned_activities",
            _("Planned activities"),
            home.customer_planned,
            visible=sales,
            order=210,
        )
        register_tab(
            Tab(
                "activities",
                _("Activities"),
                "sales/activities/_customer_tab.html",
                home.customer_tab,
                order=210,
                visible=sales,
            )
        )
        for panel in (
            Panel("sales_day", _("Today"), "sales/activities/_home_day.html", home.day_panel, 100),
            Panel(
                "sales_target",
                _("Target achievement"),
                "sales/activities/_home_target.html",
                home.target_panel,
                110,
            ),
            Panel(
                "sales_pipeline",
                _("Pipeline by stage"),
                "sales/activities/_home_pipeline.html",
                home.pipeline_panel,
                120,
            ),
            Panel(
                "sales_team",
                _("My team this month"),
                "sales/activities/_home_team.html",
                home.team_panel,
                130,
                width="col-lg-12",
            ),
        ):
            register_panel(replace(panel, visible=sells_or_leads))

    def _ready_order_to_cash(self) -> None:
        """Approvals, quotes, contracts: menu, reminder sources, approvable kinds, 360° tabs."""
        from crm.core.modules import Module
        from crm.customers.tabs import Tab, register_figure, register_tab
        from crm.system.reminders import register_source
        from crm.web import nav

        from . import approvals, reminders, services_contracts, services_quotes, tabs_quotes
        from .models_contracts import Contract
        from .models_quotes import Quote

        sales = nav.can_view(Module.SALES)
        nav.register(nav.NavItem("quotes", _("Quotes"), "sales:quote_list", sales, 215))
        nav.register(nav.NavItem("contracts", _("Contracts"), "sales:contract_list", sales, 216))
        nav.register(nav.NavItem("approvals", _("Approvals"), "sales:approval_inbox", sales, 240))
        approvals.register_approvable(
            "quote",
            model=Quote,
            label=_("Quote"),
            url=lambda q: f"/sales/quotes/{q.pk}/",
            on_decided=services_quotes.quote_on_decided,
        )
        approvals.register_approvable(
            "contract",
            model=Contract,
            label=_("Contract"),
            url=lambda c: f"/sales/contracts/{c.pk}/",
            on_decided=services_contracts.contract_on_decided,
        )
        register_source("sales.approvals_pending", approvals.reminders)
        register_source("sales.contracts_expiring", reminders.contracts_expiring)
        register_source("sales.quotes_expiring", reminders.quotes_expiring)
        register_figure(
            "open_quotes", _("Open quotes"), tabs_quotes.open_quotes, visible=sales, order=205
        )
        register_figure(
            "active_contracts",
            _("Active contracts"),
            tabs_quotes.active_contracts,
            visible=sales,
            order=206,
        )
        register_tab(
            Tab(
                "quotes",
                _("Quotes"),
                "sales/quotes/_customer_tab.html",
                tabs_quotes.customer_quotes,
                order=205,
                visible=sales,
            )
        )
        register_tab(
            Tab(
                "contracts",
                _("Contracts"),
                "sales/contracts/_customer_tab.html",
                tabs_quotes.customer_contracts,
                order=206,
                visible=sales,
            )
        )
