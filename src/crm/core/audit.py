"""Writing and reading the audit trail. Services call these explicitly (no signals)."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import AuditAction, AuditEntry


def display_value(instance: models.Model, field_name: str) -> str:
    """A field's value as a user reads it: choice labels, related names, plain text."""
    field = instance._meta.get_field(field_name)
    value = getattr(instance, field_name)
    if value is None or value == "":
        return ""
    if getattr(field, "choices", None):
        return str(getattr(instance, f"get_{field_name}_display")())
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if isinstance(value, datetime | date | Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return str(value)
    if hasattr(value, "all"):  # many-to-many manager
        return ", ".join(sorted(str(v) for v in value.all()))
    return str(value)


def field_label(instance: models.Model, field_name: str) -> str:
    field = instance._meta.get_field(field_name)
    return str(getattr(field, "verbose_name", field_name))


def snapshot(instance: models.Model, fields: list[str]) -> dict[str, str]:
    return {f: display_value(instance, f) for f in fields}


def diff(before: dict[str, str], after: dict[str, str], instance: models.Model) -> dict:
    return {
        f: {"label": field_label(instance, f), "old": before[f], "new": after[f]}
        for f in before
        if before[f] != after.get(f)
    }


def audit_log(
    *,
    instance: models.Model,
    action: str,
    actor: Any,
    changes: dict | None = None,
) -> AuditEntry:
    return AuditEntry.objects.create(
        content_type=ContentType.objects.get_for_model(instance, for_concrete_model=False),
        object_id=str(instance.pk),
        object_repr=str(instance)[:255],
        action=action,
        changes=changes or {},
        actor=actor if getattr(actor, "pk", None) else None,
    )


def history_for(instance: models.Model) -> models.QuerySet[AuditEntry]:
    """The record's history, newest first. Callers have already checked access to it."""
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(instance, for_concrete_model=False),
        object_id=str(instance.pk),
    ).select_related("actor")


__all__ = ["AuditAction", "audit_log", "diff", "history_for", "snapshot"]
