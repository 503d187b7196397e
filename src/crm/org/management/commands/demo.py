import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from crm.org.demo import USERS, demo_password, load_demo


class Command(BaseCommand):
    help = "Load the demo organisation and users (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--password", help="password of new demo users (CRM_DEMO_PASSWORD)")
        parser.add_argument(
            "--customers", type=int, default=200, help="top the demo customers up to N"
        )
        parser.add_argument(
            "--tickets-per-customer",
            type=int,
            default=0,
            help="service tickets per customer on average (e.g. 2); default one per ten customers",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        result = load_demo(password=opts.get("password"))
        created = result["users_created"]
        self.stdout.write(
            f"Demo: {result['units']} units; "
            + (f"created users: {', '.join(created)}" if created else "all demo users exist")
        )
        self.stdout.write("Demo logins (password: %s):" % (opts.get("password") or demo_password()))
        for username, name, *_rest in USERS:
            self.stdout.write(f"  {username:<12} {name}")
        from crm.customers.demo import load_customers

        started = time.monotonic()

        def progress(done: int, todo: int) -> None:
            if todo >= 50_000 and (done % 100_000 < 5_000 or done == todo):
                self.stdout.write(
                    f"  {done:,}/{todo:,} customers, {time.monotonic() - started:.0f} s"
                )

        made = load_customers(max(0, opts["customers"]), progress=progress)
        bulk_rows = sum(made.values())
        self.stdout.write(
            "Demo customers: created {customers} customers, {contacts} contacts, "
            "{interactions} interactions".format(**made)
            + f" in {time.monotonic() - started:.0f} s"
        )
        from crm.products.demo import load_products

        made = load_products(customers=max(0, opts["customers"]))
        self.stdout.write(
            "Demo catalogue: created {brands} brands, {series} series, {products} products, "
            "{price_lists} price lists, {customer_prices} customer prices".format(**made)
        )
        from crm.sales.demo import load_sales

        started = time.monotonic()
        made = load_sales(customers=max(0, opts["customers"]))
        bulk_rows += sum(made.values())
        self.stdout.write(
            "Demo pipeline: created {opportunities} opportunities ({stage_changes} stage changes, "
            "{lines} lines), {leads} leads".format(**made)
            + f" in {time.monotonic() - started:.0f} s"
        )
        from crm.sales.demo_activities import load_activities

        made = load_activities(customers=max(0, opts["customers"]))
        self.stdout.write(
            "Demo activities: created {activities} visits, calls and tasks, "
            "{targets} targets".format(**made)
        )
        from crm.sales.demo_quotes import load_quotes

        made = load_quotes()
        bulk_rows += sum(made.values())
        self.stdout.write(
            "Demo quotes: created {quotes} quotes ({quote_lines} lines), {contracts} contracts "
            "({contract_lines} lines)".format(**made)
        )
        from crm.service.demo import load_tickets

        made = load_tickets(
            customers=max(0, opts["customers"]),
            per_customer=max(0, opts["tickets_per_customer"]),
        )
        bulk_rows += sum(made.values())
        self.stdout.write("Demo service: created {tickets} tickets".format(**made))
        from crm.knowledge.demo import load_articles

        made = load_articles()
        self.stdout.write("Demo knowledge base: created {articles} articles".format(**made))
        from crm.orders.demo import load_orders

        started = time.monotonic()

        def order_progress(done: int, todo: int) -> None:
            if todo >= 1_000_000 and (done % 1_000_000 < 25_000 or done == todo):
                self.stdout.write(
                    f"  {done:,}/{todo:,} order lines, {time.monotonic() - started:.0f} s"
                )

        made = load_orders(customers=max(0, opts["customers"]), progress=order_progress)
        bulk_rows += sum(made.values())
        self.stdout.write(
            "Demo orders: created {orders} orders ({lines} lines), {shipments} shipments, "
            "{invoices} invoices, {payments} payments".format(**made)
            + f" in {time.monotonic() - started:.0f} s"
        )
        from crm.fieldservice.demo import load_equipment

        made = load_equipment(customers=max(0, opts["customers"]))
        self.stdout.write(
            "Demo field service: created {equipment} equipment, {plans} plans, "
            "{expert_skills} expert skills".format(**made)
        )
        from crm.service.demo_repair import load_repairs

        made = load_repairs(max(0, opts["customers"]))
        self.stdout.write(
            "Demo repairs: {repair_orders} repair orders, {defects} defects".format(**made)
        )
        from crm.commissions.demo import load_commissions

        made = load_commissions()
        self.stdout.write(
            "Demo commissions: {statements} statements, {months} months".format(**made)
        )
        if bulk_rows < 10_000:
            return
        from django.apps import apps

        from crm.core.bulk import vacuum_analyze

        vacuum_analyze(
            [
                apps.get_model(label)
                for label in (
                    "customers.Customer",
                    "customers.Contact",
                    "customers.Interaction",
                    "sales.Opportunity",
                    "sales.StageChange",
                    "sales.OpportunityLine",
                    "sales.Lead",
                    "sales.Activity",
                    "service.Ticket",
                    "service.StatusChange",
                    "service.TicketEntry",
                    "service.Revisit",
                )
            ]
        )
