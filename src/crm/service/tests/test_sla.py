"""SLA clocks: worked examples across nights, weekends and pauses, hypothesis properties of
the clocks computed from a status log, and the clocks the services store on a ticket."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any
from unittest import mock

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm.service import services, sla
from crm.service.business_time import add_business_seconds, business_seconds
from crm.service.models import (
    ServiceCalendar,
    SlaPolicy,
    SlaState,
    Ticket,
    TicketStatus,
)
from crm.service.sla import Moment, clocks, pauses_of

from .test_business_time import FAST, SHANGHAI, durations, instants, sh

S = TicketStatus
HOUR = 3600


def policy(first: int = 120, resolution: int = 16 * 60, warn: int = 80) -> SlaPolicy:
    return SlaPolicy(first_response_minutes=first, resolution_minutes=resolution, warn_percent=warn)


def run(log: list[Moment], now: datetime, first_response_at: datetime | None = None) -> dict:
    return clocks(
        policy=policy(),
        calendar=SHANGHAI,
        created_at=log[0].at,
        first_response_at=first_response_at,
        log=log,
        now=now,
    )


# -- worked examples (SHANGHAI: 08:30–12:00, 13:30–17:30; National Day 2025 off) ------------


def test_friday_evening_ticket_is_due_on_monday() -> None:
    created = sh(2025, 9, 19, 17)  # Friday 17:00: half an hour left that day
    out = run([Moment(S.NEW, created)], now=sh(2025, 9, 19, 18))
    assert out["first_response_due_at"] == sh(2025, 9, 22, 10)  # + 1.5 h on Monday
    assert out["first_response_state"] == SlaState.OK
    # 16 h = 0.5 Fri + 7.5 Mon + 7.5 Tue + 0.5 Wed.
    assert out["resolution_due_at"] == sh(2025, 9, 24, 9)
    # The warning point is 80 % of the target: 12.8 h in.
    assert out["resolution_warn_at"] == add_business_seconds(SHANGHAI, created, 0.8 * 16 * HOUR)


def test_states_move_with_the_clock_and_stop_at_the_response() -> None:
    created = sh(2025, 9, 16, 9)
    log = [Moment(S.NEW, created)]
    assert run(log, sh(2025, 9, 16, 10, 30))["first_response_state"] == SlaState.OK
    assert run(log, sh(2025, 9, 16, 10, 40))["first_response_state"] == SlaState.WARNING
    assert run(log, sh(2025, 9, 16, 11))["first_response_state"] == SlaState.BREACHED
    on_time = run(log, sh(2025, 9, 17), first_response_at=sh(2025, 9, 16, 10))
    assert on_time["first_response_state"] == SlaState.MET
    late = run(log, sh(2025, 9, 17), first_response_at=sh(2025, 9, 16, 15))
    assert late["first_response_state"] == SlaState.BREACHED


def test_waiting_overnight_pauses_and_moves_the_deadline() -> None:
    created = sh(2025, 9, 16, 9)  # Tuesday
    log = [
        Moment(S.NEW, created),
        Moment(S.IN_PROGRESS, sh(2025, 9, 16, 10)),
        Moment(S.WAITING, sh(2025, 9, 16, 11)),  # 2 h used
    ]
    paused = run(log, sh(2025, 9, 17, 9))
    assert paused["resolution_due_at"] is None
    assert paused["resolution_paused_left"] == 14 * HOUR
    # The customer answers on Thursday 14:00: 14 h left from then.
    log.append(Moment(S.IN_PROGRESS, sh(2025, 9, 18, 14)))
    out = run(log, sh(2025, 9, 18, 14))
    assert out["resolution_due_at"] == add_business_seconds(
        SHANGHAI, sh(2025, 9, 18, 14), 14 * HOUR
    )
    assert out["resolution_due_at"] == sh(2025, 9, 22, 11, 30)  # Thu 3.5 + Fri 7.5 + Mon 3 h


def test_resolution_stops_when_resolved_and_reopening_continues() -> None:
    created = sh(2025, 9, 30, 9)  # the day before the National Day holidays
    log = [Moment(S.NEW, created), Moment(S.RESOLVED, sh(2025, 10, 9, 9))]
    out = run(log, sh(2025, 10, 20))
    # 16 h: 7 h on 30 Sep, 7.5 h on 9 Oct, 1.5 h on 10 Oct; resolved in time.
    assert out["resolution_due_at"] == sh(2025, 10, 10, 10)
    assert out["resolution_state"] == SlaState.MET
    log.append(Moment(S.IN_PROGRESS, sh(2025, 10, 13, 9)))  # reopened on Monday
    again = run(log, sh(2025, 10, 13, 9))
    # Used 7.5 h (30 Sep 7 h + 9 Oct 0.5 h); the resolved days did not count.
    assert again["resolution_due_at"] == add_business_seconds(
        SHANGHAI, sh(2025, 10, 13, 9), 8.5 * HOUR
    )


def test_no_policy_means_no_clock() -> None:
    out = clocks(
        policy=None,
        calendar=None,
        created_at=sh(2025, 9, 16),
        first_response_at=None,
        log=[],
        now=sh(2025, 9, 16),
    )
    assert out["first_response_state"] == "" and out["resolution_due_at"] is None


# -- properties ----------------------------------------------------------------------------

steps = st.lists(st.tuples(st.booleans(), durations), max_size=6)


def build_log(start: datetime, items: list[tuple[bool, timedelta]]) -> list[Moment]:
    log, at = [Moment(S.NEW, start)], start
    for waiting, gap in items:
        at += gap
        log.append(Moment(S.WAITING if waiting else S.IN_PROGRESS, at))
    return log


@FAST
@given(instants, steps, st.integers(1, 200).map(lambda h: h * 30))
def test_deadline_spends_exactly_the_target_outside_pauses(
    start: datetime, items: list[tuple[bool, timedelta]], minutes: int
) -> None:
    log = build_log(start, items)
    pol = policy(resolution=minutes)
    out = clocks(
        policy=pol,
        calendar=SHANGHAI,
        created_at=start,
        first_response_at=None,
        log=log,
        now=log[-1].at,
    )
    pauses = pauses_of(log)
    target = minutes * 60
    if log[-1].to_status == S.WAITING:
        used = business_seconds(SHANGHAI, start, pauses[-1][0], pauses[:-1])
        assert out["resolution_due_at"] is None
        assert out["resolution_paused_left"] == int(target - used)
    else:
        due = out["resolution_due_at"]
        assert business_seconds(SHANGHAI, start, due, pauses) == target
        # Pausing never brings a deadline forward.
        assert due >= add_business_seconds(SHANGHAI, start, target)
        assert out["resolution_warn_at"] <= due


@FAST
@given(instants, steps, instants)
def test_state_follows_now(start: datetime, items: list[tuple[bool, timedelta]], now: Any) -> None:
    log = build_log(start, items)
    out = clocks(
        policy=policy(),
        calendar=SHANGHAI,
        created_at=start,
        first_response_at=None,
        log=log,
        now=now,
    )
    due, warn = out["first_response_due_at"], out["first_response_warn_at"]
    expected = SlaState.BREACHED if now >= due else SlaState.WARNING if now >= warn else SlaState.OK
    assert out["first_response_state"] == expected


# -- the stored clocks ---------------------------------------------------------------------


@contextmanager
def at(moment: datetime) -> Iterator[None]:
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def _calendar() -> Any:
    return sla.business_calendar(ServiceCalendar.objects.get(name="标准工作日历"))


@pytest.mark.usefixtures("demo_once")
def test_services_store_and_pause_the_clocks(
    agent: Any, west_customer: Any, complaint: Any
) -> None:
    created = sh(2026, 3, 13, 17)  # Friday 17:00 (standard calendar: 09–12, 13–18)
    with at(created):
        t = services.ticket_create(
            actor=agent, customer=west_customer, title="漏油", type=complaint, priority="high"
        )
    t = Ticket.objects.get(pk=t.pk)
    assert t.sla_policy is not None and t.sla_policy.type_id == complaint.pk
    assert t.first_response_due_at == sh(2026, 3, 13, 18)  # complaint/high: 1 h
    assert t.resolution_due_at == add_business_seconds(_calendar(), created, 8 * HOUR)
    with at(sh(2026, 3, 16, 10)):  # Monday 10:00: an hour late
        t = services.ticket_transition(ticket=t, to=S.IN_PROGRESS, version=t.version, actor=agent)
    t = Ticket.objects.get(pk=t.pk)
    assert t.first_response_at == sh(2026, 3, 16, 10)
    assert t.first_response_state == SlaState.BREACHED
    with at(sh(2026, 3, 16, 11)):
        t = services.ticket_transition(ticket=t, to=S.WAITING, version=t.version, actor=agent)
    t = Ticket.objects.get(pk=t.pk)
    assert t.resolution_due_at is None and t.resolution_paused_left == 5 * HOUR
    with at(sh(2026, 3, 17, 9)):
        t = services.ticket_transition(ticket=t, to=S.IN_PROGRESS, version=t.version, actor=agent)
    t = Ticket.objects.get(pk=t.pk)
    assert t.resolution_due_at == sh(2026, 3, 17, 15)  # 5 h from Tuesday 09:00 (lunch 12–13)
    with at(sh(2026, 3, 17, 14)):
        t = services.ticket_transition(ticket=t, to=S.RESOLVED, version=t.version, actor=agent)
    assert Ticket.objects.get(pk=t.pk).resolution_state == SlaState.MET


@pytest.mark.usefixtures("demo_once")
def test_priority_change_recomputes(agent: Any, west_ticket: Ticket) -> None:
    before = Ticket.objects.get(pk=west_ticket.pk).resolution_due_at
    t = services.ticket_update(
        ticket=west_ticket, version=west_ticket.version, actor=agent, priority="urgent"
    )
    after = Ticket.objects.get(pk=t.pk)
    assert after.sla_policy.priority == "urgent"  # type: ignore[union-attr]
    assert after.resolution_due_at is not None and before is not None
    assert after.resolution_due_at < before
