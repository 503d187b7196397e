import getpass
from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from crm.org.models import OrgUnit, Role, RolePermission, UnitKind, User
from crm.org.seed import seed_roles


class Command(BaseCommand):
    help = "Create a system administrator (and a root unit when the tree is empty)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", default="admin")
        parser.add_argument("--password", help="prompted for when omitted")
        parser.add_argument("--name", default="")

    def handle(self, *args: Any, **opts: Any) -> None:
        username = opts["username"].strip()
        if User.objects.filter(username=username).exists():
            raise CommandError(f"user {username!r} already exists")
        password = opts["password"] or getpass.getpass("Password: ")
        user = User(username=username, name=opts["name"], is_superuser=True, is_staff=True)
        try:
            password_validation.validate_password(password, user)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        seed_roles(Role, RolePermission)
        root = OrgUnit.objects.filter(parent=None).order_by("pk").first()
        if root is None:
            from crm.org.services import unit_create

            root = unit_create(name="总部", kind=UnitKind.GROUP, parent=None, actor=None)
        user.unit = root
        user.set_password(password)
        user.save()
        user.roles.set(Role.objects.filter(code="admin"))
        self.stdout.write(f"Administrator {username!r} created in unit {root}.")
