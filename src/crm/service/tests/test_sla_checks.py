"""check_sla (warnings, escalation to the queue's manager, idempotency), compliance figures on
a known data set, and the SLA settings services."""

from datetime import date, timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from crm.core.errors import StaleVersion, ValidationFailed
from crm.service import selectors_sla, services, services_sla, sla
from crm.service.models import (
    QueueEscalation,
    ServiceCalendar,
    SlaEvent,
    SlaLevel,
    SlaPolicy,
    SlaState,
    SlaTarget,
    Ticket,
)

from .test_sla import at, sh

pytestmark = pytest.mark.usefixtures("demo_once")


@pytest.fixture
def escalation(agent: Any, leader: Any) -> QueueEscalation:
    """The call centre's manager is leader (set on the parent unit: found by walking up)."""
    return services_sla.queue_manager_set(queue=agent.unit.parent, manager=leader, actor=None)  # type: ignore[return-value]


def _notes(user: Any) -> list[str]:
    from crm.system.models import Notification

    return list(Notification.objects.filter(recipient=user).values_list("title", flat=True))


def test_check_sla_warns_escalates_once(
    agent: Any, leader: Any, west_customer: Any, complaint: Any, escalation: Any
) -> None:
    created = sh(2026, 3, 16, 9)  # Monday; complaint/normal: response 2 h, resolution 16 h
    with at(created):
        t = services.ticket_create(
            actor=agent, customer=west_customer, title="漏油", type=complaint, owner=agent
        )
    # 09:00 + 96 min: past the warning point of the first response, not yet due.
    counts = services_sla.check_sla(now=sh(2026, 3, 16, 10, 40))
    assert counts["warnings"] == 1 and counts["breaches"] == 0
    assert Ticket.objects.get(pk=t.pk).first_response_state == SlaState.WARNING
    assert any("即将到期" in n or "due soon" in n for n in _notes(agent))
    # Past the deadline: escalated to the manager of the queue's unit (found on the parent).
    counts = services_sla.check_sla(now=sh(2026, 3, 16, 11, 30))
    assert counts == {"checked": 1, "warnings": 0, "breaches": 1}
    event = SlaEvent.objects.get(ticket=t, level=SlaLevel.BREACH)
    assert event.target == SlaTarget.FIRST_RESPONSE and event.notified == leader
    assert len(_notes(leader)) == 1
    # Again and again: nothing new (cron every minute).
    for _ in range(2):
        again = services_sla.check_sla(now=sh(2026, 3, 16, 11, 31))
        assert again["warnings"] == again["breaches"] == 0
    assert SlaEvent.objects.filter(ticket=t).count() == 2
    assert len(_notes(leader)) == 1


def test_service_recompute_escalates_an_overdue_ticket(
    agent: Any, leader: Any, west_customer: Any, complaint: Any, escalation: Any
) -> None:
    with at(sh(2026, 3, 16, 9)):
        t = services.ticket_create(actor=agent, customer=west_customer, title="x", type=complaint)
    # Nobody ran check_sla; an edit two days later finds the resolution overdue and escalates.
    with at(sh(2026, 3, 18, 17)):
        services.ticket_update(ticket=t, version=t.version, actor=agent, title="漏油严重")
        services.entry_add(ticket=t, kind="note", body="内部", actor=agent)
        t = Ticket.objects.get(pk=t.pk)
        services.ticket_transition(ticket=t, to="assigned", version=t.version, actor=agent)
    t = Ticket.objects.get(pk=t.pk)
    assert t.resolution_state == SlaState.BREACHED
    levels = set(SlaEvent.objects.filter(ticket=t).values_list("target", "level"))
    assert (SlaTarget.RESOLUTION, SlaLevel.BREACH) in levels
    assert (SlaTarget.FIRST_RESPONSE, SlaLevel.BREACH) in levels


def test_waiting_ticket_is_not_escalated(agent: Any, west_customer: Any, complaint: Any) -> None:
    with at(sh(2026, 3, 16, 9)):
        t = services.ticket_create(
            actor=agent, customer=west_customer, title="x", type=complaint, owner=agent
        )
    with at(sh(2026, 3, 16, 9, 30)):
        t = services.ticket_transition(ticket=t, to="waiting", version=t.version, actor=agent)
    services_sla.check_sla(now=sh(2026, 4, 30, 9))
    assert not SlaEvent.objects.filter(ticket=t).exists()
    assert Ticket.objects.get(pk=t.pk).first_response_state == SlaState.MET


