"""The access matrix: every module registers its endpoints and pages here, and one test
(`tests/test_access_matrix.py`) calls each of them as each role of the demo organisation.

An entry states, for one endpoint and one target record of ANOTHER unit (the west), which
roles succeed (`allowed`), which may see the record but not do the action (`forbidden`:
403 in the API and on pages). Every other role gets
404: it has no view right in the module, or the record is outside its data scope.
Anonymous callers get 401 (API) or a redirect to the login page.

A refused write must change nothing: the test compares a snapshot of `tables` (default: the
target's table) and of the audit trail before and after.

Each app keeps its entries in `crm/<app>/tests/matrix_entries*.py`; `load_all()` imports them.
Copy the pattern of `crm/org/tests/matrix_entries.py`.
"""

import importlib
import importlib.util
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import models

# Matrix role → demo username ("general" is created by the matrix test: role 一般用户 only;
# "finance" is 吴会计 of 财务部, role 财务: customers view all, sales view/create/edit/export all,
# analytics view/export all, org view own unit, the export permission — see crm.org.seed).
ROLES: dict[str, str] = {
    "admin": "admin",
    "leader": "leader",
    "mgr_east": "mgr_east",
    "mgr_west": "mgr_west",
    "rep_east": "rep_east_1",
    "agent": "agent",
    "marketer": "marketer",
    "finance": "finance",
    "general": "general_user",
}
ANONYMOUS = "anonymous"

Users = Mapping[str, Any]  # demo users by username, loaded fresh for each test
Target = Callable[[Users], Any]
Body = Mapping[str, Any] | Callable[[Users, Any], Mapping[str, Any]]


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str  # GET, POST, PATCH, PUT, DELETE
    path: str  # "{id}" is replaced with the target's pk
    module: str
    action: str  # view, create, edit, delete, or a special such as manage_system
    allowed: frozenset[str]
    forbidden: frozenset[str] = frozenset()
    target: Target | None = None
    body: Body | None = None
    # Models whose rows must not change when the call is refused (default: the target's).
    tables: tuple[type[models.Model], ...] = ()
    # List endpoints: the roles that find the target among the items.
    visible_to: frozenset[str] | None = None
    # Pages: the text that shows the target on the page (e.g. a link to it).
    marker: Callable[[Any], str] | None = None
    kind: str = "api"  # "api" or "page"
    # Multipart uploads: the files to send with the body (fresh per call: a file is read once).
    files: Callable[[], Mapping[str, Any]] | None = None

    @property
    def is_write(self) -> bool:
        return self.method != "GET"

    def expected(self, role: str) -> str:
        """ "ok", "forbidden", "hidden" (404) or "anonymous"."""
        if role == ANONYMOUS:
            return "anonymous"
        if role in self.allowed:
            return "ok"
        if role in self.forbidden:
            return "forbidden"
        return "hidden"

    def __str__(self) -> str:
        return f"{self.kind}:{self.name}"


_ENDPOINTS: dict[str, Endpoint] = {}


def register(endpoint: Endpoint) -> Endpoint:
    unknown = (endpoint.allowed | endpoint.forbidden) - set(ROLES)
    if unknown:
        raise ValueError(f"{endpoint.name}: unknown roles {sorted(unknown)}")
    if endpoint.allowed & endpoint.forbidden:
        raise ValueError(f"{endpoint.name}: a role cannot be both allowed and forbidden")
    key = str(endpoint)
    if key in _ENDPOINTS:
        raise ValueError(f"{key} is registered twice")
    _ENDPOINTS[key] = endpoint
    return endpoint


def api(name: str, method: str, path: str, **kwargs: Any) -> Endpoint:
    return register(Endpoint(name=name, method=method, path=path, kind="api", **kwargs))


def page(name: str, method: str, path: str, **kwargs: Any) -> Endpoint:
    return register(Endpoint(name=name, method=method, path=path, kind="page", **kwargs))


def roles(*names: str) -> frozenset[str]:
    return frozenset(names)


EVERYONE = frozenset(ROLES)


def load_all() -> list[Endpoint]:
    """Import every app's `tests/matrix_entries*.py` and return all registered endpoints."""
    import pkgutil

    for app in settings.INSTALLED_APPS:
        if not app.startswith("crm."):
            continue
        try:
            package = importlib.import_module(f"{app}.tests")
        except ModuleNotFoundError:
            continue
        for info in pkgutil.iter_modules(package.__path__):
            if info.name.startswith("matrix_entries"):
                importlib.import_module(f"{app}.tests.{info.name}")
    return list(_ENDPOINTS.values())


@dataclass
class Call:
    """One prepared call: the resolved path, body, target and snapshot tables."""

    endpoint: Endpoint
    path: str
    body: Mapping[str, Any] | None
    target: Any
    tables: tuple[type[models.Model], ...] = field(default_factory=tuple)
    files: Mapping[str, Any] | None = None


def prepare(endpoint: Endpoint, users: Users) -> Call:
    target = endpoint.target(users) if endpoint.target else None
    path = endpoint.path
    if "{id}" in path:
        assert target is not None, f"{endpoint.name}: a path with {{id}} needs a target"
        path = path.replace("{id}", str(target.pk))
    body = endpoint.body(users, target) if callable(endpoint.body) else endpoint.body
    tables = endpoint.tables or ((type(target),) if target is not None else ())
    files = endpoint.files() if endpoint.files else None
    return Call(endpoint, path, body, target, tables, files)


# Columns that change on every request by design (sign-in time, token use) are left out.
_VOLATILE = {"last_login", "last_used_at"}


def snapshot(tables: tuple[type[models.Model], ...]) -> dict[str, Any]:
    """Every row of each table (soft-deleted ones too) plus the size of the audit trail."""
    from crm.core.models import AuditEntry

    data: dict[str, Any] = {"audit": AuditEntry.objects.count()}
    for model in tables:
        names = [f.attname for f in model._meta.concrete_fields if f.attname not in _VOLATILE]
        rows = model._base_manager.order_by("pk").values_list(*names)
        data[model._meta.label] = list(rows)
        for m2m in model._meta.many_to_many:
            through: Any = m2m.remote_field.through
            data[through._meta.label] = sorted(
                through._base_manager.values_list(*[f.attname for f in through._meta.fields])
            )
    return data
