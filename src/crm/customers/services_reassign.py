"""Reassigning customers to another rep (CUS-4): in bulk, in chunks, with one history entry
per customer."""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.core.models import AuditAction, AuditEntry
from crm.org.models import OrgUnit, User

from .models import Customer
from .services import _field_error

_REASSIGN_CHUNK = 1000


def customer_reassign(*, actor: Any, customers: QuerySet[Customer], new_owner: Any) -> int:
    """Move `customers` to `new_owner` (their unit follows); returns how many moved.

    `customers` comes from a scoped selector (the caller checked every one is in the actor's
    scope, and that `new_owner` is an employee the actor may see). Bulk UPDATEs by primary key
    plus one bulk insert of history entries; every moved customer's version goes up.
    """
    if not new_owner.is_active:
        raise _field_error("to_owner", _("Choose an active employee."))
    unit = new_owner.unit
    if unit is None or unit.is_deleted:
        raise _field_error("to_owner", _("The owner belongs to no unit; choose a unit."))
    with transaction.atomic():
        rows = list(
            customers.order_by("pk")
            .exclude(owner_id=new_owner.pk, org_unit_id=unit.pk)
            .select_for_update(of=("self",))
            .values_list("pk", "name", "owner_id", "org_unit_id")
        )
        if not rows:
            return 0
        people = {
            u.pk: str(u) for u in User.objects.filter(pk__in={r[2] for r in rows} | {new_owner.pk})
        }
        units = {
            u.pk: u.name for u in OrgUnit.objects.filter(pk__in={r[3] for r in rows} | {unit.pk})
        }
        now = timezone.now()
        pks = [r[0] for r in rows]
        for start in range(0, len(pks), _REASSIGN_CHUNK):
            Customer.all_objects.filter(pk__in=pks[start : start + _REASSIGN_CHUNK]).update(
                owner_id=new_owner.pk,
                org_unit_id=unit.pk,
                version=F("version") + 1,
                updated_by_id=getattr(actor, "pk", None),
                updated_at=now,
            )
        owner_label = str(Customer._meta.get_field("owner").verbose_name)
        unit_label = str(Customer._meta.get_field("org_unit").verbose_name)
        content_type = ContentType.objects.get_for_model(Customer)
        entries = []
        for pk, name, owner_id, unit_id in rows:
            changes = {}
            if owner_id != new_owner.pk:
                changes["owner"] = {
                    "label": owner_label,
                    "old": people.get(owner_id, ""),
                    "new": people[new_owner.pk],
                }
            if unit_id != unit.pk:
                changes["org_unit"] = {
                    "label": unit_label,
                    "old": units.get(unit_id, ""),
                    "new": units[unit.pk],
                }
            entries.append(
                AuditEntry(
                    content_type=content_type,
                    object_id=str(pk),
                    object_repr=name[:255],
                    action=AuditAction.UPDATE,
                    changes=changes,
                    actor=actor if getattr(actor, "pk", None) else None,
                )
            )
        AuditEntry.objects.bulk_create(entries, batch_size=_REASSIGN_CHUNK)
    return len(rows)
