"""The service home page: an agent's queue with SLA badges, the queue's warnings and breaches,
revisits due today and overdue, a manager's statistics with charts; empty states; who sees
which block; a query count that does not grow with the data."""

import json
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from crm.customers import services as customer_services
from crm.service import selectors_home, services, services_sla
from crm.service.models import (
    Revisit,
    SlaState,
    Ticket,
    TicketCategory,
    TicketStatus,
    TicketType,
)

pytestmark = pytest.mark.usefixtures("demo_once")


def _section(html: str, id_: str) -> str:
    start = html.index(f'id="{id_}"')
    return html[start : html.index("</section>", start)]


def _ticket(agent: Any, customer: Any, title: str, code: str = "complaint", **kw: Any) -> Ticket:
    return services.ticket_create(
        actor=agent, customer=customer, title=title, type=TicketType.objects.get(code=code), **kw
    )


def _move(ticket: Ticket, agent: Any, *steps: str) -> Ticket:
    for to in steps:
        ticket = services.ticket_transition(
            ticket=ticket, to=to, version=ticket.version, actor=agent
        )
    return ticket


def _charts(html: str) -> dict[str, Any]:
    """The ECharts options the page embeds, by element id."""
    out = {}
    for key in ("chart-types", "chart-status", "chart-causes", "chart-compliance"):
        marker = f'<script id="{key}" type="application/json">'
        if marker in html:
            start = html.index(marker) + len(marker)
            out[key] = json.loads(html[start : html.index("</script>", start)])
    return out


def test_agent_sees_queue_alerts_and_revisits(
    page_client: Any, agent: Any, leader: Any, west_customer: Any, east_customer: Any
) -> None:
    mine = _ticket(agent, west_customer, "润滑油变质", owner=agent, priority="high")
    waiting = _ticket(agent, east_customer, "到货延误", code="inquiry")  # unassigned
    late = _ticket(agent, east_customer, "设备异响", code="repair")
    Ticket.objects.filter(pk=late.pk).update(
        resolution_state=SlaState.BREACHED,
        resolution_due_at=timezone.now() - timedelta(hours=2),
    )
    soon = _ticket(agent, west_customer, "发票问题", code="inquiry", owner=agent)
    Ticket.objects.filter(pk=soon.pk).update(first_response_state=SlaState.WARNING)
    closed = _move(_ticket(agent, west_customer, "包装破损"), agent, "resolved", "closed")
    overdue = _move(_ticket(agent, east_customer, "漏油投诉"), agent, "resolved", "closed")
    Revisit.objects.filter(ticket=closed).update(due_date=timezone.localdate())
    Revisit.objects.filter(ticket=overdue).update(due_date=timezone.localdate() - timedelta(days=2))

    html = page_client(agent).get("/service/").content.decode()

    queue = _section(html, "home-queue")
    for t in (mine, waiting, late, soon):
        assert f'data-ticket="{t.pk}"' in queue
    assert str(closed.number) not in queue  # finished tickets are not work
    assert "未分配" in queue and "逾期" in queue
    assert 'id="home-count-mine">2<' in html and 'id="home-count-unassigned">2<' in html
    assert 'id="home-count-breached">1<' in html and 'id="home-count-warning">1<' in html
    assert 'id="home-count-revisits">2<' in html
    alerts = _section(html, "home-alerts")
    assert str(late.number) in alerts and str(soon.number) in alerts
    assert str(mine.number) not in alerts
    revisits = _section(html, "home-revisits")
    assert str(closed.number) in revisits and str(overdue.number) in revisits
    assert "今天 1 个，已逾期 1 个" in revisits
    assert 'id="home-stats-slot"' not in html  # an agent is not a manager
    assert "服务首页" in html


def test_queue_leaves_out_other_agents_and_other_queues(
    page_client: Any, agent: Any, admin: Any, west_customer: Any
) -> None:
    from crm.org.models import OrgUnit

    west_unit = OrgUnit.objects.get(name="成都分公司")
    elsewhere = _ticket(admin, west_customer, "别的队列", queue=west_unit)
    html = page_client(agent).get("/service/").content.decode()
    assert str(elsewhere.number) not in html
    assert 'id="home-queue-empty"' in html and 'id="home-alerts-empty"' in html
    assert 'id="home-revisits-empty"' in html and 'id="home-count-mine">0<' in html


