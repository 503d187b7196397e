"""API of tickets (SVC-1): list, create, detail, update and status moves with version, notes
and replies, types and categories. Thin: parse → selector/service → schema."""

from datetime import date, datetime
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema, Status, UploadedFile

from crm.api.schemas import (
    ERRORS,
    WRITE_ERRORS,
    InputSchema,
    PageNumber,
    PageOut,
    PageSize,
    Text,
    page_out,
)
from crm.core.access import require
from crm.core.errors import Forbidden, ValidationFailed
from crm.core.modules import Action, Module
from crm.customers import selectors as customer_selectors
from crm.customers.schemas import Id, Ref
from crm.sales.schemas import Version

from . import selectors, services
from .models import (
    Channel,
    EntryKind,
    Priority,
    RepairCharge,
    SlaState,
    Ticket,
    TicketEntry,
    TicketStatus,
)
from .schemas import TicketAttachmentOut, attachment_out

router = Router(tags=["tickets"])


class TicketCategoryOut(Schema):
    id: int
    name: str


class TicketTypeOut(Schema):
    id: int
    code: str
    name: str
    categories: list[TicketCategoryOut]


class TicketOut(Schema):
    id: int
    number: str
    title: str
    type: Ref
    category: Ref | None
    channel: Channel
    priority: Priority
    status: TicketStatus
    customer: Ref
    contact: Ref | None
    product: Ref | None
    order: Ref | None
    repair_charge: RepairCharge | Literal[""] = Field(
        description="repair tickets out of warranty: paid, override (free), or not decided"
    )
    owner: Ref | None
    queue: Ref
    first_response_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    first_response_due_at: datetime | None
    first_response_state: SlaState | Literal[""] = Field(
        description="ok, warning (due soon), breached (overdue), met; empty without a policy"
    )
    resolution_due_at: datetime | None = Field(description="empty while paused")
    resolution_state: SlaState | Literal[""]
    resolution_paused_left: int | None = Field(
        description="business seconds left on the paused resolution clock"
    )
    created_at: datetime
    updated_at: datetime
    version: int


class TicketEntryOut(Schema):
    id: int
    kind: EntryKind
    body: str
    created_at: datetime
    author: Ref | None
    attachments: list[TicketAttachmentOut] = Field(
        default_factory=list,
        description="files sent with it (POST /tickets/entries/{entry_id}/attachments)",
    )


class TicketStatusChangeOut(Schema):
    from_status: str
    to_status: TicketStatus
    changed_at: datetime
    changed_by: Ref | None
    comment: str


class WarrantyOut(Schema):
    state: Literal["in_warranty", "expired", "none"]
    until: date | None = Field(description="the last day covered")
    start: date | None
    source: Literal["order", "contract", ""]
    source_number: str
    label: str
    repair_charge: RepairCharge | Literal[""]
    may_start: bool = Field(description="the repair may move to in progress")


class TicketDetailOut(TicketOut):
    description: str
    allowed_transitions: list[TicketStatus]
    can_edit: bool
    status_history: list[TicketStatusChangeOut]
    warranty: WarrantyOut | None = Field(description="repair tickets with a product only")


class TicketIn(InputSchema):
    customer_id: Id
    title: str = Field(max_length=200)
    description: str = ""
    type_id: Id
    category_id: Id | None = None
    channel: Channel = Channel.PHONE
    priority: Priority = Priority.NORMAL
    contact_id: Id | None = None
    product_id: Id | None = None
    order_id: Id | None = None
    queue_id: Id | None = None
    owner_id: Id | None = None


class TicketPatch(InputSchema):
    version: Version
    title: str | None = Field(default=None, max_length=200)
    description: str | None = None
    type_id: Id | None = None
    category_id: Id | None = None
    channel: Channel | None = None
    priority: Priority | None = None
    contact_id: Id | None = None
    product_id: Id | None = None
    order_id: Id | None = None


class TransitionIn(InputSchema):
    to: TicketStatus
    version: Version
    comment: str = Field(default="", max_length=500)
    owner_id: Id | None = None


class AssignIn(InputSchema):
    version: Version
    queue_id: Id
    owner_id: Id | None = None
    comment: str = Field(default="", max_length=500)


class TicketEntryIn(InputSchema):
    kind: EntryKind
    body: str = Field(max_length=20000)


class TicketQuery(Schema):
    search: Text = ""
    mine: bool = False
    queue_id: Id | None = None
    status: TicketStatus | None = None
    open: bool = False
    type_id: Id | None = None
    priority: Priority | None = None
    customer_id: Id | None = None
    sla: Literal["warning", "breached"] | None = Field(
        default=None, description="open tickets with a clock due soon / overdue"
    )
    ordering: str = Field(default="updated", description="updated, created, priority, due")


def _ref(obj: Any) -> dict[str, Any] | None:
    return {"id": obj.pk, "name": str(getattr(obj, "name", obj))} if obj is not None else None


