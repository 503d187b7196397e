"""Two reminder runs at the same moment on PostgreSQL: every notification and every digest
exactly once (ON CONFLICT DO NOTHING, FOR UPDATE SKIP LOCKED). SQLite serialises writers,
so the race exists on PostgreSQL only."""

import threading
from datetime import date
from typing import Any

import pytest
from django.db import connection, connections

from crm.org.models import User
from crm.system.job import Outcome, run_reminders
from crm.system.models import EmailState, Notification, ReminderRun
from crm.system.reminders import Reminder

DAY = date(2026, 11, 30)


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL only: SQLite serialises writers, so two reminder runs cannot race",
)
def test_two_concurrent_runs_deliver_once(transactional_db: Any, smtp: Any, source: Any) -> None:
    # given 20 recipients with an address and 3 reminders each
    users = [User.objects.create(username=f"u{i}", email=f"u{i}@example.com") for i in range(20)]
    source(
        *[
            Reminder(user_id=u.pk, key=f"contract-expiry:C{u.pk}-{k}", title=f"合同即将到期 {k}")
            for u in users
            for k in range(3)
        ]
    )
    barrier = threading.Barrier(2)
    results: list[Outcome] = []
    failures: list[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait()
            results.append(run_reminders(day=DAY))
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            failures.append(exc)
        finally:
            connections.close_all()

    # when two runs start together
    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    # then each notification and each digest exists once
    assert not failures and len(results) == 2
    assert all(r.ok for r in results), [r.errors for r in results]
    assert sum(r.created for r in results) == 60
    assert Notification.objects.count() == 60
    # one digest per recipient in all, holding all three reminders
    assert sum(r.emails_sent for r in results) == len(smtp.messages) == 20
    assert len({str(m["To"]) for m in smtp.messages}) == 20
    assert all("(3)" in str(m["Subject"]) for m in smtp.messages)
    assert set(Notification.objects.values_list("email_state", flat=True)) == {EmailState.SENT}
    assert ReminderRun.objects.count() == 2
