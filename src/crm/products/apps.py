from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProductsConfig(AppConfig):
    name = "crm.products"
    label = "products"
    verbose_name = _("Products")

    def ready(self) -> None:
        from crm.core import jobs, recycle, search
        from crm.core.modules import Action, Module
        from crm.customers.tabs import Tab, register_tab
        from crm.web import nav

        from . import imports, services, services_prices
        from .models import Brand, CustomerPrice, PriceList, Product, Series
        from .search import search_products
        from .views_prices import customer_prices_tab

        recycle.register(
            Product,
            restore=lambda p, actor: services.product_restore(product=p, actor=actor),
            module=Module.SALES,
            owner_field=None,
            unit_field=None,
        )
        recycle.register(
            Brand,
            restore=lambda b, actor: services.brand_restore(brand=b, actor=actor),
            module=Module.SALES,
            owner_field=None,
            unit_field=None,
        )
        recycle.register(
            Series,
            restore=lambda s, actor: services.series_restore(series=s, actor=actor),
            module=Module.SALES,
            owner_field=None,
            unit_field=None,
        )
        recycle.register(
            PriceList,
            restore=lambda p, actor: services_prices.price_list_restore(price_list=p, actor=actor),
            module=Module.SALES,
            owner_field=None,
            unit_field=None,
        )
        recycle.register(
            CustomerPrice,
            module=Module.SALES,
            owner_field="customer__owner",
            unit_field="customer__org_unit",
            restore=lambda c, actor: services_prices.customer_price_restore(
                customer_price=c, actor=actor
            ),
        )
        search.register(search.Provider("products", _("Products"), search_products))
        nav.register(
            nav.NavItem(
                "products", _("Products"), "products:list", nav.can_view(Module.SALES), order=200
            )
        )
        register_tab(
            Tab(
                "prices",
                _("Prices"),
                "products/_customer_prices_tab.html",
                customer_prices_tab,
                order=200,
                visible=lambda access: access.can(Module.SALES, Action.VIEW),
            )
        )
        jobs.register(
            imports.JOB_KIND,
            imports.run_import,
            result_template="products/import_result.html",
            context=imports.result_context,
        )
