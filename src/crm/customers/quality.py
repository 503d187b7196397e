"""Data quality (CUS-9): a completeness score per customer and stale records, as SQL.

The score is a weighted sum of filled fields plus "has a primary contact with a phone",
computed by the database as annotations; the report orders worst first and pages.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import (
    Avg,
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.org.selectors import parameter_get

from .models import Contact, Customer

# (key, label, weight, "filled" condition); weights sum to 100.
CHECKS: list[tuple[str, Any, int, Q]] = [
    ("uscc", _("Unified social credit code"), 15, ~Q(uscc="")),
    ("phone", _("Phone"), 10, ~Q(phone="")),
    ("address", _("Address (province, city, district)"), 10, ~Q(district="")),
    ("street", _("Street address"), 5, ~Q(street="")),
    ("short_name", _("Short name"), 5, ~Q(short_name="")),
    ("industry", _("Industry"), 10, Q(industry__isnull=False)),
    ("region", _("Region"), 5, Q(region__isnull=False)),
    ("rating", _("Rating"), 5, Q(rating__isnull=False)),
    ("nature", _("Enterprise nature"), 5, Q(nature__isnull=False)),
    ("size", _("Enterprise size"), 5, Q(size__isnull=False)),
    ("source", _("Source"), 5, Q(source__isnull=False)),
    ("contact", _("Primary contact with a phone"), 20, Q(q_has_contact=True)),
]
MAX_SCORE = sum(c[2] for c in CHECKS)


def months_ago(months: int, now: datetime | None = None) -> datetime:
    now = now or timezone.now()
    total = now.year * 12 + now.month - 1 - months
    year, month = divmod(total, 12)
    day = min(now.day, 28)
    return now.replace(year=year, month=month + 1, day=day)


def stale_months() -> int:
    return int(parameter_get("customer_stale_months"))


def stale_cutoff() -> datetime:
    return months_ago(stale_months())


def with_quality(qs: QuerySet[Customer]) -> QuerySet[Customer]:
    """`qs` with q_score (0–100), one q_<key> flag per check and q_stale."""
    contact = Contact.objects.filter(customer_id=OuterRef("pk"), is_primary=True).filter(
        ~Q(mobile="") | ~Q(landline="")
    )
    qs = qs.annotate(q_has_contact=Exists(contact))
    flags = {
        f"q_{key}": Case(When(cond, then=Value(weight)), default=Value(0))
        for key, _label, weight, cond in CHECKS
    }
    qs = qs.annotate(**flags)
    total: Any = Value(0)
    for key in flags:
        total = total + F(key)
    return qs.annotate(
        q_score=ExpressionWrapper(total, output_field=IntegerField()),
        q_stale=Case(
            When(updated_at__lt=stale_cutoff(), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
    )


def missing(customer: Any) -> list[Any]:
    """What to fix: the labels of the checks a row of `with_quality` fails."""
    return [label for key, label, _w, _c in CHECKS if not getattr(customer, f"q_{key}", 0)]


@dataclass
class Summary:
    count: int
    average: float
    stale: int
    below_60: int


def quality_rows(
    qs: QuerySet[Customer], *, stale_only: bool = False, below: int | None = None
) -> QuerySet[Customer]:
    """The report's rows from a scoped customer queryset: worst score first, then oldest."""
    rows: Any = with_quality(qs)
    if stale_only:
        rows = rows.filter(updated_at__lt=stale_cutoff())
    if below is not None:
        rows = rows.filter(q_score__lt=below)
    return rows.order_by("q_score", "updated_at", "id")


def quality_summary(qs: QuerySet[Customer]) -> Summary:
    rows = with_quality(qs.order_by())
    agg = rows.aggregate(
        count=Count("id"),
        average=Avg("q_score"),
        stale=Count("id", filter=Q(updated_at__lt=stale_cutoff())),
        below_60=Count("id", filter=Q(q_score__lt=60)),
    )
    average = round(float(agg["average"] or 0), 1)
    return Summary(agg["count"], average, agg["stale"], agg["below_60"])
