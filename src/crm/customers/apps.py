from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "crm.customers"
    label = "customers"
    verbose_name = _("Customers")

    def ready(self) -> None:
        from crm.core import jobs, recycle, search
        from crm.core.modules import Module
        from crm.web import nav

        from . import importfiles, imports, services
        from .models import Contact, Customer
        from .search import search_contacts, search_customers

        recycle.register(
            Customer,
            module=Module.CUSTOMERS,
            owner_field="owner",
            unit_field="org_unit",
            restore=lambda c, actor: services.customer_restore(customer=c, actor=actor),
        )
        recycle.register(
            Contact,
            module=Module.CUSTOMERS,
            owner_field="customer__owner",
            unit_field="customer__org_unit",
            restore=lambda c, actor: services.contact_restore(contact=c, actor=actor),
        )
        search.register(search.Provider("customers", _("Customers"), search_customers))
        search.register(search.Provider("contacts", _("Contacts"), search_contacts))
        nav.register(
            nav.NavItem(
                "customers",
                _("Customers"),
                "customers:list",
                nav.can_view(Module.CUSTOMERS),
                order=100,
            )
        )
        jobs.register_housekeeper("old import uploads", importfiles.remove_old_uploads)
        jobs.register(
            imports.JOB_KIND,
            imports.run_import,
            result_template="customers/import_result.html",
            context=imports.result_context,
        )
