"""Every write to the organisation: units, employees, roles, parameters."""

from typing import Any

from django.contrib.auth import password_validation
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Value
from django.db.models.functions import Concat, Length, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.core.audit import audit_log, diff, snapshot
from crm.core.errors import Conflict, StaleVersion, ValidationFailed
from crm.core.models import AuditAction
from crm.core.services import record_create, record_restore, record_soft_delete, record_update

from .models import ApiToken, OrgUnit, Role, RolePermission, SystemParameter, User
from .params import PARAMETERS, parse_value


def _validation_error(exc: ValidationError) -> ValidationFailed:
    fields = getattr(exc, "message_dict", None) or {"__all__": exc.messages}
    return ValidationFailed(fields={k: [str(m) for m in v] for k, v in fields.items()})


# --- units -------------------------------------------------------------------------------


def _name_taken() -> str:
    return _("A unit with this name already exists under the same parent.")


def _too_deep() -> ValidationFailed:
    return ValidationFailed(
        fields={"parent": [_("The organisation tree may not grow deeper here.")]}
    )


def _set_path(unit: OrgUnit) -> None:
    parent_path = unit.parent.path if unit.parent else "/"
    if len(f"{parent_path}{unit.pk}/") > OrgUnit._meta.get_field("path").max_length:  # type: ignore[operator]
        raise _too_deep()
    OrgUnit.all_objects.filter(pk=unit.pk).update(
        path=f"{parent_path}{unit.pk}/", depth=(unit.parent.depth + 1) if unit.parent else 0
    )
    unit.refresh_from_db(fields=["path", "depth"])


def unit_create(
    *, name: str, kind: str, parent: OrgUnit | None, actor: Any, sort_order: int = 0
) -> OrgUnit:
    if parent is not None and parent.is_deleted:
        raise ValidationFailed(fields={"parent": [_("The parent unit has been deleted.")]})
    unit = OrgUnit(name=name.strip(), kind=kind, parent=parent, sort_order=sort_order)
    if OrgUnit.objects.filter(parent=parent, name=unit.name).exists():
        raise ValidationFailed(fields={"name": [_name_taken()]})
    try:
        with transaction.atomic():
            record_create(instance=unit, actor=actor)
            _set_path(unit)
    except ValidationError as exc:
        raise _validation_error(exc) from None
    except IntegrityError:
        raise ValidationFailed(
            fields={"name": [_("A unit with this name already exists under the same parent.")]}
        ) from None
    return unit


def unit_update(*, unit: OrgUnit, version: int, actor: Any, **changes: Any) -> OrgUnit:
    allowed = {k: v for k, v in changes.items() if k in {"name", "kind", "sort_order"}}
    if "name" in allowed:
        allowed["name"] = str(allowed["name"]).strip()
        siblings = OrgUnit.objects.filter(parent_id=unit.parent_id).exclude(pk=unit.pk)
        if siblings.filter(name=allowed["name"]).exists():
            raise ValidationFailed(fields={"name": [_name_taken()]})
    try:
        return record_update(instance=unit, version=version, changes=allowed, actor=actor)
    except ValidationError as exc:
        raise _validation_error(exc) from None
    except IntegrityError:
        raise ValidationFailed(
            fields={"name": [_("A unit with this name already exists under the same parent.")]}
        ) from None


def unit_move(*, unit: OrgUnit, new_parent: OrgUnit, version: int, actor: Any) -> OrgUnit:
    """Move a unit and its whole subtree under `new_parent` (one UPDATE for the subtree)."""
    with transaction.atomic():
        current = OrgUnit.all_objects.select_for_update().get(pk=unit.pk)
        if current.version != version or current.is_deleted:
            raise StaleVersion()
        if new_parent.is_deleted:
            raise ValidationFailed(fields={"parent": [_("The parent unit has been deleted.")]})
        if new_parent.path.startswith(current.path):
            raise ValidationFailed(
                fields={"parent": [_("A unit cannot move under itself or its own sub-units.")]}
            )
        if (
            OrgUnit.objects.filter(parent=new_parent, name=current.name)
            .exclude(pk=current.pk)
            .exists()
        ):
            raise ValidationFailed(
                fields={"parent": [_("The new parent already has a unit with this name.")]}
            )
        before = snapshot(current, ["parent"])
        old_path, old_depth = current.path, current.depth
        new_path = f"{new_parent.path}{current.pk}/"
        depth_delta = new_parent.depth + 1 - old_depth
        deepest = (
            OrgUnit.all_objects.filter(path__startswith=old_path)
            .annotate(n=Length("path"))
            .aggregate(m=Max("n"))["m"]
        )
        if deepest - len(old_path) + len(new_path) > OrgUnit._meta.get_field("path").max_length:  # type: ignore[operator]
            raise _too_deep()
        OrgUnit.all_objects.filter(path__startswith=old_path).update(
            path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
            depth=F("depth") + depth_delta,
        )
        OrgUnit.all_objects.filter(pk=current.pk).update(
            parent=new_parent,
            version=F("version") + 1,
            updated_by=actor,
            updated_at=timezone.now(),
        )
        current.refresh_from_db()
        audit_log(
            instance=current,
            action=AuditAction.MOVE,
            actor=actor,
            changes=diff(before, snapshot(current, ["parent"]), current),
        )
    return current


