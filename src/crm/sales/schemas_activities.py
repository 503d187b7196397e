"""API shapes of activities, targets and the achievement reports."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from ninja import Schema
from pydantic import Field, StringConstraints

from crm.api.schemas import Id, InputSchema
from crm.customers.schemas import IsoDate, IsoDateTime, Ref

from .models_activities import ActivityKind, PeriodKind

Version = Annotated[int, Field(ge=1, le=2**31 - 1)]
Subject = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Long = Annotated[str, StringConstraints(max_length=5000)]
Step = Annotated[str, StringConstraints(max_length=200)]
Amount = Annotated[Decimal, Field(gt=0, lt=Decimal(10) ** 14, decimal_places=4)]


class ActivityFields(InputSchema):
    customer_id: Id | None = None
    contact_id: Id | None = None
    opportunity_id: Id | None = None
    owner_id: Id | None = None
    planned_end: IsoDateTime | None = None
    purpose: Long = ""
    notes: Long = ""
    next_step: Step = ""


class ActivityIn(ActivityFields):
    kind: ActivityKind = ActivityKind.VISIT
    subject: Subject
    planned_start: IsoDateTime
    # False: log an activity that already happened (it is saved as done).
    is_planned: bool = True


class ActivityPatch(ActivityFields):
    """Only the fields sent are changed; `version` is the one the client last read."""

    version: Version
    kind: ActivityKind | None = None
    subject: Subject | None = None
    planned_start: IsoDateTime | None = None


class CheckInIn(InputSchema):
    version: Version
    # Default: now.
    at: IsoDateTime | None = None


class CompleteIn(InputSchema):
    version: Version
    notes: Annotated[str, StringConstraints(min_length=1, max_length=5000)]
    next_step: Step = ""
    completed_at: IsoDateTime | None = None


class CancelIn(InputSchema):
    version: Version
    reason: Long = ""


class ActivityOut(Schema):
    id: int
    kind: str
    subject: str
    customer: Ref | None
    contact: Ref | None
    opportunity: Ref | None
    owner: Ref
    org_unit: Ref
    planned_start: datetime
    planned_end: datetime
    purpose: str
    status: str
    is_planned: bool
    is_overdue: bool
    checked_in_at: datetime | None
    notes: str
    next_step: str
    completed_at: datetime | None
    # The customer timeline entry written when the visit or call was completed.
    interaction_id: int | None
    created_at: datetime
    updated_at: datetime
    version: int


class TargetIn(InputSchema):
    period_kind: PeriodKind
    # Any day of the period; the target is stored on the period's first day.
    period_start: IsoDate
    amount: Amount
    # Exactly one of the two.
    rep_id: Id | None = None
    org_unit_id: Id | None = None


class TargetPatch(InputSchema):
    version: Version
    amount: Amount


class TargetOut(Schema):
    id: int
    metric: str
    period_kind: str
    period_start: date
    period_end: date
    rep: Ref | None
    org_unit: Ref
    amount: Decimal
    # Amount won in the period (of the rep; of the unit and the units below it).
    actual: Decimal
    percent: float | None
    version: int


class PeriodOut(Schema):
    kind: str
    start: date
    end: date
    label: str


class AchievementRowOut(Schema):
    depth: int
    unit: Ref
    rep: Ref | None
    target_id: int | None
    # The unit's or rep's own target, else (a unit) the sum of the rep targets below it.
    target: Decimal | None
    actual: Decimal
    percent: float | None


class TargetAchievementOut(Schema):
    period: PeriodOut
    rows: list[AchievementRowOut]


class VisitRateOut(Schema):
    owner: Ref
    unit: str
    planned: int
    done: int
    rate: float | None


class VisitAchievementOut(Schema):
    period: PeriodOut
    planned: int
    done: int
    rate: float | None
    reps: list[VisitRateOut]
