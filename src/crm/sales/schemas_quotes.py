"""Input and output shapes of the quotes API."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Field, Schema

from crm.api.schemas import Id, InputSchema, IsoDate, Text
from crm.customers.schemas import Ref

from .models_quotes import QuoteStatus
from .schemas import Quantity, Version

Price = Annotated[Decimal, Field(ge=0, lt=Decimal(10) ** 12, decimal_places=4)]
Pct = Annotated[Decimal, Field(ge=0, le=100, decimal_places=2)]


class QuoteLineIn(InputSchema):
    product_id: Id
    quantity: Quantity
    unit_price: Price | None = None  # default: the customer's price today
    discount_pct: Pct = Decimal("0")
    tax_rate: Pct | None = None  # default: 13
    description: str = Field(default="", max_length=300)


class QuoteLineOut(Schema):
    id: int
    product: Ref
    product_code: str
    description: str
    unit: str
    quantity: Decimal
    unit_price: Decimal
    discount_pct: Decimal
    tax_rate: Decimal
    net_amount: Decimal
    tax_amount: Decimal
    gross_amount: Decimal


class QuoteOut(Schema):
    id: int
    number: str
    revision: int
    title: str
    status: QuoteStatus
    customer: Ref
    contact: Ref | None
    opportunity: Ref | None
    owner: Ref
    org_unit: Ref
    valid_until: date
    net_amount: Decimal
    tax_amount: Decimal
    gross_amount: Decimal
    max_discount_pct: Decimal
    sent_at: datetime | None
    decided_on: date | None
    status_comment: str
    created_at: datetime
    updated_at: datetime
    version: int


class QuoteVersionOut(Schema):
    id: int
    revision: int
    status: QuoteStatus
    gross_amount: Decimal
    created_at: datetime


class QuoteApprovalOut(Schema):
    id: int
    status: str
    approver: Ref | None
    requested_at: datetime
    decided_by: Ref | None
    decided_at: datetime | None
    comment: str
    reasons: list[str]


class QuoteDetailOut(QuoteOut):
    notes: str
    amount_in_words: str
    lines: list[QuoteLineOut]
    allowed_transitions: list[QuoteStatus]
    can_revise: bool
    versions: list[QuoteVersionOut]
    approvals: list[QuoteApprovalOut]


class QuoteIn(InputSchema):
    customer_id: Id | None = None  # required unless opportunity_id is given
    opportunity_id: Id | None = None  # pre-fills customer, contact and lines
    contact_id: Id | None = None
    title: str = Field(default="", max_length=200)
    valid_until: IsoDate | None = None  # default: in 30 days
    notes: str = Field(default="", max_length=5000)
    lines: list[QuoteLineIn] | None = Field(default=None, max_length=200)


class QuotePatch(InputSchema):
    version: Version
    contact_id: Id | None = None
    title: str | None = Field(default=None, max_length=200)
    valid_until: IsoDate | None = None
    notes: str | None = Field(default=None, max_length=5000)
    lines: list[QuoteLineIn] | None = Field(default=None, max_length=200)


class QuoteTransitionIn(InputSchema):
    to: QuoteStatus
    version: Version
    comment: str = Field(default="", max_length=500)


class QuoteReviseIn(InputSchema):
    version: Version


class QuoteQuery(Schema):
    search: Text = ""
    status: QuoteStatus | None = None
    customer_id: Id | None = None
    owner_id: Id | None = None
    opportunity_id: Id | None = None
    current: bool = False
    ordering: Literal["updated", "created", "number", "amount", "valid_until"] = "updated"
