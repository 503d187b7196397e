"""Fixtures of the ticket tests: customers and tickets made through the services."""

from typing import Any

import pytest

from crm.customers import services as customer_services
from crm.customers.models import Customer
from crm.service import services
from crm.service.models import Ticket, TicketType


@pytest.fixture
def complaint(db: Any) -> TicketType:
    return TicketType.objects.get(code="complaint")


@pytest.fixture
def west_customer(rep_west: Any) -> Customer:
    return customer_services.customer_create(actor=rep_west, name="成都蜀能贸易有限公司")


@pytest.fixture
def east_customer(rep_east: Any) -> Customer:
    return customer_services.customer_create(actor=rep_east, name="上海浦江化工有限公司")


@pytest.fixture
def west_ticket(agent: Any, west_customer: Customer, complaint: TicketType) -> Ticket:
    return services.ticket_create(
        actor=agent, customer=west_customer, title="润滑油变质", type=complaint
    )
