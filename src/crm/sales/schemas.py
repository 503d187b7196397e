"""API shapes of stages, leads, opportunities and the forecast: input and output kept apart."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from ninja import Schema
from pydantic import Field, StringConstraints

from crm.api.schemas import Id, InputSchema
from crm.customers.schemas import IsoDate, Ref

from .models import ForecastCategory, LeadStatus

Short = Annotated[str, StringConstraints(max_length=60)]
Medium = Annotated[str, StringConstraints(max_length=200)]
Long = Annotated[str, StringConstraints(max_length=5000)]
Amount = Annotated[Decimal, Field(ge=0, lt=Decimal(10) ** 14, decimal_places=4)]
Quantity = Annotated[Decimal, Field(gt=0, lt=Decimal(10) ** 14, decimal_places=4)]
Version = Annotated[int, Field(ge=1, le=2**31 - 1)]
Percent = Annotated[int, Field(ge=0, le=100)]


# --- stages --------------------------------------------------------------------------------


class StageOut(Schema):
    id: int
    business_unit_id: int | None
    name: str
    order: int
    probability: int
    is_won: bool
    is_lost: bool
    forecast_category: str
    active: bool


class StageFields(InputSchema):
    probability: Percent | None = None
    is_won: bool | None = None
    is_lost: bool | None = None
    forecast_category: ForecastCategory | None = None
    active: bool | None = None


class StageIn(StageFields):
    # The business unit (a company) whose set gets the stage; null: the default set.
    business_unit_id: Id | None = None
    name: Annotated[str, StringConstraints(min_length=1, max_length=40)]


class StagePatch(StageFields):
    """Changes a stage for `business_unit_id` (a default stage changed for a unit that has no
    stages yet gives the unit its own copy of the default set first)."""

    business_unit_id: Id | None = None
    name: Annotated[str, StringConstraints(min_length=1, max_length=40)] | None = None


class StageReorderIn(InputSchema):
    business_unit_id: Id | None = None
    ids: list[Id] = Field(max_length=100)


# --- leads ---------------------------------------------------------------------------------


class LeadFields(InputSchema):
    contact_name: Short = ""
    title: Short = ""
    mobile: Annotated[str, StringConstraints(max_length=20)] = ""
    phone: Annotated[str, StringConstraints(max_length=40)] = ""
    email: Annotated[str, StringConstraints(max_length=254)] = ""
    uscc: Annotated[str, StringConstraints(max_length=30)] = ""
    address: Medium = ""
    source_id: Id | None = None
    notes: Long = ""
    owner_id: Id | None = None


class LeadIn(LeadFields):
    company: Annotated[str, StringConstraints(min_length=1, max_length=200)]


class LeadPatch(LeadFields):
    """Only the fields sent change. `status` moves the lead (disqualified needs `reason`)."""

    version: Version
    company: Annotated[str, StringConstraints(min_length=1, max_length=200)] | None = None
    status: LeadStatus | None = None
    reason: Medium = ""


class DuplicateOut(Schema):
    # id and name only when the caller may see the customer; else code and owner.
    id: int | None
    code: str
    name: str | None
    owner: str
    score: int
    reasons: list[str]


class LeadOut(Schema):
    id: int
    company: str
    contact_name: str
    title: str
    mobile: str
    phone: str
    email: str
    uscc: str
    address: str
    source: Ref | None
    status: str
    disqualify_reason: str
    notes: str
    owner: Ref
    org_unit: Ref
    customer_id: int | None
    contact_id: int | None
    converted_at: datetime | None
    created_at: datetime
    updated_at: datetime
    version: int


class LeadDetailOut(LeadOut):
    possible_duplicates: list[DuplicateOut]
    opportunity_ids: list[int]


class ConvertIn(InputSchema):
    version: Version
    # An existing customer (one the caller may see); else a new one from the lead's company.
    customer_id: Id | None = None
    # An existing contact of that customer; else a new one from the lead's person (if any).
    contact_id: Id | None = None
    opportunity_name: Medium = ""
    amount: Amount = Decimal("0")
    expected_close: IsoDate | None = None
    # Create the customer even when it looks like an existing one (else 409).
    force: bool = False


class ConvertOut(Schema):
    lead_id: int
    customer_id: int
    contact_id: int | None
    opportunity_id: int


# --- opportunities ------------------------------------------------------------------------


class LineIn(InputSchema):
    product_id: Id
    quantity: Quantity
    # Null: the customer's price of the product (customer price, price list, list price).
    unit_price: Amount | None = None


class LineOut(Schema):
    id: int
    product_id: int
    product_code: str
    product_name: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal


class OpportunityFields(InputSchema):
    contact_id: Id | None = None
    amount: Amount = Decimal("0")
    probability: Percent | None = None
    competitors: Medium = ""
    next_step: Medium = ""
    owner_id: Id | None = None
    # Given lines make the amount their sum.
    lines: list[LineIn] | None = Field(default=None, max_length=200)


class OpportunityIn(OpportunityFields):
    name: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    customer_id: Id
    expected_close: IsoDate
    # A stage of the opportunity's business unit; default: its first open stage.
    stage_id: Id | None = None


class OpportunityPatch(OpportunityFields):
    """Only the fields sent change; the stage changes through /stage and /close."""

    version: Version
    name: Annotated[str, StringConstraints(min_length=1, max_length=200)] | None = None
    customer_id: Id | None = None
    expected_close: IsoDate | None = None
    amount: Amount | None = None  # type: ignore[assignment]


class StageMoveIn(InputSchema):
    stage_id: Id
    version: Version
    reason: Medium = ""  # required when the stage is a lost stage


class Outcome(StrEnum):
    won = "won"
    lost = "lost"


class CloseIn(InputSchema):
    outcome: Outcome
    version: Version
    reason: Medium = ""  # required when lost


class StageChangeOut(Schema):
    from_stage: Ref | None
    to_stage: Ref
    changed_at: datetime
    changed_by: Ref | None
    # Seconds spent in `from_stage`.
    seconds_in_stage: int | None


class OpportunityOut(Schema):
    id: int
    name: str
    customer: Ref
    contact: Ref | None
    owner: Ref
    org_unit: Ref
    stage: Ref
    status: str
    amount: Decimal
    probability: int
    weighted_amount: Decimal
    expected_close: date
    closed_on: date | None
    lost_reason: str
    competitors: str
    next_step: str
    source_lead_id: int | None
    stage_entered_at: datetime | None
    created_at: datetime
    updated_at: datetime
    version: int


class OpportunityDetailOut(OpportunityOut):
    lines: list[LineOut]
    stage_history: list[StageChangeOut]


# --- forecast ------------------------------------------------------------------------------


class Period(StrEnum):
    month = "month"
    quarter = "quarter"


class GroupBy(StrEnum):
    owner = "owner"
    unit = "unit"
    business_unit = "business_unit"


class ForecastRowOut(Schema):
    period: date
    period_label: str
    group_id: int | None
    group: str
    commit: Decimal
    best_case: Decimal
    pipeline: Decimal
    weighted: Decimal
    closed: Decimal
    open_amount: Decimal
    count: int


class ForecastOut(Schema):
    period: str
    group_by: str
    start: date
    end: date
    rows: list[ForecastRowOut]
    total: ForecastRowOut


def seconds(value: timedelta | None) -> int | None:
    return int(value.total_seconds()) if value is not None else None
