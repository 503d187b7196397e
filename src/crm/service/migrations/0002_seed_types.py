from typing import Any

from django.db import migrations


def seed(apps: Any, schema_editor: Any) -> None:
    from crm.service.seed import seed_types

    seed_types(apps.get_model("service", "TicketType"), apps.get_model("service", "TicketCategory"))


class Migration(migrations.Migration):
    dependencies = [("service", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
