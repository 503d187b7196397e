"""Concurrent writers keep the forecast summary exact (PostgreSQL: real concurrent
transactions; SQLite serialises writers, so there is nothing to race)."""

import threading
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, connections
from django.utils import timezone

from crm.core.errors import StaleVersion
from crm.customers import services as customer_services
from crm.sales import services, services_forecast
from crm.sales.models import ForecastCell, Opportunity, Stage
from crm.sales.seed import seed_stages

pytestmark = [
    # Committed data, so the threads' own connections see it; like the browser tests, this
    # runs after the other database tests and re-seeds what it needs (the flush empties all).
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="PostgreSQL only: SQLite serialises writers, so no two upserts of a cell can race",
    ),
]

THREADS = 4
EACH = 5


def test_concurrent_writes_to_one_cell_add_up(rep_east: Any, rep_east_2: Any) -> None:
    seed_stages(Stage)
    customer = customer_services.customer_create(actor=rep_east, name="上海并发化工有限公司")
    close = timezone.localdate() + timedelta(days=20)
    shared = services.opportunity_create(
        actor=rep_east, customer=customer, name="共享", expected_close=close, amount=1
    )
    start = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            start.wait()
            for k in range(EACH):
                services.opportunity_create(
                    actor=rep_east,
                    customer=customer,
                    name=f"并发 {i}-{k}",
                    expected_close=close,
                    amount=Decimal(100 * i + k) + Decimal("0.25"),
                )
                while True:  # everybody edits the shared one too (same cell)
                    o = Opportunity.objects.get(pk=shared.pk)
                    try:
                        services.opportunity_update(
                            opportunity=o, version=o.version, actor=rep_east_2, amount=o.amount + 1
                        )
                        break
                    except StaleVersion:
                        continue
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert Opportunity.objects.get(pk=shared.pk).amount == 1 + THREADS * EACH
    cell = ForecastCell.objects.get(owner=rep_east, stage=shared.stage, month=close.replace(day=1))
    assert cell.count == 1 + THREADS * EACH
    assert services_forecast.check() == {}