def unit_delete(*, unit: OrgUnit, actor: Any) -> OrgUnit:
    if OrgUnit.objects.filter(parent=unit).exists():
        raise Conflict(_("Delete or move its sub-units first."), code="unit_has_children")
    if User.objects.filter(unit=unit, is_active=True).exists():
        raise Conflict(_("Move its employees to another unit first."), code="unit_has_members")
    return record_soft_delete(instance=unit, actor=actor)


def unit_restore(*, unit: OrgUnit, actor: Any) -> OrgUnit:
    if unit.parent is not None and unit.parent.is_deleted:
        raise Conflict(_("Restore its parent unit first."), code="parent_deleted")
    if OrgUnit.objects.filter(parent=unit.parent, name=unit.name).exists():
        raise Conflict(
            _("A unit with this name already exists under the same parent."), code="name_taken"
        )
    return record_restore(instance=unit, actor=actor)


# --- employees ---------------------------------------------------------------------------

_EMPLOYEE_FIELDS = ["name", "email", "phone", "unit", "is_active", "roles"]


def employee_create(
    *,
    username: str,
    password: str,
    name: str,
    unit: OrgUnit,
    roles: list[Role],
    actor: Any,
    email: str = "",
    phone: str = "",
) -> User:
    user = User(username=username.strip(), name=name.strip(), unit=unit, email=email, phone=phone)
    if User.objects.filter(username__iexact=user.username).exists():
        raise ValidationFailed(fields={"username": [_("This username is already taken.")]})
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ValidationFailed(fields={"password": [str(m) for m in exc.messages]}) from None
    user.set_password(password)
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        raise _validation_error(exc) from None
    with transaction.atomic():
        user.save()
        user.roles.set(roles)
        audit_log(instance=user, action=AuditAction.CREATE, actor=actor)
    return user


def employee_update(*, user: User, version: int, actor: Any, **changes: Any) -> User:
    """Update profile, unit and roles; takes effect on the employee's next request."""
    allowed = {k: v for k, v in changes.items() if k in {"name", "email", "phone", "unit"}}
    roles = changes.get("roles")
    with transaction.atomic():
        current = User.objects.select_for_update().get(pk=user.pk)
        if current.version != version:
            raise StaleVersion()
        before = snapshot(current, _EMPLOYEE_FIELDS)
        for k, v in allowed.items():
            setattr(current, k, v)
        try:
            current.full_clean(exclude=["password", "username"])
        except ValidationError as exc:
            raise _validation_error(exc) from None
        current.version = F("version") + 1  # type: ignore[assignment]
        current.save(update_fields=[*allowed, "version"])
        if roles is not None:
            current.roles.set(roles)
        current.refresh_from_db()
        changed = diff(before, snapshot(current, _EMPLOYEE_FIELDS), current)
        if changed:
            audit_log(instance=current, action=AuditAction.UPDATE, actor=actor, changes=changed)
    return current


def _end_sessions(user: User) -> None:
    """Delete the user's sessions (database session backend)."""
    uid = str(user.pk)
    doomed = [
        s.pk
        for s in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if s.get_decoded().get("_auth_user_id") == uid
    ]
    Session.objects.filter(pk__in=doomed).delete()


def employee_set_active(*, user: User, active: bool, actor: Any) -> User:
    """Deactivation ends the employee's sessions and API tokens at once."""
    with transaction.atomic():
        before = snapshot(user, ["is_active"])
        User.objects.filter(pk=user.pk).update(is_active=active, version=F("version") + 1)
        user.refresh_from_db()
        if not active:
            ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
                revoked_at=timezone.now()
            )
            _end_sessions(user)
        changed = diff(before, snapshot(user, ["is_active"]), user)
        if changed:
            audit_log(instance=user, action=AuditAction.UPDATE, actor=actor, changes=changed)
    return user


