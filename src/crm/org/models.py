"""Organisation tree, employees, roles with their grants, system parameters, API tokens."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crm.core.models import BaseModel
from crm.core.modules import Module, Scope


class UnitKind(models.TextChoices):
    GROUP = "group", _("Group")
    COMPANY = "company", _("Company")
    BRANCH = "branch", _("Branch / subsidiary")
    OFFICE = "office", _("Office / department")
    WORKSHOP = "workshop", _("Workshop")
    TEAM = "team", _("Team")


class OrgUnit(BaseModel):
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    # Materialised path of ids, "/1/4/9/": a subtree is one indexed prefix match.
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("organisation unit")
        verbose_name_plural = _("organisation units")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"],
                condition=Q(is_deleted=False),
                name="org_unit_unique_live_name_per_parent",
                violation_error_message=_(
                    "A unit with this name already exists under the same parent."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.name


class Role(BaseModel):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)
    description = models.CharField(_("description"), max_length=200, blank=True)
    can_view_sensitive = models.BooleanField(_("view sensitive fields"), default=False)
    can_export = models.BooleanField(_("export data"), default=False)
    can_bulk_delete = models.BooleanField(_("bulk delete"), default=False)
    can_manage_system = models.BooleanField(_("manage the system"), default=False)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class RolePermission(models.Model):
    """What one role may do in one module, and over which records."""

    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="grants")
    module = models.CharField(_("module"), max_length=20, choices=Module.choices)
    can_view = models.BooleanField(_("view"), default=False)
    can_create = models.BooleanField(_("create"), default=False)
    can_edit = models.BooleanField(_("edit"), default=False)
    can_delete = models.BooleanField(_("delete"), default=False)
    can_export = models.BooleanField(_("export"), default=False)
    scope = models.CharField(_("data scope"), max_length=10, choices=Scope.choices, default="own")

    class Meta:
        verbose_name = _("module permission")
        constraints = [
            models.UniqueConstraint(fields=["role", "module"], name="org_grant_role_module")
        ]

    def __str__(self) -> str:
        return f"{self.role} · {self.get_module_display()}"


class User(AbstractUser):
    """An employee. Belongs to one unit; holds any number of roles."""

    name = models.CharField(_("full name"), max_length=60, blank=True)
    unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    roles = models.ManyToManyField(Role, verbose_name=_("roles"), blank=True, related_name="users")
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("employee")
        verbose_name_plural = _("employees")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.name or self.username

    @property
    def display_name(self) -> str:
        return str(self)


class SystemParameter(models.Model):
    """The stored value of one parameter; type, default and validation live in params.py."""

    key = models.CharField(_("key"), max_length=60, unique=True)
    value = models.CharField(_("value"), max_length=200)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("system parameter")
        verbose_name_plural = _("system parameters")

    def __str__(self) -> str:
        from .params import PARAMETERS

        spec = PARAMETERS.get(self.key)
        return str(spec.label) if spec else self.key


class LoginAttempt(models.Model):
    """Counted alike for the login page and the token endpoint (lockout)."""

    username = models.CharField(max_length=150, db_index=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    success = models.BooleanField(default=False)
    source = models.CharField(max_length=10)  # "page" or "api"
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["username", "-at"])]

    def __str__(self) -> str:
        return f"{self.username} {self.at:%Y-%m-%d %H:%M} {'ok' if self.success else 'failed'}"


class ApiToken(models.Model):
    """A bearer token. Only its SHA-256 is stored; the token is shown once, at creation."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=60, blank=True)
    prefix = models.CharField(max_length=8)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}…"
