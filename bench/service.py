"""Service benchmarks (issue #6 point 10): the agent's queue and the caller lookup, run by hand
on a database filled by `crm demo --customers N --tickets-per-customer 2`.

    DATABASE_URL=postgres://… .venv/bin/python bench/service.py [--reps 20] [--no-write]
    DATABASE_URL=postgres://… .venv/bin/python bench/service.py --reload 2   # see below

`--reload K` first empties the service app's ticket tables (tickets, their log, replies,
attachments, SLA events, revisits, repair orders and defects; nothing of another app — it
stops if a knowledge-base "helpful" mark points at a ticket) and loads the demo tickets again
at K per customer (`crm.service.demo.load_tickets`, then the demo repairs), then runs
`VACUUM (ANALYZE)`: a database filled before a change of the ticket demo gets the new one
without reloading everything else.

Prints a markdown table: p50/p95 server time and query count (Django test Client in-process,
no network or browser) of

* the service home page as the agent (queue, SLA alerts, revisits due), its selectors alone,
  and the ticket list "assigned to me, soonest deadline first";
* the caller lookup (`crm.service.desk.find`, the selector behind `POST /api/v1/calls` and the
  desk page) for a contact's mobile in national and international form, a landline, an
  e-mail and a number nobody has; the desk page on a known number; and `POST /api/v1/calls`
  itself (logs a call and an interaction on each repetition; `--no-write` leaves it out);
* the service home page of a manager and of the leader, and the statistics it loads after it
  (`/service/stats/`, over every ticket they see), for information.

Target (bench/README.md): p95 ≤ 100 ms for the queue and the caller lookup at 1,000,000
customers and 2,000,000 tickets on PostgreSQL, with a query count that does not grow with the
data.
"""

import argparse
import os
import statistics
import sys
from collections.abc import Callable
from typing import Any

from common import page, pct, timed  # noqa: E402  (sets Django up)
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from crm.customers.models import Contact, Customer  # noqa: E402
from crm.org.auth import token_issue  # noqa: E402
from crm.org.models import User  # noqa: E402
from crm.service import desk, selectors_home  # noqa: E402
from crm.service.models import Ticket  # noqa: E402
from crm.service.selectors import OPEN_STATUSES  # noqa: E402