def ticket_out(t: Ticket) -> dict[str, Any]:
    return {
        "id": t.pk,
        "number": t.number or "",
        "title": t.title,
        "type": _ref(t.type),
        "category": _ref(t.category),
        "channel": t.channel,
        "priority": t.priority,
        "status": t.status,
        "customer": _ref(t.customer),
        "contact": _ref(t.contact),
        "product": _ref(t.product),
        "order": {"id": t.order.pk, "name": t.order.number or ""} if t.order else None,
        "repair_charge": t.repair_charge,
        "owner": _ref(t.owner),
        "queue": _ref(t.org_unit),
        "first_response_at": t.first_response_at,
        "resolved_at": t.resolved_at,
        "closed_at": t.closed_at,
        "first_response_due_at": t.first_response_due_at,
        "first_response_state": t.first_response_state,
        "resolution_due_at": t.resolution_due_at,
        "resolution_state": t.resolution_state,
        "resolution_paused_left": t.resolution_paused_left,
        "created_at": t.created_at,
        "updated_at": t.updated_at,
        "version": t.version,
    }


def _detail(user: Any, pk: int) -> dict[str, Any]:
    from .api_repair import warranty_out

    t = selectors.ticket_get_for_user(user=user, pk=pk)
    return {
        **ticket_out(t),
        "description": t.description,
        "allowed_transitions": services.allowed_targets(t.status),
        "can_edit": selectors.can_edit(user, t),
        "status_history": [
            {
                "from_status": c.from_status,
                "to_status": c.to_status,
                "changed_at": c.changed_at,
                "changed_by": _ref(c.changed_by),
                "comment": c.comment,
            }
            for c in selectors.status_changes_of(t)[:200]
        ],
        "warranty": warranty_out(t),
    }


def _editable(user: Any, pk: int) -> Ticket:
    """The ticket if the user may change it: 404 out of sight, 403 when only readable."""
    t = selectors.ticket_get_for_user(user=user, pk=pk)
    require(user, Module.SERVICE, Action.EDIT)
    if not selectors.can_edit(user, t):
        raise Forbidden()
    return t