def test_manager_sees_statistics_with_charts(
    page_client: Any, agent: Any, leader: Any, west_customer: Any
) -> None:
    complaint = TicketType.objects.get(code="complaint")
    cause = TicketCategory.objects.filter(type=complaint).first()
    assert cause is not None
    t = _ticket(agent, west_customer, "润滑油变质", category=cause)
    t = _move(t, agent, "in_progress", "resolved", "closed")
    _ticket(agent, west_customer, "到货延误", code="inquiry")

    client = page_client(leader)
    home = client.get("/service/").content.decode()
    assert 'id="home-queue"' not in home  # the leader reads, has no queue
    # the statistics come after the page: a slot that loads them, ECharts ready for them
    assert 'hx-get="/service/stats/"' in home and "echarts.min.js" in home
    assert 'id="home-stats"' not in home
    html = client.get("/service/stats/", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in html and "crmDrawCharts" in html
    stats = _section(html, "home-stats-figures")
    assert 'id="home-stats-created">2<' in stats
    assert 'id="home-stats-first">100.0 %<' in stats
    charts = _charts(html)
    assert set(charts) == {"chart-types", "chart-status", "chart-causes", "chart-compliance"}
    types = {s["name"]: s["data"] for s in charts["chart-types"]["series"]}
    assert types["投诉"][-1] == 1 and types["咨询"][-1] == 1 and len(types["投诉"]) == 12
    assert charts["chart-types"]["xAxis"]["data"][-1] == f"{timezone.localdate():%Y-%m}"
    status = {d["name"]: d["value"] for d in charts["chart-status"]["series"][0]["data"]}
    assert status == {"新建": 1}  # the closed one is left out
    assert charts["chart-causes"]["series"][0]["data"] == [{"name": cause.name, "value": 1}]
    assert charts["chart-compliance"]["series"][0]["data"][-1] == 100.0
    assert 'data-echarts="chart-causes"' in html
    page = client.get("/service/stats/").content.decode()  # without htmx: a page of its own
    assert "<html" in page and "echarts.min.js" in page and 'id="home-stats-created">2<' in page


def test_manager_empty_states(page_client: Any, leader: Any) -> None:
    html = page_client(leader).get("/service/stats/", HTTP_HX_REQUEST="true").content.decode()
    for empty in ("home-types-empty", "home-compliance-empty", "home-status-empty",
                  "home-causes-empty"):  # fmt: skip
        assert f'id="{empty}"' in html
    assert "data-echarts" not in html and 'id="home-stats-created">0<' in html


def test_who_sees_what(
    page_client: Any, rep_west: Any, mgr_west: Any, admin: Any, marketer: Any, agent: Any
) -> None:
    rep = page_client(rep_west).get("/service/").content.decode()
    assert 'id="home-reader"' in rep and 'id="home-stats-slot"' not in rep
    assert page_client(rep_west).get("/service/stats/").status_code == 404
    mgr = page_client(mgr_west).get("/service/").content.decode()
    assert 'id="home-stats-slot"' in mgr and 'id="home-queue"' not in mgr
    both = page_client(admin).get("/service/").content.decode()
    assert 'id="home-stats-slot"' in both and 'id="home-queue"' in both
    assert page_client(marketer).get("/service/").status_code == 404
    assert not selectors_home.is_manager(agent)


def test_queue_manager_of_a_queue_sees_statistics(agent: Any, admin: Any) -> None:
    services_sla.queue_manager_set(queue=agent.unit, manager=agent, actor=admin)
    assert selectors_home.is_manager(agent)


def test_month_starts() -> None:
    months = selectors_home.month_starts(date(2026, 2, 15))
    assert months[0] == date(2025, 3, 1) and months[-1] == date(2026, 2, 1) and len(months) == 12


def _queries(client: Any) -> int:
    """The home page and the statistics it loads after it."""
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/service/").status_code == 200
        assert client.get("/service/stats/", HTTP_HX_REQUEST="true").status_code == 200
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_the_data(
    page_client: Any, agent: Any, admin: Any, west_customer: Any, rep_west: Any
) -> None:
    def fill(start: int, n: int) -> None:
        for i in range(start, start + n):
            customer = customer_services.customer_create(actor=rep_west, name=f"测试客户{i}号")
            t = _ticket(agent, customer, f"投诉{i}", owner=agent if i % 2 else None)
            if i % 3 == 0:
                _move(t, agent, "resolved", "closed")
                Revisit.objects.filter(ticket=t).update(due_date=timezone.localdate())
            elif i % 4 == 2:  # every block has rows from the start: an overdue ticket
                Ticket.objects.filter(pk=t.pk).update(resolution_state=SlaState.BREACHED)

    fill(0, 4)
    client = page_client(admin)  # both the queue and the statistics
    first = _queries(client)
    fill(4, 8)
    assert Ticket.objects.exclude(status=TicketStatus.CLOSED).count() >= 7
    assert _queries(client) == first
    assert first <= 40  # two requests: each reads the session, the user and the grants
