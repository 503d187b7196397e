"""Two recomputes of the same month at the same moment on PostgreSQL: the month's row lock
serialises them, so the month ends with one statement per rep and no error. SQLite has one
writer at a time, so the race exists on PostgreSQL only."""

import threading
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, connections

from crm.commissions import services_compute
from crm.commissions.models import CommissionLine, CommissionStatement
from crm.customers import services as customer_services
from crm.org.demo import load_demo
from crm.org.models import User
from crm.products import services as product_services
from crm.products.models import UnitOfMeasure
from crm.products.seed import seed_units
from crm.testing.fixtures import DEMO_PASSWORD

from .conftest import make_paid


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL only: SQLite serialises writers, so two recomputes of a month cannot race",
)
def test_two_concurrent_recomputes(transactional_db: Any) -> None:
    # given a paid invoice in September
    load_demo(password=DEMO_PASSWORD)
    seed_units(UnitOfMeasure)
    users = {u.username: u for u in User.objects.all()}
    admin, rep = users["admin"], users["rep_west_1"]
    product = product_services.product_create(
        actor=admin,
        code="C-1",
        name="产品",
        unit=UnitOfMeasure.objects.get(code="t"),
        list_price=Decimal(100),
    )
    customer = customer_services.customer_create(actor=rep, name="成都蜀能贸易有限公司")
    make_paid(
        rep=rep,
        finance=admin,
        customer=customer,
        lines=[(product, "10", "100")],
        received_on=date(2026, 9, 9),
    )
    barrier = threading.Barrier(2)
    failures: list[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait()
            services_compute.period_recompute(period="2026-09", actor=admin)
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            failures.append(exc)
        finally:
            connections.close_all()

    # when two recomputes start together (the month's row does not exist yet)
    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    # then both succeed and the month holds one statement with one line
    assert not failures
    assert CommissionStatement.objects.filter(period__period="2026-09").count() == 1
    assert CommissionLine.objects.filter(statement__period__period="2026-09").count() == 1
