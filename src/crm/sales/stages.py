"""Which stages apply where: a business unit's own set, else the default set (SYS-5).

The business unit of a record is the nearest unit of kind "company" at or above its org unit
(crm.products.pricing.business_unit_of); None means the group level, which uses the default
set. A business unit that has stages of its own uses exactly those; the others use the
default set (business_unit null).
"""

from typing import Any

from django.db.models import Q, QuerySet

from crm.org.models import OrgUnit, UnitKind
from crm.products.pricing import business_unit_of

from .models import Stage

__all__ = [
    "business_unit_of",
    "business_units",
    "has_own_stages",
    "stage_set",
    "stage_set_owner",
    "units_of_business_unit_q",
]


def has_own_stages(business_unit: OrgUnit | int | None) -> bool:
    if business_unit is None:
        return False
    return Stage.objects.filter(business_unit=business_unit).exists()


def stage_set_owner(business_unit: OrgUnit | None) -> OrgUnit | None:
    """The unit whose stages `business_unit` uses: itself when customised, else None."""
    return business_unit if has_own_stages(business_unit) else None


def stage_set(business_unit: OrgUnit | None, *, active_only: bool = False) -> QuerySet[Stage]:
    """The stages a business unit uses, in order (its own, else the default set)."""
    qs = Stage.objects.filter(business_unit=stage_set_owner(business_unit))
    if active_only:
        qs = qs.filter(active=True)
    return qs.order_by("order", "id")


def stage_set_for_unit(org_unit: OrgUnit | None, *, active_only: bool = False) -> QuerySet[Stage]:
    """The stages a record of `org_unit` uses."""
    return stage_set(business_unit_of(org_unit), active_only=active_only)


def business_units() -> QuerySet[OrgUnit]:
    """The units that may have their own stages: live units of kind company."""
    return OrgUnit.objects.filter(kind=UnitKind.COMPANY).order_by("path")


def units_of_business_unit_q(business_unit: OrgUnit, prefix: str = "org_unit__") -> Q:
    """Org units whose business unit is `business_unit`: its subtree minus nested companies."""
    q = Q(**{f"{prefix}path__startswith": business_unit.path})
    nested = (
        OrgUnit.all_objects.filter(path__startswith=business_unit.path, kind=UnitKind.COMPANY)
        .exclude(pk=business_unit.pk)
        .values_list("path", flat=True)
    )
    for path in nested:
        q &= ~Q(**{f"{prefix}path__startswith": path})
    return q


def first_open_stage(stages: Any) -> Stage | None:
    return next((s for s in stages if s.active and not s.is_closed), None)
