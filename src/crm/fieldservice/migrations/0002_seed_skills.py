from typing import Any

from django.db import migrations


def seed(apps: Any, schema_editor: Any) -> None:
    from crm.fieldservice.seed import seed_skills

    seed_skills(
        apps.get_model("fieldservice", "Skill"), apps.get_model("fieldservice", "EquipmentType")
    )


class Migration(migrations.Migration):
    dependencies = [("fieldservice", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
