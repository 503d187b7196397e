"""Merging two customers and undoing it (CUS-6). Writes, like services.py: transactional,
audited, one named function per action.

Every row that points at the merged customer moves to the survivor — contacts, interactions
and the tables of later modules alike, found through the model's reverse relations — and the
Merge row records exactly which rows moved, so undo moves back those and no others.
"""

from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.core.audit import audit_log
from crm.core.errors import Conflict, Forbidden, StaleVersion, ValidationFailed
from crm.core.models import AuditAction
from crm.core.services import record_restore, record_soft_delete, record_update

from .models import Contact, Customer, Merge
from .selectors import SENSITIVE_FIELDS, can_see_sensitive
from .services import CUSTOMER_FIELDS, customer_refresh_search

# Fields whose surviving value the user chooses; the unit follows the owner.
MERGE_FIELDS = [f for f in CUSTOMER_FIELDS if f != "org_unit"]
_CHUNK = 1000


def _chunks(pks: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(pks), _CHUNK):
        yield pks[start : start + _CHUNK]


def _reverse_relations() -> list[tuple[type[models.Model], str]]:
    """(model, attname of its FK to Customer) for every table that points at customers.

    Hidden relations (related_name="+") count too; Merge itself and the auto-created tables
    of Customer's own many-to-many fields do not. Many-to-many tables of other models point
    at customers through their FK like any other table.
    """
    out = []
    for rel in Customer._meta.get_fields(include_hidden=True):
        if not (rel.auto_created and not rel.concrete) or not rel.is_relation:
            continue
        if rel.many_to_many:
            through = rel.through  # type: ignore[union-attr]
            if not through._meta.auto_created:
                continue  # a custom through model: covered as an ordinary FK below
            name = rel.field.m2m_reverse_field_name()  # type: ignore[union-attr]
            out.append((through, through._meta.get_field(name).attname))
            continue
        model = rel.related_model
        if model is Merge or model._meta.auto_created:  # type: ignore[union-attr]
            continue
        out.append((model, rel.field.attname))  # type: ignore[union-attr]
    return out


def _to_python(name: str, value: Any) -> Any:
    """A stored snapshot value back into what the model field takes."""
    field = Customer._meta.get_field(name)
    if value is None:
        return None
    if field.is_relation:
        return field.related_model._base_manager.filter(pk=value).first()  # type: ignore[union-attr]
    if isinstance(field, models.DecimalField):
        return Decimal(str(value))
    return value


def _raw(customer: Customer, name: str) -> Any:
    field = Customer._meta.get_field(name)
    return getattr(customer, field.attname)  # type: ignore[union-attr]


def merge_preview(survivor: Customer, merged: Customer, *, sensitive: bool) -> list[dict]:
    """The fields whose values differ, for the wizard: name, label and both display values."""
    from crm.core.audit import display_value, field_label

    rows = []
    for name in MERGE_FIELDS:
        if not sensitive and name in SENSITIVE_FIELDS:
            continue
        if _raw(survivor, name) != _raw(merged, name):
            rows.append(
                {
                    "field": name,
                    "label": field_label(survivor, name),
                    "survivor": display_value(survivor, name),
                    "merged": display_value(merged, name),
                }
            )
    return rows


