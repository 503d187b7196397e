"""The modules, actions, data scopes and special permissions that roles grant."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Module(models.TextChoices):
    ORG = "org", _("Organisation and employees")
    SYSTEM = "system", _("System management")
    CUSTOMERS = "customers", _("Customers")
    SALES = "sales", _("Sales")
    SERVICE = "service", _("Service")
    MARKETING = "marketing", _("Marketing")
    LOYALTY = "loyalty", _("Membership")
    ANALYTICS = "analytics", _("Analysis")


class Action(models.TextChoices):
    VIEW = "view", _("View")
    CREATE = "create", _("Create")
    EDIT = "edit", _("Edit")
    DELETE = "delete", _("Delete")
    EXPORT = "export", _("Export")


class Scope(models.TextChoices):
    OWN = "own", _("Own records")
    UNIT = "unit", _("My unit")
    SUBTREE = "subtree", _("My unit and below")
    ALL = "all", _("All")


# Wider scopes rank higher; a user with several roles gets the widest.
SCOPE_RANK = {Scope.OWN: 0, Scope.UNIT: 1, Scope.SUBTREE: 2, Scope.ALL: 3}


class Special(models.TextChoices):
    VIEW_SENSITIVE = "view_sensitive", _("View sensitive fields")
    EXPORT = "export", _("Export data")
    BULK_DELETE = "bulk_delete", _("Bulk delete")
    MANAGE_SYSTEM = "manage_system", _("Manage the system")