def employee_set_password(*, user: User, password: str, actor: Any) -> User:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ValidationFailed(fields={"password": [str(m) for m in exc.messages]}) from None
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_log(
        instance=user,
        action=AuditAction.UPDATE,
        actor=actor,
        changes={"password": {"label": _("password"), "old": "***", "new": "***"}},
    )
    return user


# --- roles -------------------------------------------------------------------------------

_GRANT_FLAGS = ["can_view", "can_create", "can_edit", "can_delete", "can_export", "scope"]


def role_create(*, code: str, name: str, actor: Any, description: str = "") -> Role:
    if Role.all_objects.filter(code=code).exists():
        raise ValidationFailed(fields={"code": [_("A role with this code already exists.")]})
    role = Role(code=code, name=name.strip(), description=description)
    try:
        return record_create(instance=role, actor=actor)
    except ValidationError as exc:
        raise _validation_error(exc) from None


def role_update(
    *,
    role: Role,
    version: int,
    actor: Any,
    grants: dict[str, dict[str, Any]] | None = None,
    **changes: Any,
) -> Role:
    """Change a role's name, specials and per-module grants ({module: {flag: value}})."""
    fields = {"name", "description", "can_view_sensitive", "can_export", "can_bulk_delete"}
    fields.add("can_manage_system")
    allowed = {k: v for k, v in changes.items() if k in fields}
    with transaction.atomic():
        role = record_update(instance=role, version=version, changes=allowed, actor=actor)
        if grants is not None:
            grant_changes: dict[str, Any] = {}
            for module, flags in grants.items():
                grant, _created = RolePermission.objects.get_or_create(role=role, module=module)
                before = {f: str(getattr(grant, f)) for f in _GRANT_FLAGS}
                for f in _GRANT_FLAGS:
                    if f in flags:
                        setattr(grant, f, flags[f])
                try:
                    grant.full_clean()
                except ValidationError as exc:
                    raise _validation_error(exc) from None
                grant.save()
                after = {f: str(getattr(grant, f)) for f in _GRANT_FLAGS}
                if before != after:
                    grant_changes[f"grant:{module}"] = {
                        "label": grant.get_module_display(),
                        "old": _grant_text(before),
                        "new": _grant_text(after),
                    }
            if grant_changes:
                audit_log(
                    instance=role, action=AuditAction.UPDATE, actor=actor, changes=grant_changes
                )
    return role


def _grant_text(flags: dict[str, str]) -> str:
    acts = [f.removeprefix("can_") for f in _GRANT_FLAGS[:-1] if flags[f] == "True"]
    return f"{'/'.join(acts) or '-'} · {flags['scope']}"


def role_delete(*, role: Role, actor: Any) -> Role:
    if role.users.filter(is_active=True).exists():
        raise Conflict(_("Employees still hold this role."), code="role_in_use")
    return record_soft_delete(instance=role, actor=actor)


def role_restore(*, role: Role, actor: Any) -> Role:
    return record_restore(instance=role, actor=actor)


# --- parameters --------------------------------------------------------------------------


def parameter_set(*, key: str, value: Any, version: int | None, actor: Any) -> SystemParameter:
    """Validate and store a parameter; `version` guards against concurrent edits."""
    if key not in PARAMETERS:
        raise ValidationFailed(fields={"key": [_("Unknown parameter.")]})
    try:
        typed = parse_value(key, value)
    except ValidationFailed as exc:
        raise ValidationFailed(fields={"value": [str(exc.message)]}) from None
    spec = PARAMETERS[key]
    with transaction.atomic():
        # A parameter never set has no row; callers see it as version 0.
        row, _created = SystemParameter.objects.select_for_update().get_or_create(
            key=key, defaults={"value": spec.default, "version": 0}
        )
        if version is not None and row.version != version:
            raise StaleVersion()
        old = row.value
        row.value = str(typed)
        row.version += 1
        row.updated_by = actor
        row.save()
        if old != row.value:
            audit_log(
                instance=row,
                action=AuditAction.UPDATE,
                actor=actor,
                changes={"value": {"label": str(spec.label), "old": old, "new": row.value}},
            )
    return row


def employee_set_language(*, user: User, language: str) -> None:
    from django.conf import settings

    if language in dict(settings.LANGUAGES):
        User.objects.filter(pk=user.pk).update(language=language)
