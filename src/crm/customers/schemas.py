"""API shapes of customers, contacts and interactions: input and output kept apart."""

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from ninja import Schema
from pydantic import BeforeValidator, Field, StringConstraints

from crm.api.schemas import Id, InputSchema

from .models import Channel, CustomerStatus, DecisionRole, Direction

Short = Annotated[str, StringConstraints(max_length=60)]
Medium = Annotated[str, StringConstraints(max_length=200)]
Long = Annotated[str, StringConstraints(max_length=5000)]
Amount = Annotated[Decimal, Field(ge=0, lt=Decimal(10) ** 14, decimal_places=4)]

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def _iso(pattern: re.Pattern[str], what: str) -> Any:
    """Only ISO text: pydantic would otherwise read a number as a Unix timestamp."""

    def check(value: Any) -> Any:
        if isinstance(value, str) and pattern.match(value):
            return value
        raise ValueError(f"expected an ISO 8601 {what}")

    return BeforeValidator(check)


IsoDate = Annotated[date, _iso(_ISO_DATE, "date (YYYY-MM-DD)")]
IsoDateTime = Annotated[datetime, _iso(_ISO_DATETIME, "date-time")]


class Ref(Schema):
    id: int
    name: str


class ChoiceOut(Schema):
    id: int
    label: str


class CustomerFields(InputSchema):
    short_name: Short = ""
    uscc: Annotated[str, StringConstraints(max_length=30)] = ""
    tax_id: Annotated[str, StringConstraints(max_length=30)] = ""
    bank: Annotated[str, StringConstraints(max_length=100)] = ""
    bank_account: Annotated[str, StringConstraints(max_length=40)] = ""
    province: Annotated[str, StringConstraints(max_length=2)] = ""
    city: Annotated[str, StringConstraints(max_length=4)] = ""
    district: Annotated[str, StringConstraints(max_length=6)] = ""
    street: Medium = ""
    phone: Annotated[str, StringConstraints(max_length=40)] = ""
    region_id: Id | None = None
    industry_id: Id | None = None
    rating_id: Id | None = None
    nature_id: Id | None = None
    size_id: Id | None = None
    credit_level_id: Id | None = None
    source_id: Id | None = None
    credit_limit: Amount = Decimal("0")
    cooperation_history: Long = ""
    status: CustomerStatus = CustomerStatus.PROSPECT
    tags: list[Annotated[str, StringConstraints(max_length=20)]] = Field(
        default_factory=list, max_length=10
    )
    owner_id: Id | None = None
    units_served_ids: list[Id] = Field(default_factory=list, max_length=50)


class CustomerIn(CustomerFields):
    name: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    # Save even when the customer looks like an existing one (else 409 possible_duplicate).
    force: bool = False


class CustomerPatch(CustomerFields):
    """Only the fields sent are changed; `version` is the one the client last read."""

    version: Annotated[int, Field(ge=1, le=2**31 - 1)]
    name: Annotated[str, StringConstraints(min_length=1, max_length=200)] | None = None
    force: bool = False


class CustomerOut(Schema):
    id: int
    code: str
    name: str
    short_name: str
    uscc: str
    # Sensitive: null unless the reader holds the sensitive-field permission.
    tax_id: str | None
    bank: str
    bank_account: str | None
    credit_level: ChoiceOut | None
    province: str
    city: str
    district: str
    address: str
    street: str
    phone: str
    region: ChoiceOut | None
    industry: ChoiceOut | None
    rating: ChoiceOut | None
    nature: ChoiceOut | None
    size: ChoiceOut | None
    source: ChoiceOut | None
    credit_limit: Decimal
    cooperation_history: str
    status: str
    tags: list[str]
    owner: Ref
    org_unit: Ref
    units_served: list[Ref]
    created_at: datetime
    updated_at: datetime
    version: int


class ContactIn(InputSchema):
    name: Annotated[str, StringConstraints(min_length=1, max_length=60)]
    title: Short = ""
    role: DecisionRole = DecisionRole.OTHER
    mobile: Annotated[str, StringConstraints(max_length=20)] = ""
    landline: Annotated[str, StringConstraints(max_length=20)] = ""
    email: Annotated[str, StringConstraints(max_length=254)] = ""
    wechat: Short = ""
    birthday: IsoDate | None = None
    notes: Annotated[str, StringConstraints(max_length=2000)] = ""
    is_primary: bool = False


class ContactOut(Schema):
    id: int
    customer_id: int
    name: str
    title: str
    role: str
    mobile: str
    landline: str
    email: str
    wechat: str
    birthday: date | None
    notes: str
    is_primary: bool
    version: int


class InteractionIn(InputSchema):
    channel: Channel
    direction: Direction = Direction.OUTBOUND
    occurred_at: IsoDateTime
    contact_id: Id | None = None
    summary: Annotated[str, StringConstraints(min_length=1, max_length=5000)]


class InteractionOut(Schema):
    id: int
    customer_id: int
    channel: str
    direction: str
    occurred_at: datetime
    contact_id: int | None
    summary: str
    author: Ref | None
    attachment_name: str
    created_at: datetime


class ReassignIn(Schema):
    """Exactly one of `ids`, `filter` (the list's filters) or `from_owner_id` picks the
    customers; all of them must be in the caller's scope."""

    to_owner_id: Id
    ids: list[Id] | None = Field(default=None, max_length=10000)
    filter: dict[str, Any] | None = None
    from_owner_id: Id | None = None


class ReassignOut(Schema):
    moved: int


class DuplicateSide(Schema):
    id: int
    code: str
    name: str
    owner: str


class DuplicatePairOut(Schema):
    score: int
    reasons: list[str]
    a: DuplicateSide
    b: DuplicateSide


class MergeIn(Schema):
    survivor_id: Id
    merged_id: Id
    survivor_version: Annotated[int, Field(ge=1, le=2**31 - 1)]
    merged_version: Annotated[int, Field(ge=1, le=2**31 - 1)]
    # Fields whose value the survivor takes from the merged customer.
    take: list[Annotated[str, StringConstraints(max_length=40)]] = Field(
        default_factory=list, max_length=40
    )


class MergeOut(Schema):
    id: int
    survivor_id: int
    merged_id: int
    moved: dict[str, int]
    at: datetime
    undone_at: datetime | None
