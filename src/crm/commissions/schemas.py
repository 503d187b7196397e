"""Input and output shapes of the commissions API (names unique across the API)."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from ninja import Field, Schema

from crm.api.schemas import Id, InputSchema, IsoDate
from crm.customers.schemas import Ref
from crm.sales.schemas import Version

from .models import RuleKind

Period = Annotated[str, Field(pattern=r"^2\d{3}-(0[1-9]|1[0-2])$", examples=["2026-11"])]
Percent = Annotated[Decimal, Field(ge=0, le=100, max_digits=7, decimal_places=4)]
Amount = Annotated[Decimal, Field(ge=0, lt=Decimal("1e14"), decimal_places=4)]


class CommissionTierSchema(Schema):
    lower: Amount = Field(description="the bracket starts at this basis (the first at 0)")
    rate: Percent


class CommissionRuleOut(Schema):
    id: int
    name: str
    role: Ref | None
    series: Ref | None
    rating: Ref | None
    business_unit: Ref | None
    kind: RuleKind
    rate: Decimal
    tiers: list[CommissionTierSchema]
    valid_from: date
    valid_to: date | None
    active: bool
    version: int


class CommissionRuleIn(InputSchema):
    name: str = Field(min_length=1, max_length=100)
    role_id: Id | None = None
    series_id: Id | None = None
    rating_id: Id | None = None
    business_unit_id: Id | None = None
    kind: RuleKind = RuleKind.RATE
    rate: Percent = Decimal(0)
    tiers: list[CommissionTierSchema] = Field(default_factory=list, max_length=50)
    valid_from: IsoDate
    valid_to: IsoDate | None = None
    active: bool = True


class CommissionRulePatch(InputSchema):
    """Send only what changes; `null` clears a criterion or the end date."""

    version: Version
    name: str | None = Field(default=None, min_length=1, max_length=100)
    role_id: Id | None = None
    series_id: Id | None = None
    rating_id: Id | None = None
    business_unit_id: Id | None = None
    kind: RuleKind | None = None
    rate: Percent | None = None
    tiers: list[CommissionTierSchema] | None = Field(default=None, max_length=50)
    valid_from: IsoDate | None = None
    valid_to: IsoDate | None = None
    active: bool | None = None


class CommissionLineOut(Schema):
    id: int
    period: str
    statement_id: int
    rep: Ref
    rule: Ref | None
    series: Ref | None
    rating: Ref | None
    unit: Ref
    basis: Decimal
    rate: Decimal | None
    tier_detail: list[dict[str, str | None]]
    commission: Decimal


class CommissionLineQuery(Schema):
    period: Period
    rep: Id | None = None


class CommissionStatementOut(Schema):
    id: int
    period: str
    rep: Ref
    unit: Ref
    basis: Decimal
    commission: Decimal


class CommissionStatementDetailOut(CommissionStatementOut):
    lines: list[CommissionLineOut]


class CommissionStatementQuery(Schema):
    period: Period


class CommissionRecomputeIn(InputSchema):
    period: Period


class CommissionPeriodOut(Schema):
    id: int
    period: str
    computed_at: datetime | None
    closed_at: datetime | None
    closed: bool
    statements: int | None = None
    commission: Decimal | None = None
