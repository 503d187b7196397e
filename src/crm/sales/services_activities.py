"""Every write to activities and calendar feeds: in a transaction, with history.

State rules: a planned activity can be checked in (visits and meetings), completed (notes and
next step), rescheduled or cancelled; a completed visit or call is also written on the
customer's timeline (crm.customers.services.interaction_create).
"""

import hashlib
import secrets
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.core.errors import Conflict, ValidationFailed
from crm.core.services import record_create, record_restore, record_soft_delete, record_update
from crm.customers.models import Channel

from .models_activities import Activity, ActivityKind, ActivityStatus, CalendarFeed

# Fields a caller may set on create and edit; status and the outcome have their own actions.
ACTIVITY_FIELDS = [
    "kind",
    "subject",
    "customer",
    "contact",
    "opportunity",
    "owner",
    "planned_start",
    "planned_end",
    "purpose",
    "notes",
    "next_step",
]
# Kinds that need a customer; tasks and meetings may be internal.
NEEDS_CUSTOMER = {ActivityKind.VISIT, ActivityKind.CALL}
# Kinds one checks in to on arrival.
CHECK_IN_KINDS = {ActivityKind.VISIT, ActivityKind.MEETING}
# Completed kinds written on the customer's timeline, with the channel they are written as.
TIMELINE_CHANNEL = {ActivityKind.VISIT: Channel.VISIT, ActivityKind.CALL: Channel.CALL}
DEFAULT_LENGTH = {
    ActivityKind.VISIT: timedelta(hours=1),
    ActivityKind.MEETING: timedelta(hours=1),
    ActivityKind.CALL: timedelta(minutes=30),
    ActivityKind.TASK: timedelta(0),
}
_EARLIEST = date(1990, 1, 1)
_LATEST = date(2100, 1, 1)


def _validation_error(exc: ValidationError) -> ValidationFailed:
    fields = getattr(exc, "message_dict", None) or {"__all__": exc.messages}
    return ValidationFailed(fields={k: [str(m) for m in v] for k, v in fields.items()})


def _aware(value: datetime) -> datetime:
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _clean(values: dict[str, Any], current: Activity | None = None) -> dict[str, Any]:
    """Normalise and check the fields in `values` against the record as it would become;
    raise every field error at once."""
    errors: dict[str, list[str]] = {}
    out = dict(values)

    def now_value(name: str) -> Any:
        if name in out:
            return out[name]
        return getattr(current, name) if current is not None else None

    for key in ("subject", "purpose", "notes", "next_step"):
        if key in out:
            out[key] = str(out[key] or "").strip()
    if "subject" in out and not out["subject"]:
        errors["subject"] = [_("Enter a subject.")]
    if "next_step" in out and len(out["next_step"]) > 200:
        errors["next_step"] = [_("At most 200 characters.")]
    kind = now_value("kind")
    if kind not in ActivityKind.values:
        errors["kind"] = [_("Choose a kind of activity.")]
    opportunity = now_value("opportunity")
    if "opportunity" in out and opportunity is not None and now_value("customer") is None:
        out["customer"] = opportunity.customer
    customer = now_value("customer")
    if kind in NEEDS_CUSTOMER and customer is None:
        errors["customer"] = [_("Choose the customer.")]
    contact = now_value("contact")
    if contact is not None and (customer is None or contact.customer_id != customer.pk):
        errors["contact"] = [_("This contact belongs to another customer.")]
    if opportunity is not None and (customer is None or opportunity.customer_id != customer.pk):
        errors["opportunity"] = [_("This opportunity belongs to another customer.")]
    for key in ("planned_start", "planned_end"):
        if out.get(key) is not None:
            out[key] = _aware(out[key])
            if not (_EARLIEST <= timezone.localtime(out[key]).date() <= _LATEST):
                errors[key] = [_("Enter a time between 1990 and 2100.")]
    if "planned_start" in out and out["planned_start"] is None:
        errors["planned_start"] = [_("Enter when it starts.")]
    start = now_value("planned_start")
    if start is not None and "planned_start" in out and out.get("planned_end") is None:
        # A new start without an end keeps the length (or takes the kind's usual length).
        if current is not None and current.planned_start and current.planned_end:
            length = current.planned_end - current.planned_start
        else:
            length = DEFAULT_LENGTH.get(kind, timedelta(0))
        out["planned_end"] = start + length
    end = out.get("planned_end", now_value("planned_end"))
    if start is not None and end is not None and end < start and "planned_end" not in errors:
        errors["planned_end"] = [_("The end must not be before the start.")]
    if errors:
        raise ValidationFailed(fields=errors)
    return out


def _owner_unit(owner: Any) -> Any:
    unit = getattr(owner, "unit", None)
    if unit is None or unit.is_deleted:
        raise ValidationFailed(fields={"owner": [_("The owner belongs to no unit.")]})
    return unit


def activity_create(*, actor: Any, is_planned: bool = True, **fields: Any) -> Activity:
    """Plan an activity (`is_planned`), or log one that already happened (status done; a
    visit or call goes on the customer's timeline). Owner defaults to the actor."""
    unknown = set(fields) - set(ACTIVITY_FIELDS)
    if unknown:
        raise TypeError(f"unknown activity fields: {sorted(unknown)}")
    fields.setdefault("kind", ActivityKind.VISIT)
    fields.setdefault("customer", None)
    fields.setdefault("planned_start", None)
    values = _clean(fields)
    owner = values.pop("owner", None) or actor
    activity = Activity(owner=owner, org_unit=_owner_unit(owner), is_planned=is_planned, **values)
    if not is_planned:
        now = timezone.now()
        if activity.planned_start > now:
            raise ValidationFailed(
                fields={
                    "planned_start": [_("An activity logged afterwards cannot be in the future.")]
                }
            )
        activity.status = ActivityStatus.DONE
        activity.completed_at = min(activity.planned_end, now)
    with transaction.atomic():
        try:
            record_create(instance=activity, actor=actor)
        except ValidationError as exc:
            raise _validation_error(exc) from None
        if not is_planned:
            _write_timeline(activity, actor)
    return activity


