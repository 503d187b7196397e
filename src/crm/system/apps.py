from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SystemConfig(AppConfig):
    name = "crm.system"
    label = "system"
    verbose_name = _("System")

    def ready(self) -> None:
        """The reminder runs' menu entry (system managers)."""
        from crm.core.modules import Special
        from crm.web import nav

        nav.register(
            nav.NavItem(
                "reminder_runs",
                _("Reminder runs"),
                "system:run_list",
                nav.has_special(Special.MANAGE_SYSTEM),
                935,
            )
        )
