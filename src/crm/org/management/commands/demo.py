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

        made = load_customers(max(0, opts["customers"]))
        self.stdout.write(
            "Demo customers: created {customers} customers, {contacts} contacts, "
            "{interactions} interactions".format(**made)
        )
