from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "crm.org"
    label = "org"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from crm.core import recycle, search
        from crm.core.modules import Module

        from . import services
        from .models import OrgUnit, Role
        from .search import search_employees, search_units

        recycle.register(
            OrgUnit,
            module=Module.ORG,
            owner_field=None,
            unit_field="",
            restore=lambda unit, actor: services.unit_restore(unit=unit, actor=actor),
        )
        recycle.register(
            Role,
            module=Module.SYSTEM,
            owner_field=None,
            unit_field=None,
            restore=lambda role, actor: services.role_restore(role=role, actor=actor),
        )
        search.register(search.Provider("employees", _("Employees"), search_employees))
        search.register(search.Provider("units", _("Organisation units"), search_units))
