"""Data-scope access: the one place where (user, module) becomes a queryset filter.

A user's grants are recomputed from the database on each request (the user object is loaded
per request), so a change of unit or roles takes effect on the user's next request.
"""

from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import models
from django.db.models import Q

from .errors import NotFound
from .modules import SCOPE_RANK, Action, Module, Scope, Special

Q_NONE = Q(pk__in=[])


@dataclass
class ModuleGrant:
    actions: set[str] = field(default_factory=set)
    scope: str = Scope.OWN


@dataclass
class Access:
    modules: dict[str, ModuleGrant]
    specials: set[str]

    def can(self, module: str, action: str = Action.VIEW) -> bool:
        grant = self.modules.get(module)
        return grant is not None and action in grant.actions

    def scope(self, module: str) -> str | None:
        grant = self.modules.get(module)
        return grant.scope if grant and Action.VIEW in grant.actions else None

    def has(self, special: str) -> bool:
        return special in self.specials


_ALL_ACTIONS = {a.value for a in Action}


def get_access(user: Any) -> Access:
    """The widest of each grant over the user's roles; cached on the user object."""
    cached = getattr(user, "_crm_access", None)
    if cached is not None:
        return cached
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        access = Access(modules={}, specials=set())
    elif user.is_superuser:
        access = Access(
            modules={m.value: ModuleGrant(set(_ALL_ACTIONS), Scope.ALL) for m in Module},
            specials={s.value for s in Special},
        )
    else:
        from crm.org.models import Role

        modules: dict[str, ModuleGrant] = {}
        specials: set[str] = set()
        # One query (every page asks): a row per role and grant, the role's flags repeated;
        # a role without grants gives one row of NULL grant columns.
        rows = Role.objects.filter(users=user).values_list(
            "can_view_sensitive",
            "can_export",
            "can_bulk_delete",
            "can_manage_system",
            "grants__module",
            "grants__can_view",
            "grants__can_create",
            "grants__can_edit",
            "grants__can_delete",
            "grants__can_export",
            "grants__scope",
        )
        for sensitive, export, bulk_delete, manage, module, *flags, scope in rows:
            specials |= {
                s
                for s, flag in (
                    (Special.VIEW_SENSITIVE, sensitive),
                    (Special.EXPORT, export),
                    (Special.BULK_DELETE, bulk_delete),
                    (Special.MANAGE_SYSTEM, manage),
                )
                if flag
            }
            if module is None:
                continue
            grant = modules.setdefault(module, ModuleGrant())
            for action, allowed in zip(
                (Action.VIEW, Action.CREATE, Action.EDIT, Action.DELETE, Action.EXPORT),
                flags,
                strict=True,
            ):
                if allowed:
                    grant.actions.add(action.value)
            if SCOPE_RANK[Scope(scope)] > SCOPE_RANK[Scope(grant.scope)]:
                grant.scope = scope
        access = Access(modules=modules, specials={str(s) for s in specials})
    user._crm_access = access
    return access


def scope_q(
    user: Any,
    module: str,
    *,
    owner_field: str | None = "owner",
    unit_field: str | None = "org_unit",
) -> Q:
    """The filter a user's data scope in `module` puts on a queryset.

    `owner_field` names the owning user (None: the model has no owner, "own" means the user's
    unit only); `unit_field` names the org unit ("" when the model is the org unit itself).
    """
    scope = get_access(user).scope(module)
    unit_prefix = f"{unit_field}__" if unit_field else ""
    if scope is None:
        return Q_NONE
    if scope == Scope.ALL:
        return Q()
    if unit_field is None:
        return Q_NONE
    if scope == Scope.OWN and owner_field:
        return Q(**{owner_field: user.pk})
    unit = user.unit
    if unit is None or unit.is_deleted:
        return Q_NONE
    if scope in (Scope.OWN, Scope.UNIT):
        return Q(**{f"{unit_prefix}pk": unit.pk})
    return Q(**{f"{unit_prefix}path__startswith": unit.path})


MT = TypeVar("MT", bound=models.Model)


def scoped(
    qs: models.QuerySet[MT],
    user: Any,
    module: str,
    *,
    owner_field: str | None = "owner",
    unit_field: str | None = "org_unit",
) -> models.QuerySet[MT]:
    return qs.filter(scope_q(user, module, owner_field=owner_field, unit_field=unit_field))


def scope_unit_ids(user: Any, module: str) -> list[int] | None:
    """The ids of the org units a unit-scoped reader sees in `module` (None for the other
    scopes). The same rule as `scope_q`, applied to the org units themselves."""
    if get_access(user).scope(module) not in (Scope.UNIT, Scope.SUBTREE):
        return None
    from crm.org.models import OrgUnit

    units = OrgUnit.all_objects.filter(scope_q(user, module, owner_field=None, unit_field=""))
    return list(units.values_list("pk", flat=True))


def scoped_by_unit_ids(
    qs: models.QuerySet[MT],
    user: Any,
    module: str,
    *,
    owner_field: str | None = "owner",
    unit_field: str = "org_unit",
) -> models.QuerySet[MT]:
    """`scoped()` for big tables: a unit-scoped reader's units are resolved first to a list of
    ids (one small query), so the filter is `unit_id IN (…)` instead of a join on the unit's
    path. The planner then knows how many rows the units hold and can walk a
    (unit, …) or (…, updated_at) index and stop early. Same rows as `scoped()`."""
    ids = scope_unit_ids(user, module)
    if ids is None:
        return scoped(qs, user, module, owner_field=owner_field, unit_field=unit_field)
    return qs.filter(**{f"{unit_field}__in": ids})


def require(user: Any, module: str, action: str) -> None:
    """Refuse an action the user's roles do not grant (no view right at all reads as 404)."""
    from .errors import Forbidden

    access = get_access(user)
    if not access.can(module, Action.VIEW):
        raise NotFound()
    if not access.can(module, action):
        raise Forbidden()


def require_special(user: Any, special: str) -> None:
    from .errors import Forbidden

    if not get_access(user).has(special):
        raise Forbidden()


def get_in_scope(qs: models.QuerySet[MT], pk: Any) -> MT:
    """One record of an already-scoped queryset; missing and out-of-scope are the same 404."""
    try:
        key = int(pk)
    except (TypeError, ValueError):
        raise NotFound() from None
    obj = qs.filter(pk=key).first()
    if obj is None:
        raise NotFound()
    return obj
