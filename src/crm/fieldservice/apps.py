from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FieldServiceConfig(AppConfig):
    name = "crm.fieldservice"
    label = "fieldservice"
    verbose_name = _("Field service")

    def ready(self) -> None:
        """Menu entries, the customer 360° tab 设备 and the recycle bin."""
        from crm.core import recycle
        from crm.core.modules import Module, Special
        from crm.customers.tabs import Tab, register_tab
        from crm.web import nav

        from . import services, tabs
        from .models import Equipment, ServicePlan

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
        # Equipment and plans have no owner of their own: they follow their customer's.
        recycle.register(
            Equipment,
            module=Module.SERVICE,
            owner_field="customer__owner",
            unit_field="customer__org_unit",
            restore=lambda e, actor: services.equipment_restore(equipment=e, actor=actor),
        )
        recycle.register(
            ServicePlan,
            module=Module.SERVICE,
            owner_field="customer__owner",
            unit_field="customer__org_unit",
            restore=lambda p, actor: services.plan_restore(plan=p, actor=actor),
        )
