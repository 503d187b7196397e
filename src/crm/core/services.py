"""Generic writes every module uses: versioned update, soft delete, restore, each audited."""

from typing import Any, TypeVar

from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from .audit import audit_log, diff, snapshot
from .errors import StaleVersion
from .models import AuditAction, BaseModel

M = TypeVar("M", bound=BaseModel)


def _actor_id(actor: Any) -> int | None:
    return getattr(actor, "pk", None)


def record_update(*, instance: M, version: int, changes: dict[str, Any], actor: Any) -> M:
    """Apply `changes` if the row still carries `version`; else raise StaleVersion.

    The check and the write are one UPDATE … WHERE version = %s, so two concurrent editors
    cannot both succeed. Many-to-many fields are not handled here.
    """
    model = type(instance)
    fields = list(changes)
    with transaction.atomic():
        current = model.all_objects.select_for_update().filter(pk=instance.pk).first()
        if current is None or current.version != version or current.is_deleted:
            raise StaleVersion()
        before = snapshot(current, fields)
        for name, value in changes.items():
            setattr(current, name, value)
        current.full_clean(exclude=[f.name for f in model._meta.fields if f.name not in fields])
        updated = model.all_objects.filter(pk=instance.pk, version=version).update(
            **{name: getattr(current, name) for name in fields},
            version=F("version") + 1,
            updated_by_id=_actor_id(actor),
            updated_at=timezone.now(),
        )
        if updated != 1:
            raise StaleVersion()
        current.refresh_from_db()
        changed = diff(before, snapshot(current, fields), current)
        if changed:
            audit_log(instance=current, action=AuditAction.UPDATE, actor=actor, changes=changed)
    return current


def record_create(*, instance: M, actor: Any) -> M:
    instance.created_by_id = instance.updated_by_id = _actor_id(actor)  # type: ignore[attr-defined]
    instance.full_clean()
    instance.save()
    audit_log(instance=instance, action=AuditAction.CREATE, actor=actor)
    return instance


def record_soft_delete(*, instance: M, actor: Any) -> M:
    with transaction.atomic():
        n = (
            type(instance)
            .all_objects.filter(pk=instance.pk, is_deleted=False)
            .update(
                is_deleted=True,
                deleted_at=timezone.now(),
                deleted_by_id=_actor_id(actor),
                version=F("version") + 1,
            )
        )
        if n != 1:
            raise StaleVersion()
        instance.refresh_from_db()
        audit_log(instance=instance, action=AuditAction.DELETE, actor=actor)
    return instance


def record_restore(*, instance: M, actor: Any) -> M:
    with transaction.atomic():
        n = (
            type(instance)
            .all_objects.filter(pk=instance.pk, is_deleted=True)
            .update(
                is_deleted=False,
                deleted_at=None,
                deleted_by_id=None,
                version=F("version") + 1,
                updated_by_id=_actor_id(actor),
                updated_at=timezone.now(),
            )
        )
        if n != 1:
            raise StaleVersion()
        instance.refresh_from_db()
        audit_log(instance=instance, action=AuditAction.RESTORE, actor=actor)
    return instance


def model_label(model: type[models.Model]) -> str:
    return str(model._meta.verbose_name)