def customer_merge(
    *,
    actor: Any,
    survivor: Customer,
    merged: Customer,
    survivor_version: int,
    merged_version: int,
    take_from_merged: Iterable[str] = (),
) -> Merge:
    """Merge `merged` into `survivor`: move every related row, soft-delete `merged`.

    `take_from_merged` names the fields whose value the survivor takes from the merged
    customer. The caller has checked that the actor may edit and delete both customers.
    """
    take = list(dict.fromkeys(take_from_merged))
    unknown = set(take) - set(MERGE_FIELDS)
    if unknown:
        raise ValidationFailed(fields={"take": [_("Unknown field: %s") % ", ".join(unknown)]})
    if survivor.pk == merged.pk:
        raise ValidationFailed(fields={"merged_id": [_("Choose two different customers.")]})
    if not can_see_sensitive(actor) and set(take) & set(SENSITIVE_FIELDS):
        raise Forbidden(_("You may not set sensitive fields (tax ID, bank account, credit level)."))
    with transaction.atomic():
        locked = {
            c.pk: c
            for c in Customer.objects.select_for_update().filter(pk__in=[survivor.pk, merged.pk])
        }
        s, m = locked.get(survivor.pk), locked.get(merged.pk)
        if s is None or m is None or s.version != survivor_version or m.version != merged_version:
            raise StaleVersion()
        changes: dict[str, Any] = {}
        for name in take:
            if _raw(s, name) != _raw(m, name):
                changes[name] = getattr(m, name)
        if "owner" in changes:
            changes["org_unit"] = m.org_unit
        before = {name: _raw(s, name) for name in changes}

        # One primary contact per customer: the survivor's stays primary.
        primary_cleared: list[int] = []
        if Contact.objects.filter(customer_id=s.pk, is_primary=True).exists():
            primary_cleared = list(
                Contact.all_objects.filter(customer_id=m.pk, is_primary=True).values_list(
                    "pk", flat=True
                )
            )
            Contact.all_objects.filter(pk__in=primary_cleared).update(is_primary=False)
        moved = []
        for model, attname in _reverse_relations():
            manager = model._base_manager
            pks = list(manager.filter(**{attname: m.pk}).values_list("pk", flat=True))
            if not pks:
                continue
            for chunk in _chunks(pks):
                try:
                    with transaction.atomic():
                        manager.filter(pk__in=chunk).update(**{attname: s.pk})
                except IntegrityError:
                    raise Conflict(
                        _("Some records of the two customers cannot be combined."),
                        code="merge_conflict",
                    ) from None
            moved.append({"model": model._meta.label, "field": attname, "pks": pks})
        units_added = list(
            m.units_served.exclude(pk__in=s.units_served.values("pk")).values_list("pk", flat=True)
        )
        if units_added:
            s.units_served.add(*units_added)

        # The merged customer goes first, so the survivor may take its USCC.
        record_soft_delete(instance=m, actor=actor)
        if changes:
            try:
                s = record_update(instance=s, version=s.version, changes=changes, actor=actor)
            except ValidationError as exc:
                raise ValidationFailed(
                    fields={k: [str(e) for e in v] for k, v in exc.message_dict.items()}
                ) from None
        customer_refresh_search(customer=s)
        merge = Merge.objects.create(
            survivor=s,
            merged=m,
            actor=actor if getattr(actor, "pk", None) else None,
            snapshot={
                "moved": moved,
                "survivor_before": before,
                "survivor_after": {name: _raw(s, name) for name in changes},
                "primary_cleared": primary_cleared,
                "units_added": units_added,
            },
        )
        audit_log(
            instance=s,
            action=AuditAction.UPDATE,
            actor=actor,
            changes={
                "merged_from": {
                    "label": _("Merged with"),
                    "old": "",
                    "new": f"{m.code} {m.name}",
                }
            },
        )
    return merge


def customer_merge_undo(*, merge: Merge, actor: Any) -> Merge:
    """Undo a merge: restore the merged customer, move back exactly the rows that moved and
    give the survivor its old values back (later edits of those fields are overwritten)."""
    with transaction.atomic():
        locked = Merge.objects.select_for_update().filter(pk=merge.pk).first()
        if locked is None or locked.undone_at is not None:
            raise Conflict(_("This merge has already been undone."), code="already_undone")
        s = Customer.all_objects.select_for_update().get(pk=locked.survivor_id)
        m = Customer.all_objects.select_for_update().get(pk=locked.merged_id)
        if s.is_deleted:
            raise Conflict(_("Restore the surviving customer first."), code="customer_deleted")
        if not m.is_deleted:
            raise Conflict(_("The merged customer is already restored."), code="already_undone")
        snap = locked.snapshot
        restore = {name: _to_python(name, v) for name, v in snap.get("survivor_before", {}).items()}
        if restore:
            s = record_update(instance=s, version=s.version, changes=restore, actor=actor)
        for entry in snap.get("moved", []):
            model = apps.get_model(entry["model"])
            field = entry["field"]
            for chunk in _chunks(entry["pks"]):
                model._base_manager.filter(pk__in=chunk, **{field: s.pk}).update(**{field: m.pk})
        if snap.get("primary_cleared"):
            Contact.all_objects.filter(pk__in=snap["primary_cleared"], customer_id=m.pk).update(
                is_primary=True
            )
        if snap.get("units_added"):
            s.units_served.remove(*snap["units_added"])
        if m.uscc and Customer.objects.filter(uscc=m.uscc).exists():
            raise Conflict(
                _("Another customer already has this unified social credit code."),
                code="uscc_taken",
            )
        m = record_restore(instance=m, actor=actor)
        customer_refresh_search(customer=s)
        customer_refresh_search(customer=m)
        locked.undone_at = timezone.now()
        locked.undone_by = actor if getattr(actor, "pk", None) else None
        locked.save(update_fields=["undone_at", "undone_by"])
        audit_log(
            instance=s,
            action=AuditAction.UPDATE,
            actor=actor,
            changes={
                "merged_from": {
                    "label": _("Merged with"),
                    "old": f"{m.code} {m.name}",
                    "new": _("(undone)"),
                }
            },
        )
    return locked