def test_check_sla_command_is_idempotent(agent: Any, west_ticket: Ticket) -> None:
    Ticket.objects.filter(pk=west_ticket.pk).update(
        first_response_warn_at=timezone.now() - timedelta(hours=2),
        first_response_due_at=timezone.now() - timedelta(hours=1),
    )
    out = StringIO()
    call_command("check_sla", "--recompute", stdout=out)
    call_command("check_sla", stdout=out)
    assert "SLA: recomputed" in out.getvalue()
    assert "0 warnings, 0 breaches" in out.getvalue().splitlines()[-1]


def _decided(ticket: Ticket, first: str, resolution: str, created: Any) -> None:
    Ticket.all_objects.filter(pk=ticket.pk).update(
        first_response_state=first, resolution_state=resolution, created_at=created
    )


def test_compliance_figures_on_a_known_set(
    agent: Any, mgr_east: Any, west_customer: Any, complaint: Any
) -> None:
    repair = type(complaint).objects.get(code="repair")
    made = [
        services.ticket_create(actor=agent, customer=west_customer, title=str(i), type=tt)
        for i, tt in enumerate([complaint, complaint, complaint, repair, repair])
    ]
    jan, feb = sh(2026, 1, 10, 10), sh(2026, 2, 10, 10)
    _decided(made[0], SlaState.MET, SlaState.MET, jan)
    _decided(made[1], SlaState.BREACHED, SlaState.MET, jan)
    _decided(made[2], SlaState.MET, SlaState.OK, feb)  # resolution still running: not counted
    _decided(made[3], SlaState.MET, SlaState.BREACHED, feb)
    _decided(made[4], SlaState.WARNING, SlaState.BREACHED, feb)
    by_type = {r.key: r for r in selectors_sla.compliance(agent, group="type")}
    c, r = by_type[complaint.pk], by_type[repair.pk]
    assert (c.first_met, c.first_total, c.first_percent) == (2, 3, 66.7)
    assert (c.resolution_met, c.resolution_total, c.resolution_percent) == (2, 2, 100.0)
    assert (r.first_met, r.first_total, r.resolution_met, r.resolution_total) == (1, 1, 0, 2)
    by_month = {r.key: r for r in selectors_sla.compliance(agent, group="month")}
    assert by_month["2026-01"].first_total == 2 and by_month["2026-02"].resolution_total == 2
    only_feb = selectors_sla.compliance(agent, group="queue", since=date(2026, 2, 1))
    assert [(q.label, q.first_total) for q in only_feb] == [("客服中心", 2)]
    # Scoped: a manager of another unit sees none of these tickets.
    assert selectors_sla.compliance(mgr_east, group="type") == []


def test_settings_services(admin: Any, complaint: Any) -> None:
    cal = ServiceCalendar.objects.get(name="标准工作日历")
    hours = services_sla.parse_hours({0: "08:00-12:00，13:00-17:00", 5: "", 6: " "})
    assert hours == {"0": [["08:00", "12:00"], ["13:00", "17:00"]]}
    with pytest.raises(ValidationFailed) as exc:
        services_sla.parse_hours({1: "12:00-09:00", 2: "nine to five"})
    assert set(exc.value.fields) == {"day_1", "day_2"}
    new = services_sla.calendar_update(
        calendar=cal,
        version=cal.version,
        actor=admin,
        name=cal.name,
        tz="Asia/Shanghai",
        hours=hours,
    )
    with pytest.raises(StaleVersion):
        services_sla.calendar_update(
            calendar=cal, version=cal.version, actor=admin, name="x", tz="UTC", hours=hours
        )
    with pytest.raises(ValidationFailed):
        services_sla.calendar_update(
            calendar=new, version=new.version, actor=admin, name="x", tz="Mars/Base", hours=hours
        )
    before = sla.business_calendar(new)
    services_sla.calendar_day_set(
        calendar=new, day=date(2026, 3, 16), kind="holiday", note="", actor=admin
    )
    new.refresh_from_db()
    assert sla.business_calendar(new) is not before  # the cache follows the version
    assert date(2026, 3, 16) in sla.business_calendar(new).holidays
    with pytest.raises(ValidationFailed):
        services_sla.policy_create(
            actor=admin,
            type=complaint,
            priority="urgent",
            calendar=new,
            first_response_minutes=10,
            resolution_minutes=60,
            warn_percent=80,
            active=True,
        )
    p = SlaPolicy.objects.get(type=complaint, priority="urgent")
    with pytest.raises(ValidationFailed):
        services_sla.policy_update(policy=p, version=p.version, actor=admin, warn_percent=100)
    p = services_sla.policy_update(policy=p, version=p.version, actor=admin, warn_percent=50)
    assert p.warn_percent == 50
    assert sla.policy_for(complaint.pk, "urgent") == p
    services_sla.policy_delete(policy=p, actor=admin)
    fallback = sla.policy_for(complaint.pk, "urgent")
    assert fallback is not None and fallback.type_id is None and fallback.priority == "urgent"
