"""Recycle bin registry: each module registers its soft-deletable models here."""

from dataclasses import dataclass
from typing import Any

from django.db import models

from .access import get_access, scope_q
from .modules import Action


@dataclass(frozen=True)
class Bin:
    model: type[models.Model]
    module: str
    owner_field: str | None
    unit_field: str | None
    # Restores the record; the module's own service, so its rules apply (e.g. parent alive).
    restore: Any


_BINS: dict[str, Bin] = {}


def register(
    model: type[models.Model],
    *,
    module: str,
    restore: Any,
    owner_field: str | None = "owner",
    unit_field: str | None = "org_unit",
) -> None:
    _BINS[model._meta.label_lower] = Bin(model, module, owner_field, unit_field, restore)


def bins() -> dict[str, Bin]:
    return dict(_BINS)


def deleted_for_user(user: Any, label: str) -> models.QuerySet:
    """Deleted records of one model that the user could delete (and so may restore)."""
    b = _BINS[label]
    qs = b.model.all_objects.filter(is_deleted=True)  # type: ignore[attr-defined]
    if not get_access(user).can(b.module, Action.DELETE):
        return qs.none()
    return qs.filter(scope_q(user, b.module, owner_field=b.owner_field, unit_field=b.unit_field))
