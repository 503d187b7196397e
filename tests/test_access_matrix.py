"""The access matrix: every registered endpoint and page, called as every role.

allowed → 2xx (a page: 200 or a redirect that does not bounce home); out of scope or no
view right → 404; view right without the action → 403; anonymous → 401 (a page: redirect to
the login page). A refused write changes nothing. The registry is in crm.testing.matrix;
entries live in crm/<app>/tests/.
"""

import re
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from crm.org.models import OrgUnit, Role, User
from crm.testing import matrix
from crm.testing.fixtures import ApiClient

ENDPOINTS = matrix.load_all()
ROLE_NAMES = [*matrix.ROLES, matrix.ANONYMOUS]


@pytest.fixture(scope="module")
def _world(demo_once: Any, django_db_blocker: Any) -> None:
    """The demo organisation (loaded once for the module) plus an employee whose only role
    is 一般用户; rolled back with the demo data after the module."""
    with django_db_blocker.unblock():
        general = User.objects.create(
            username="general_user", name="普通员工", unit=OrgUnit.objects.get(name="上海销售一组")
        )
        general.roles.set([Role.objects.get(code="general")])


def _client(endpoint: matrix.Endpoint, user: User | None) -> Client:
    if endpoint.kind == "api":
        return ApiClient(user)
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _send(client: Client, call: matrix.Call) -> Any:
    method = call.endpoint.method.lower()
    if call.files is not None:  # multipart upload (API or page)
        assert method == "post", "uploads are POSTs"
        return client.post(call.path, data={**(call.body or {}), **call.files})
    if call.endpoint.kind == "api":
        if method == "get":
            return client.get(call.path)
        return getattr(client, method)(
            call.path, data=dict(call.body or {}), content_type="application/json"
        )
    if method == "get":
        return client.get(call.path)
    assert method == "post", "pages take GET and POST only"
    return client.post(call.path, data=dict(call.body or {}))


def _items(body: Any) -> list[Any]:
    return body if isinstance(body, list) else body["items"]


def _check_api(endpoint: matrix.Endpoint, role: str, call: matrix.Call, res: Any) -> None:
    expected = endpoint.expected(role)
    if expected == "ok":
        assert 200 <= res.status_code < 300, res.content
        if endpoint.visible_to is not None and call.target is not None:
            ids = {item.get("id") for item in _items(res.json())}
            assert (call.target.pk in ids) == (role in endpoint.visible_to)
        return
    status, code = {
        "forbidden": (403, "forbidden"),
        "hidden": (404, "not_found"),
        "anonymous": (401, "not_authenticated"),
    }[expected]
    assert res.status_code == status, res.content
    error = res.json()["error"]
    assert error["code"] == code
    assert error["message"]


def _check_page(endpoint: matrix.Endpoint, role: str, call: matrix.Call, res: Any) -> None:
    expected = endpoint.expected(role)
    denied = res.status_code == 302 and res.url == "/"
    if expected == "ok":
        assert res.status_code in (200, 302), res.status_code
        assert not denied, [str(m) for m in get_messages(res.wsgi_request)]
        if endpoint.visible_to is not None and call.target is not None:
            assert endpoint.marker is not None
            shown = endpoint.marker(call.target) in res.content.decode()
            assert shown == (role in endpoint.visible_to)
    elif expected == "forbidden":
        assert res.status_code == 403, (res.status_code, res.get("Location"))
    elif expected == "hidden":
        assert res.status_code == 404
    else:
        assert res.status_code == 302
        assert res.url.startswith("/accounts/login/")


@pytest.mark.parametrize("role", ROLE_NAMES)
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_access_matrix(_world: Any, db: Any, endpoint: matrix.Endpoint, role: str) -> None:
    # given the demo users as the next request would load them, and a west target record
    users = {u.username: u for u in User.objects.select_related("unit")}
    user = users[matrix.ROLES[role]] if role != matrix.ANONYMOUS else None
    call = matrix.prepare(endpoint, users)
    client = _client(endpoint, user)
    before = matrix.snapshot(call.tables) if endpoint.is_write else None
    # when
    res = _send(client, call)
    # then
    check = _check_api if endpoint.kind == "api" else _check_page
    check(endpoint, role, call, res)
    if before is not None and endpoint.expected(role) != "ok":
        assert matrix.snapshot(call.tables) == before, "a refused write changed data"


def test_every_api_route_is_in_the_matrix() -> None:
    """A new endpoint of any app must be registered in the matrix too."""
    from crm.api.api import api

    registered = [
        (e.method, e.path.split("?")[0].replace("{id}", "1")) for e in ENDPOINTS if e.kind == "api"
    ]
    exempt = {("POST", "/api/v1/auth/token")}  # signing in: covered by crm/org/tests/test_auth.py
    missing = []
    for route, operations in api.get_openapi_schema()["paths"].items():
        pattern = re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", route) + "$")
        for method in operations:
            method = method.upper()
            if (method, route) in exempt:
                continue
            if not any(m == method and pattern.match(p) for m, p in registered):
                missing.append((method, route))
    assert not missing, f"register these in the app's tests/matrix_entries*.py: {missing}"


def _apps_with_pages() -> list[str]:
    """Every installed crm app that has pages (a urls module), so a new app is checked too."""
    from importlib.util import find_spec

    from django.conf import settings

    names = [a.removeprefix("crm.") for a in settings.INSTALLED_APPS if a.startswith("crm.")]
    return [n for n in names if find_spec(f"crm.{n}.urls")]


@pytest.mark.parametrize("app", _apps_with_pages())
def test_every_page_is_in_the_matrix(app: str) -> None:
    import importlib

    from django.urls import Resolver404, get_resolver

    urls = importlib.import_module(f"crm.{app}.urls")
    # A calendar feed authenticates by the secret in its address, not by a session:
    # crm/sales/tests/test_activities_views.py tests it.
    exempt = {"activity_ics"}
    registered = [e.path.split("?")[0].replace("{id}", "1") for e in ENDPOINTS if e.kind == "page"]
    resolver = get_resolver()
    missing = []
    for p in urls.urlpatterns:
        if p.name in exempt:
            continue
        found = False
        for path in registered:
            try:
                match = resolver.resolve(path)
            except Resolver404:
                continue
            if match.namespace == getattr(urls, "app_name", "") and match.url_name == p.name:
                found = True
                break
        if not found:
            missing.append(p.name)
    assert not missing, f"register these pages in crm/{app}/tests/matrix_entries*.py: {missing}"
