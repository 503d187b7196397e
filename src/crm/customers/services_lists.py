"""Writes to the admin-editable lists (industries, ratings, credit levels …), with history."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from crm.core.audit import audit_log, diff, snapshot
from crm.core.errors import ValidationFailed
from crm.core.models import AuditAction

from .models import Choice, ChoiceKind


def _label_error(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(fields={field: [message]})


def _choice_label(kind: str, label: str, exclude_pk: int | None = None) -> str:
    label = (label or "").replace("\x00", "").strip()
    if not label or len(label) > 60:
        raise _label_error("label", _("Enter a label of 1 to 60 characters."))
    taken = Choice.objects.filter(kind=kind, label=label)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise _label_error("label", _("This list already has an entry with this label."))
    return label


def choice_create(*, kind: str, label: str, sort_order: int, actor: Any) -> Choice:
    if kind not in ChoiceKind.values:
        raise ValidationFailed(fields={"kind": [_("Unknown list.")]})
    with transaction.atomic():
        choice = Choice.objects.create(
            kind=kind, label=_choice_label(kind, label), sort_order=max(0, sort_order)
        )
        audit_log(instance=choice, action=AuditAction.CREATE, actor=actor)
    return choice


def choice_update(
    *, choice: Choice, actor: Any, label: str, sort_order: int, active: bool
) -> Choice:
    """Rename, reorder or retire an entry. Customers keep a retired entry; new ones can't
    pick it."""
    with transaction.atomic():
        before = snapshot(choice, ["label", "sort_order", "active"])
        choice.label = _choice_label(choice.kind, label, exclude_pk=choice.pk)
        choice.sort_order = max(0, sort_order)
        choice.active = active
        choice.save(update_fields=["label", "sort_order", "active"])
        changed = diff(before, snapshot(choice, ["label", "sort_order", "active"]), choice)
        if changed:
            audit_log(instance=choice, action=AuditAction.UPDATE, actor=actor, changes=changed)
    return choice