def _bad(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(fields={field: [message]})


def _resolve(user: Any, data: dict[str, Any], customer: Any) -> dict[str, Any]:
    """*_id fields of a body → objects (422 for unknown ones)."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        if not key.endswith("_id"):
            out[key] = value
            continue
        name = key[:-3]
        obj: Any = None
        if value is not None:
            obj = _lookup(user, name, value, customer)
            if obj is None:
                raise _bad(key, _("Unknown or not allowed choice."))
        out[name] = obj
    return out


def _lookup(user: Any, name: str, pk: int, customer: Any) -> Any:
    if name == "type":
        return selectors.type_get(pk)
    if name == "category":
        return selectors.category_get(pk)
    if name == "contact":
        return selectors.contact_for_ticket(user, customer, pk)
    if name == "product":
        from crm.products.selectors import products_for_user

        return products_for_user(user).filter(pk=pk).first()
    if name == "order":
        return selectors.order_for_ticket(user, customer, pk)
    if name == "queue":
        return selectors.queues_for_user(user).filter(pk=pk).first()
    if name == "owner":
        from crm.org.models import User

        return User.objects.filter(pk=pk, is_active=True).first()
    raise ValueError(name)


@router.get("/tickets", response={200: PageOut[TicketOut], **ERRORS})
def ticket_list(
    request: HttpRequest,
    query: Query[TicketQuery],
    page: PageNumber = 1,
    page_size: PageSize = 20,
) -> Any:
    require(request.user, Module.SERVICE, Action.VIEW)
    filters = selectors.TicketFilters(
        mine=query.mine,
        queue=query.queue_id,
        status=query.status or "",
        open_only=query.open,
        type=query.type_id,
        priority=query.priority or "",
        customer=query.customer_id,
        sla=query.sla or "",
        search=query.search,
        ordering=query.ordering,
    )
    return page_out(selectors.ticket_list(request.user, filters), page, page_size, ticket_out)


@router.post("/tickets", response={201: TicketDetailOut, **WRITE_ERRORS})
def ticket_create(request: HttpRequest, payload: TicketIn) -> Any:
    user = request.user
    require(user, Module.SERVICE, Action.CREATE)
    customer = customer_selectors.customer_get_for_user(user=user, pk=payload.customer_id)
    data = _resolve(user, payload.dict(exclude={"customer_id"}), customer)
    t = services.ticket_create(actor=user, customer=customer, **data)
    return Status(201, _detail(user, t.pk))


@router.get("/tickets/{ticket_id}", response={200: TicketDetailOut, **ERRORS})
def ticket_detail(request: HttpRequest, ticket_id: int) -> Any:
    return _detail(request.user, ticket_id)


@router.patch("/tickets/{ticket_id}", response={200: TicketDetailOut, **WRITE_ERRORS})
def ticket_patch(request: HttpRequest, ticket_id: int, payload: TicketPatch) -> Any:
    t = _editable(request.user, ticket_id)
    sent = payload.dict(exclude_unset=True, exclude={"version"})
    for key in ("title", "type_id", "channel", "priority"):
        if key in sent and sent[key] is None:
            del sent[key]
    data = _resolve(request.user, sent, t.customer)
    services.ticket_update(ticket=t, version=payload.version, actor=request.user, **data)
    return _detail(request.user, t.pk)


@router.post("/tickets/{ticket_id}/transition", response={200: TicketDetailOut, **WRITE_ERRORS})
def ticket_transition(request: HttpRequest, ticket_id: int, payload: TransitionIn) -> Any:
    """Move the ticket to `to` along an allowed edge (409 `invalid_transition` otherwise);
    `version` is the one last read (409 `stale_version` when someone changed it since)."""
    t = _editable(request.user, ticket_id)
    owner = _resolve(request.user, {"owner_id": payload.owner_id}, t.customer)["owner"]
    services.ticket_transition(
        ticket=t,
        to=payload.to,
        version=payload.version,
        actor=request.user,
        comment=payload.comment,
        owner=owner,
    )
    return _detail(request.user, t.pk)


@router.post("/tickets/{ticket_id}/assign", response={200: TicketDetailOut, **WRITE_ERRORS})
def ticket_assign(request: HttpRequest, ticket_id: int, payload: AssignIn) -> Any:
    """Hand an open ticket to `queue_id` (a queue of the caller's service scope) and, with
    `owner_id`, one of its agents (422 on `owner_id` otherwise). A new ticket given an agent
    becomes assigned; an assigned one without an agent goes back to new. Resolved or closed:
    409 `invalid_transition`; stale `version`: 409 `stale_version`."""
    t = _editable(request.user, ticket_id)
    data = _resolve(
        request.user, {"queue_id": payload.queue_id, "owner_id": payload.owner_id}, t.customer
    )
    services.ticket_assign(
        ticket=t,
        version=payload.version,
        actor=request.user,
        queue=data["queue"],
        owner=data["owner"],
        comment=payload.comment,
    )
    return _detail(request.user, t.pk)


def entry_out(e: TicketEntry, files: list[Any] | None = None) -> dict[str, Any]:
    """`files`: the entry's, when not prefetched (selectors.entries_of prefetches them)."""
    return {
        "id": e.pk,
        "kind": e.kind,
        "body": e.body,
        "created_at": e.created_at,
        "author": _ref(e.author),
        "attachments": [
            attachment_out(a) for a in (e.attachments.all() if files is None else files)
        ],
    }


@router.get("/tickets/{ticket_id}/entries", response={200: list[TicketEntryOut], **ERRORS})
def entry_list(request: HttpRequest, ticket_id: int) -> Any:
    t = selectors.ticket_get_for_user(user=request.user, pk=ticket_id)
    return [entry_out(e) for e in selectors.entries_of(t)[:500]]


@router.post("/tickets/{ticket_id}/entries", response={201: TicketEntryOut, **WRITE_ERRORS})
def entry_create(request: HttpRequest, ticket_id: int, payload: TicketEntryIn) -> Any:
    """An internal note or a customer-visible reply (the first reply is the first response).
    Files go with it in a second call: POST /tickets/entries/{entry_id}/attachments."""
    t = _editable(request.user, ticket_id)
    e = services.entry_add(ticket=t, kind=payload.kind, body=payload.body, actor=request.user)
    return Status(201, entry_out(e, files=[]))


@router.post(
    "/tickets/entries/{entry_id}/attachments", response={201: TicketEntryOut, **WRITE_ERRORS}
)
def entry_attach(request: HttpRequest, entry_id: int, files: File[list[UploadedFile]]) -> Any:
    """Multipart upload of one or more `files` (PDF, JPG, PNG, DOCX, XLSX or TXT; at most
    10 MB each, 10 at once) to a reply or note, by its author (403 for others). All or none:
    one bad file (422, field `files`) stores nothing. Files of internal notes are as internal
    as the note. Returns the entry with all its files."""
    e = selectors.entry_get_for_user(user=request.user, pk=entry_id)
    _editable(request.user, e.ticket_id)
    services.entry_attach(entry=e, files=files, actor=request.user)
    return Status(201, entry_out(e, files=list(e.attachments.order_by("id"))))


@router.get("/ticket-types", response={200: list[TicketTypeOut], **ERRORS}, tags=["tickets"])
def type_list(request: HttpRequest) -> Any:
    require(request.user, Module.SERVICE, Action.VIEW)
    return [
        {
            "id": t.pk,
            "code": t.code,
            "name": t.name,
            "categories": [{"id": c.pk, "name": c.name} for c in t.categories.all() if c.active],
        }
        for t in selectors.types()
    ]


from . import api_desk, api_repair, api_revisit, api_sla  # noqa: E402 - mounted below

router.add_router("", api_sla.router)
router.add_router("", api_desk.router)
router.add_router("", api_revisit.router)
router.add_router("", api_repair.router)