def activity_update(*, activity: Activity, version: int, actor: Any, **changes: Any) -> Activity:
    unknown = set(changes) - set(ACTIVITY_FIELDS)
    if unknown:
        raise TypeError(f"unknown activity fields: {sorted(unknown)}")
    values = _clean(changes, activity)
    if "owner" in values:
        if values["owner"] is None:
            raise ValidationFailed(fields={"owner": [_("Choose the owner.")]})
        values["org_unit"] = _owner_unit(values["owner"])
    try:
        return record_update(instance=activity, version=version, changes=values, actor=actor)
    except ValidationError as exc:
        raise _validation_error(exc) from None


def _require_planned(activity: Activity) -> None:
    if activity.status != ActivityStatus.PLANNED:
        raise Conflict(
            _("This activity is already %(status)s.")
            % {"status": activity.get_status_display().lower()},
            code="not_planned",
        )


def activity_check_in(
    *, activity: Activity, version: int, actor: Any, at: datetime | None = None
) -> Activity:
    """Record arrival at the customer (a visit or meeting that is still planned)."""
    _require_planned(activity)
    if activity.kind not in CHECK_IN_KINDS:
        raise Conflict(_("Only visits and meetings have a check-in."), code="no_check_in")
    if activity.checked_in_at is not None:
        raise Conflict(_("Already checked in."), code="checked_in")
    return record_update(
        instance=activity,
        version=version,
        changes={"checked_in_at": _aware(at) if at else timezone.now()},
        actor=actor,
    )


def _timeline_summary(activity: Activity) -> str:
    parts = [activity.subject]
    if activity.notes:
        parts.append(activity.notes)
    if activity.next_step:
        parts.append(_("Next step: %(step)s") % {"step": activity.next_step})
    return "\n".join(parts)


def _write_timeline(activity: Activity, actor: Any) -> None:
    channel = TIMELINE_CHANNEL.get(ActivityKind(activity.kind))
    if channel is None or activity.customer_id is None:
        return
    from crm.customers.services import interaction_create

    item = interaction_create(
        customer=activity.customer,  # type: ignore[arg-type]
        actor=actor,
        channel=channel,
        occurred_at=activity.checked_in_at or activity.planned_start,
        summary=_timeline_summary(activity),
        contact=activity.contact,
    )
    Activity.all_objects.filter(pk=activity.pk).update(interaction=item)
    activity.interaction = item


def activity_complete(
    *,
    activity: Activity,
    version: int,
    actor: Any,
    notes: str,
    next_step: str = "",
    completed_at: datetime | None = None,
) -> Activity:
    """Log the outcome of a planned activity; a visit or call goes on the customer's
    timeline in the same transaction."""
    _require_planned(activity)
    values = _clean({"notes": notes, "next_step": next_step}, activity)
    if not values["notes"]:
        raise ValidationFailed(fields={"notes": [_("Write what came of it.")]})
    values["status"] = ActivityStatus.DONE
    values["completed_at"] = _aware(completed_at) if completed_at else timezone.now()
    with transaction.atomic():
        updated = record_update(instance=activity, version=version, changes=values, actor=actor)
        _write_timeline(updated, actor)
    return updated


def activity_reschedule(
    *,
    activity: Activity,
    version: int,
    actor: Any,
    planned_start: datetime,
    planned_end: datetime | None = None,
) -> Activity:
    _require_planned(activity)
    values = _clean({"planned_start": planned_start, "planned_end": planned_end}, activity)
    try:
        return record_update(instance=activity, version=version, changes=values, actor=actor)
    except ValidationError as exc:
        raise _validation_error(exc) from None


def activity_cancel(*, activity: Activity, version: int, actor: Any, reason: str = "") -> Activity:
    """Cancel a planned activity; the reason is kept in its notes. A cancelled planned visit
    still counts as planned in the visit achievement rate."""
    _require_planned(activity)
    changes: dict[str, Any] = {"status": ActivityStatus.CANCELLED}
    reason = (reason or "").strip()
    if reason:
        changes["notes"] = reason[:5000]
    return record_update(instance=activity, version=version, changes=changes, actor=actor)


def activity_delete(*, activity: Activity, actor: Any) -> Activity:
    return record_soft_delete(instance=activity, actor=actor)


def activity_restore(*, activity: Activity, actor: Any) -> Activity:
    if activity.customer_id is not None and activity.customer.is_deleted:  # type: ignore[union-attr]
        raise Conflict(_("Restore the customer first."), code="customer_deleted")
    return record_restore(instance=activity, actor=actor)


# --- calendar feed (ICS) -----------------------------------------------------------------


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def calendar_feed_rotate(*, user: Any) -> str:
    """Make a new secret feed address for `user` (the old one stops working); returns the
    token, which is not stored and cannot be shown again."""
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        CalendarFeed.objects.update_or_create(
            user=user, defaults={"key_hash": _hash(token), "prefix": token[:8]}
        )
    return token


def calendar_feed_user(token: str) -> Any:
    """The active user whose feed `token` opens, or None."""
    if not token or len(token) > 100:
        return None
    feed = (
        CalendarFeed.objects.select_related("user", "user__unit")
        .filter(key_hash=_hash(token), user__is_active=True)
        .first()
    )
    if feed is None:
        return None
    CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=timezone.now())
    return feed.user


def calendar_feed_revoke(*, user: Any) -> None:
    CalendarFeed.objects.filter(user=user).delete()
