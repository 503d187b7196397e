"""Fixtures of the activity and target tests: customers, activities and won opportunities
made through the services, as their owners would make them."""

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from crm.customers.services import contact_create, customer_create
from crm.sales import services_activities
from crm.sales.models import Opportunity
from crm.sales.models_activities import Activity


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


@pytest.fixture
def east_customer(demo: Any, rep_east: Any) -> Any:
    return customer_create(actor=rep_east, name="上海浦江化工有限公司")


@pytest.fixture
def west_customer(demo: Any, rep_west: Any) -> Any:
    return customer_create(actor=rep_west, name="成都蜀能贸易有限公司")


@pytest.fixture
def west_contact(west_customer: Any) -> Any:
    return contact_create(customer=west_customer, actor=None, name="赵强", mobile="13912345678")


@pytest.fixture
def plan() -> Callable[..., Activity]:
    """`plan(owner, customer, start=…, kind=…, **fields)` → a planned activity."""

    def make(
        owner: Any,
        customer: Any = None,
        *,
        start: datetime | None = None,
        kind: str = "visit",
        subject: str = "拜访客户",
        **fields: Any,
    ) -> Activity:
        start = start or timezone.now() + timedelta(hours=2)
        return services_activities.activity_create(
            actor=owner,
            kind=kind,
            subject=subject,
            customer=customer,
            planned_start=start,
            **fields,
        )

    return make


@pytest.fixture
def won() -> Callable[..., Opportunity]:
    """`won(owner, customer, amount, closed_on)` → an opportunity won on that day."""
    from crm.sales.services import opportunity_close, opportunity_create

    def make(owner: Any, customer: Any, amount: str, closed_on: date | None = None) -> Opportunity:
        opp = opportunity_create(
            actor=owner,
            customer=customer,
            name=f"{customer.name} 项目",
            expected_close=closed_on or timezone.localdate(),
            amount=Decimal(amount),
        )
        opp = opportunity_close(
            opportunity=opp, won=True, reason="", version=opp.version, actor=owner
        )
        if closed_on is not None:
            Opportunity.objects.filter(pk=opp.pk).update(closed_on=closed_on)
        return opp

    return make
