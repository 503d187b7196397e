"""Every write to tickets: in a transaction, versioned, audited (SVC-1).

Status moves follow TRANSITIONS only; each is version-checked (stale → StaleVersion, 409) and
logged as a StatusChange with who and when. The first customer-visible reply or the first
move to in progress (or beyond) sets first_response_at. Every change that can move an SLA
deadline recomputes the ticket's clocks (crm.service.sla).
"""

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.core.audit import audit_log
from crm.core.errors import Conflict, Forbidden, ValidationFailed
from crm.core.files import checked_upload
from crm.core.models import AuditAction
from crm.core.services import record_create, record_update

from . import services_repair, services_revisit, services_sla, sla
from .models import EntryKind, StatusChange, Ticket, TicketAttachment, TicketEntry, TicketStatus

S = TicketStatus
# The allowed edges of the status graph; reopen goes back to in progress.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.NEW: frozenset({S.ASSIGNED, S.IN_PROGRESS, S.RESOLVED, S.CLOSED}),
    S.ASSIGNED: frozenset({S.IN_PROGRESS, S.WAITING, S.RESOLVED}),
    S.IN_PROGRESS: frozenset({S.WAITING, S.RESOLVED}),
    S.WAITING: frozenset({S.IN_PROGRESS, S.RESOLVED}),
    S.RESOLVED: frozenset({S.CLOSED, S.IN_PROGRESS}),
    S.CLOSED: frozenset({S.IN_PROGRESS}),
}
EDITABLE_FIELDS = (
    "title",
    "description",
    "type",
    "category",
    "channel",
    "priority",
    "contact",
    "product",
    "order",
)
MAX_ENTRY_FILES = 10  # files sent with one reply or note


def allowed_targets(status: str) -> list[str]:
    return [s for s in S.values if s in TRANSITIONS.get(status, frozenset())]


def _clean(values: dict[str, Any], customer: Any) -> dict[str, Any]:
    out = dict(values)
    errors: dict[str, list[str]] = {}
    if "title" in out:
        out["title"] = str(out["title"] or "").strip()
        if not out["title"]:
            errors["title"] = [_("Enter the ticket's title.")]
    contact = out.get("contact")
    if contact is not None and contact.customer_id != customer.pk:
        errors["contact_id"] = [_("This contact belongs to another customer.")]
    order = out.get("order")
    if order is not None and order.customer_id != customer.pk:
        errors["order_id"] = [_("This order belongs to another customer.")]
    category, ticket_type = out.get("category"), out.get("type")
    if category is not None and ticket_type is not None and category.type_id != ticket_type.pk:
        errors["category_id"] = [_("This category belongs to another ticket type.")]
    if errors:
        raise ValidationFailed(fields=errors)
    return out


def _check_agent(owner: Any, queue: Any) -> None:
    """The assigned agent must be a member of the queue (its unit or a unit below)."""
    unit = getattr(owner, "unit", None)
    if owner is not None and (unit is None or not unit.path.startswith(queue.path)):
        raise ValidationFailed(fields={"owner_id": [_("Choose an agent of the ticket's queue.")]})


def _clocks(ticket: Ticket, now: Any, log: list[sla.Moment] | None = None) -> None:
    """Recompute the SLA clocks and escalate any that are already due soon or overdue."""
    sla.recompute(ticket, now=now, log=log)
    services_sla.send_events(ticket, now)


def _number(pk: int) -> str:
    return f"T{pk:09d}"