def _known_numbers() -> dict[str, str]:
    """A contact's mobile and landline and an e-mail from the middle of the table (so neither
    the first nor the last rows an index walk meets)."""
    middle = Contact.objects.order_by("-id").values_list("id", flat=True)[:1]
    last = middle[0] if middle else 0
    out: dict[str, str] = {}
    for c in Contact.objects.filter(id__lte=last // 2).order_by("-id")[:2000]:
        if c.mobile and "mobile" not in out:
            out["mobile"] = c.mobile
        if c.landline and "landline" not in out:
            out["landline"] = c.landline
        if c.email and "email" not in out:
            out["email"] = c.email
        if len(out) == 3:
            break
    return out


_TICKET_TABLES = (
    "service_repairpart",
    "service_repairorder",
    "service_productdefect",
    "service_ticketattachment",
    "service_slaevent",
    "service_revisit",
    "service_statuschange",
    "service_ticketentry",
    "service_ticketmonth",
    "service_ticketmonthrefresh",
)


def _reload(per_customer: int) -> None:
    import time

    from crm.core.bulk import vacuum_analyze
    from crm.service import models as m
    from crm.service.demo import load_tickets
    from crm.service.demo_repair import load_repairs

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM knowledge_articlehelpful WHERE ticket_id IS NOT NULL")
        if cursor.fetchone()[0]:
            sys.exit("knowledge-base marks point at tickets: not reloading")
        started = time.monotonic()
        cursor.execute(f"TRUNCATE {', '.join(_TICKET_TABLES)}")
        cursor.execute("DELETE FROM service_ticket")
        # Fresh statistics: the demo asks which customers have no ticket yet, and a planner
        # that still counts two million tickets rescans the table for every customer.
        cursor.execute("VACUUM (ANALYZE) service_ticket")
        print(f"emptied the ticket tables in {time.monotonic() - started:.0f} s")
    started = time.monotonic()

    def progress(done: int, total: int) -> None:
        if done % 200_000 < 5_000 or done == total:
            print(f"  {done:,}/{total:,} tickets, {time.monotonic() - started:.0f} s", flush=True)

    made = load_tickets(customers=10**9, per_customer=per_customer, progress=progress)
    repairs = load_repairs(10**9)
    print(f"loaded {made['tickets']:,} tickets, {repairs} in {time.monotonic() - started:.0f} s")
    vacuum_analyze(
        [m.Ticket, m.StatusChange, m.TicketEntry, m.Revisit, m.RepairOrder, m.TicketMonth]
    )


def _row(label: str, user: str, times: list[float], queries: int) -> None:
    print(
        f"| {label} | {user} | {statistics.median(times):.1f} | {pct(times, 0.95):.1f} | "
        f"{queries} |"
    )
    sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--no-write", action="store_true", help="leave out POST /api/v1/calls")
    parser.add_argument(
        "--reload", type=int, default=0, metavar="K", help="reload the demo tickets first"
    )
    args = parser.parse_args()
    if args.reload > 0:
        _reload(args.reload)
    agent = User.objects.get(username="agent")
    queue_open = Ticket.objects.filter(org_unit=agent.unit_id, status__in=OPEN_STATUSES).count()
    print(
        f"{Customer.all_objects.count():,} customers, {Contact.objects.count():,} contacts, "
        f"{Ticket.all_objects.count():,} tickets ({queue_open:,} open in the agent's queue) on "
        f"{connection.vendor}; {args.reps} repetitions; load average "
        f"{os.getloadavg()[0]:.2f}\n"
    )
    print("| case | user | p50 ms | p95 ms | queries |")
    print("|---|---|---:|---:|---:|")
    client = Client()
    client.force_login(agent)
    today = timezone.localdate()
    cases: list[tuple[str, Callable[[], Any]]] = [
        ("service home page (queue, alerts, revisits)", page(client, "/service/")),
        ("queue selector (counts, rows, alerts)", lambda: selectors_home.agent_queue(agent)),
        ("revisits due selector", lambda: selectors_home.revisits_due(agent, today)),
        ("ticket list, mine, soonest due", page(client, "/service/tickets/?view=mine&sort=due")),
    ]
    for label, fn in cases:
        times, queries = timed(fn, args.reps)
        _row(label, "agent", times, queries)

    numbers = _known_numbers()
    lookups = [(f"caller lookup, {k} ({v})", v) for k, v in numbers.items()]
    if "mobile" in numbers:
        m = numbers["mobile"]
        lookups.append(
            (
                f"caller lookup, mobile as +86 {m[:3]}-{m[3:7]}-{m[7:]}",
                f"+86 {m[:3]}-{m[3:7]}-{m[7:]}",
            )
        )
    lookups.append(("caller lookup, unknown number", "13900000001"))
    for label, raw in lookups:

        def find(raw: str = raw) -> Any:
            return desk.find(agent, raw)

        times, queries = timed(find, args.reps)
        found = len(find()[1])
        _row(f"{label} → {found} match(es)", "agent", times, queries)
    if "mobile" in numbers:
        times, queries = timed(
            page(client, f"/service/desk/?caller={numbers['mobile']}"), args.reps
        )
        _row("desk page, known mobile", "agent", times, queries)
        if not args.no_write:
            api = Client()
            _token, raw_token = token_issue(user=agent, name="bench")
            headers: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {raw_token}"}

            def post() -> Any:
                r = api.post(
                    "/api/v1/calls",
                    {"caller": numbers["mobile"]},
                    content_type="application/json",
                    **headers,
                )
                assert r.status_code == 201, r.content
                return r

            times, queries = timed(post, args.reps)
            _row("POST /api/v1/calls, known mobile (logs the call)", "agent", times, queries)

    for username in ("mgr_east", "leader"):
        user = User.objects.get(username=username)
        manager = Client()
        manager.force_login(user)
        times, queries = timed(page(manager, "/service/"), max(3, args.reps // 4))
        _row("service home page (statistics load after it)", username, times, queries)
        times, queries = timed(page(manager, "/service/stats/"), max(3, args.reps // 4))
        _row("service statistics (/service/stats/)", username, times, queries)
    print(f"\nload average at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
