"""Output shapes the ticket and repair APIs share: a file attached to a ticket or to one of its
replies and notes."""

from datetime import datetime
from typing import Any

from ninja import Field, Schema

from crm.api.schemas import ref
from crm.customers.schemas import Ref

from .models import TicketAttachment


class TicketAttachmentOut(Schema):
    id: int
    name: str
    size: int
    uploaded_at: datetime
    uploaded_by: Ref | None
    url: str
    entry_id: int | None = Field(
        default=None, description="the reply or note the file went with; empty: the ticket's"
    )


def attachment_out(a: TicketAttachment) -> dict[str, Any]:
    return {
        "id": a.pk,
        "name": a.name,
        "size": a.size,
        "uploaded_at": a.uploaded_at,
        "uploaded_by": ref(a.uploaded_by),
        "url": f"/api/v1/tickets/attachments/{a.pk}",
        "entry_id": a.entry_id,
    }