@transaction.atomic
def ticket_create(
    *,
    actor: Any,
    customer: Any,
    title: str,
    type: Any,
    queue: Any = None,
    owner: Any = None,
    **fields: Any,
) -> Ticket:
    """A new ticket in `queue` (default: the actor's unit); assigned when `owner` is given."""
    data = _clean({"title": title, "type": type, **fields}, customer)
    queue = queue or actor.unit
    _check_agent(owner, queue)
    now = timezone.now()
    status = S.ASSIGNED if owner is not None else S.NEW
    ticket = Ticket(
        customer=customer,
        owner=owner,
        org_unit=queue,
        status=status,
        status_changed_at=now,
        **data,
    )
    record_create(instance=ticket, actor=actor)
    Ticket.all_objects.filter(pk=ticket.pk).update(number=_number(ticket.pk))
    ticket.number = _number(ticket.pk)
    StatusChange.objects.create(
        ticket=ticket, from_status="", to_status=status, changed_at=now, changed_by=actor
    )
    _clocks(ticket, now, [sla.Moment(status, now)])
    return ticket


def ticket_update(*, ticket: Ticket, version: int, actor: Any, **changes: Any) -> Ticket:
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    changes = dict(changes)
    new_type = changes.get("type")
    old_category = ticket.category
    # A new type drops a category of the old type rather than refusing the change.
    if (
        new_type is not None
        and "category" not in changes
        and old_category is not None
        and old_category.type_id != new_type.pk
    ):
        changes["category"] = None
    data = _clean({"type": ticket.type, "category": old_category, **changes}, ticket.customer)
    data = {k: v for k, v in data.items() if k in changes}
    with transaction.atomic():
        updated = record_update(instance=ticket, version=version, changes=data, actor=actor)
        if updated.type_id != ticket.type_id or updated.priority != ticket.priority:
            _clocks(updated, timezone.now())
    return updated


@transaction.atomic
def ticket_transition(
    *,
    ticket: Ticket,
    to: str,
    version: int,
    actor: Any,
    comment: str = "",
    owner: Any = None,
) -> Ticket:
    """Move along an allowed edge; `owner` assigns the agent on the way (to "assigned")."""
    if to not in TRANSITIONS.get(ticket.status, frozenset()):
        raise Conflict(
            _("A ticket that is %(from)s cannot become %(to)s.")
            % {"from": S(ticket.status).label, "to": S(to).label if to in S.values else to},
            code="invalid_transition",
        )
    services_repair.check_may_start(ticket, to)
    now = timezone.now()
    changes: dict[str, Any] = {"status": to, "status_changed_at": now}
    if owner is not None:
        _check_agent(owner, ticket.org_unit)
        changes["owner"] = owner
    elif ticket.owner_id is None:
        # Whoever moves an unassigned ticket on is the one working it.
        changes["owner"] = actor
    if to == S.RESOLVED:
        changes["resolved_at"] = now
    elif to == S.CLOSED:
        changes["closed_at"] = now
        if ticket.resolved_at is None:
            changes["resolved_at"] = now
    elif ticket.status in (S.RESOLVED, S.CLOSED):  # reopened
        changes["resolved_at"] = None
        changes["closed_at"] = None
    if ticket.first_response_at is None and to in sla.RESPONDED:
        changes["first_response_at"] = now
    updated = record_update(instance=ticket, version=version, changes=changes, actor=actor)
    StatusChange.objects.create(
        ticket=updated,
        from_status=ticket.status,
        to_status=to,
        changed_at=now,
        changed_by=actor,
        comment=comment.strip()[:500],
    )
    _clocks(updated, now)
    if to == S.CLOSED:
        services_revisit.on_closed(ticket=updated, actor=actor, now=now)
    elif ticket.status == S.CLOSED:
        services_revisit.on_reopened(ticket=updated, actor=actor)
    return updated


