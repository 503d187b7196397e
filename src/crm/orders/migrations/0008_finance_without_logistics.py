"""Finance (财务) keeps invoices, payments and credit limits, not orders: its sales grant
becomes view + export (it was view/create/edit/export, which let it ship, cancel and return).
Only the untouched default is changed; an admin's own edit of the role stays."""

from django.db import migrations

OLD_DESCRIPTION = "财务：全部订单、发票、收款和信用额度；应收账龄。"
NEW_DESCRIPTION = "财务：查看全部订单；开票、收款、信用额度和对账单；应收账龄。"
DEFAULT = {
    "role__code": "finance",
    "module": "sales",
    "scope": "all",
    "can_view": True,
    "can_delete": False,
    "can_export": True,
}


def forwards(apps, schema_editor):
    Grant = apps.get_model("org", "RolePermission")
    Role = apps.get_model("org", "Role")
    Grant.objects.filter(**DEFAULT, can_create=True, can_edit=True).update(
        can_create=False, can_edit=False
    )
    Role.objects.filter(code="finance", description=OLD_DESCRIPTION).update(
        description=NEW_DESCRIPTION
    )


def backwards(apps, schema_editor):
    Grant = apps.get_model("org", "RolePermission")
    Role = apps.get_model("org", "Role")
    Grant.objects.filter(**DEFAULT, can_create=False, can_edit=False).update(
        can_create=True, can_edit=True
    )
    Role.objects.filter(code="finance", description=NEW_DESCRIPTION).update(
        description=OLD_DESCRIPTION
    )


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0007_invoice_settled"),
        ("org", "0002_seed_roles"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
