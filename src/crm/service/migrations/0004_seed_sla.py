from typing import Any

from django.db import migrations


def seed(apps: Any, schema_editor: Any) -> None:
    from crm.service.seed import seed_sla

    seed_sla(
        apps.get_model("service", "ServiceCalendar"),
        apps.get_model("service", "CalendarDay"),
        apps.get_model("service", "SlaPolicy"),
        apps.get_model("service", "TicketType"),
    )


class Migration(migrations.Migration):
    dependencies = [("service", "0003_sla")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