@transaction.atomic
def ticket_assign(
    *,
    ticket: Ticket,
    version: int,
    actor: Any,
    queue: Any,
    owner: Any = None,
    comment: str = "",
) -> Ticket:
    """Hand an open ticket to a queue (team) and, optionally, one of its agents. A new ticket
    given an agent becomes "assigned"; an assigned one left without an agent goes back to
    "new" in its queue; other statuses stay. The SLA clocks' escalation follows the queue."""
    if ticket.status in (S.RESOLVED, S.CLOSED):
        raise Conflict(
            _("A ticket that is %(status)s cannot be reassigned; reopen it first.")
            % {"status": S(ticket.status).label},
            code="invalid_transition",
        )
    _check_agent(owner, queue)
    now = timezone.now()
    to = ticket.status
    if owner is not None and ticket.status == S.NEW:
        to = S.ASSIGNED
    elif owner is None and ticket.status == S.ASSIGNED:
        to = S.NEW
    changes: dict[str, Any] = {"org_unit": queue, "owner": owner}
    if to != ticket.status:
        changes.update(status=to, status_changed_at=now)
    updated = record_update(instance=ticket, version=version, changes=changes, actor=actor)
    if to != ticket.status:
        StatusChange.objects.create(
            ticket=updated,
            from_status=ticket.status,
            to_status=to,
            changed_at=now,
            changed_by=actor,
            comment=comment.strip()[:500],
        )
    _clocks(updated, now)
    return updated


def _checked_files(files: Sequence[Any]) -> list[str]:
    """The names to store for the files of one entry; a field error for the first bad one,
    before anything is written (a bad file means nothing is saved)."""
    if len(files) > MAX_ENTRY_FILES:
        raise ValidationFailed(
            fields={"files": [_("At most %(n)s files at once.") % {"n": MAX_ENTRY_FILES}]}
        )
    return [checked_upload(f, "files") for f in files]


def _store_files(
    *, entry: TicketEntry, files: Sequence[Any], names: list[str], actor: Any
) -> list[TicketAttachment]:
    """Files of `entry` (checked by _checked_files); caller holds the transaction."""
    items = []
    for file, name in zip(files, names, strict=True):
        item = TicketAttachment(
            ticket_id=entry.ticket_id,
            entry=entry,
            file=file,
            name=name,
            size=file.size,
            uploaded_by=actor,
        )
        item.save()
        items.append(item)
    if items:
        audit_log(
            instance=entry.ticket,
            action=AuditAction.UPDATE,
            actor=actor,
            changes={
                "attachments": {
                    "label": _("Attachments"),
                    "old": "",
                    "new": ", ".join(i.name for i in items),
                }
            },
        )
    return items


@transaction.atomic
def entry_add(
    *, ticket: Ticket, kind: str, body: str, actor: Any, files: Sequence[Any] = ()
) -> TicketEntry:
    """A note (internal) or reply (customer-visible), with optional files shown under it;
    the first reply is the first response. A bad file refuses the whole entry."""
    text = str(body or "").strip()
    if not text:
        raise ValidationFailed(fields={"body": [_("Enter the text.")]})
    if kind not in EntryKind.values:
        raise ValidationFailed(fields={"kind": [_("Choose a note or a reply.")]})
    names = _checked_files(files)
    now = timezone.now()
    entry = TicketEntry.objects.create(
        ticket=ticket, kind=kind, body=text, created_at=now, author=actor
    )
    _store_files(entry=entry, files=files, names=names, actor=actor)
    if kind == EntryKind.REPLY and (
        Ticket.all_objects.filter(pk=ticket.pk, first_response_at__isnull=True).update(
            first_response_at=now
        )
    ):
        ticket.first_response_at = now
        _clocks(ticket, now)
    # A new entry is a change of the ticket: lists sorted by activity see it.
    Ticket.all_objects.filter(pk=ticket.pk).update(updated_at=now)
    return entry


@transaction.atomic
def entry_attach(*, entry: TicketEntry, files: Sequence[Any], actor: Any) -> list[TicketAttachment]:
    """Files added to an existing reply or note (the API sends them after the entry): only by
    its author, all or none."""
    if entry.author_id != actor.pk:
        raise Forbidden(_("Only the author of a reply or note may attach files to it."))
    if not files:
        raise ValidationFailed(fields={"files": [_("Choose a file.")]})
    names = _checked_files(files)
    items = _store_files(entry=entry, files=files, names=names, actor=actor)
    Ticket.all_objects.filter(pk=entry.ticket_id).update(updated_at=timezone.now())
    return items
