from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FieldServiceConfig(AppConfig):
    name = "crm.fieldservice"
    label = "fieldservice"
    verbose_name = _("Field service")

    def ready(self) -> None:
        """Menu entries and the customer 360° tab 设备."""
        from crm.core.modules import Module, Special
        from crm.customers.tabs import Tab, register_tab
        from crm.web import nav

        from . import tabs

        can_view = nav.can_view(Module.SERVICE)
        nav.register(
            nav.NavItem("field_visits", _("My visits"), "fieldservice:visit_list", can_view, 310)
        )
        nav.register(
            nav.NavItem("equipment", _("Equipment"), "fieldservice:equipment_list", can_view, 312)
        )
        nav.register(
            nav.NavItem(
                "service_plans", _("Service plans"), "fieldservice:plan_list", can_view, 314
            )
        )
        nav.register(
            nav.NavItem(
                "field_skills",
                _("Skills and equipment types"),
                "fieldservice:skills",
                nav.has_special(Special.MANAGE_SYSTEM),
                937,
            )
        )
        register_tab(
            Tab(
                "equipment",
                _("Equipment"),
                "fieldservice/_customer_equipment.html",
                tabs.customer_equipment,
                order=310,
                visible=can_view,
            )
        )
