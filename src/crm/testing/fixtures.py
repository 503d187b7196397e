"""Shared pytest fixtures: the demo organisation and its named users, API clients.

Later modules add their own fixtures beside these and register their endpoints with the
access matrix in `crm.testing.matrix`.
"""

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import Client, override_settings

from crm.org.auth import token_issue
from crm.org.demo import load_demo
from crm.org.models import User

DEMO_PASSWORD = "Test-Pass-2026"  # noqa: S105 - test data


@pytest.fixture(autouse=True)
def _fast_hasher(settings: Any) -> None:
    # Argon2 costs ~50 ms per hash; tests that check hashing restore it themselves.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _jobs_inline(settings: Any, tmp_path_factory: Any) -> None:
    # Background jobs run inside the request that starts them, so a test sees the outcome;
    # uploaded import files go to a temporary folder.
    settings.CRM_JOBS_INLINE = True
    settings.CRM_IMPORT_DIR = tmp_path_factory.getbasetemp() / "imports"


@pytest.fixture(scope="module")
def demo_once(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    """Load the demo organisation once per test module instead of once per test.

    Opt in with `pytestmark = pytest.mark.usefixtures("demo_once")`. The data lives in a
    transaction held open for the module and rolled back after it; each test still runs in
    its own savepoint (the `db` fixture), so what a test writes is undone. `demo` then finds
    everything in place. Not for modules with `transactional_db` or `live_server` tests.
    """
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    atomic = transaction.atomic()
    try:
        with django_db_blocker.unblock(), fast:
            atomic.__enter__()
            load_demo(password=DEMO_PASSWORD)
        yield
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def demo(request: Any, db: Any) -> dict[str, User]:
    """The demo organisation of `crm demo`; returns the demo users by username."""
    if "demo_once" not in request.fixturenames:
        load_demo(password=DEMO_PASSWORD)
    return {u.username: u for u in User.objects.all()}


def _named(username: str) -> Callable[..., User]:
    @pytest.fixture
    def fixture(demo: dict[str, User]) -> User:
        return demo[username]

    return fixture


admin = _named("admin")
leader = _named("leader")
mgr_east = _named("mgr_east")
mgr_west = _named("mgr_west")
rep_east = _named("rep_east_1")
rep_east_2 = _named("rep_east_2")
rep_west = _named("rep_west_1")
agent = _named("agent")
marketer = _named("marketer")


class ApiClient(Client):
    """A test client that sends `Authorization: Bearer <token>` and JSON bodies."""

    def __init__(self, user: User | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if user is not None:
            _token, raw = token_issue(user=user, name="test")
            self.defaults["HTTP_AUTHORIZATION"] = f"Bearer {raw}"

    def _json(self, method: str, path: str, data: Any = None, **extra: Any) -> Any:
        return getattr(super(), method)(
            path, data=data if data is not None else {}, content_type="application/json", **extra
        )

    def post_json(self, path: str, data: Any = None, **extra: Any) -> Any:
        return self._json("post", path, data, **extra)

    def patch_json(self, path: str, data: Any = None, **extra: Any) -> Any:
        return self._json("patch", path, data, **extra)

    def put_json(self, path: str, data: Any = None, **extra: Any) -> Any:
        return self._json("put", path, data, **extra)


@pytest.fixture
def api_client() -> Callable[[User | None], ApiClient]:
    """`api_client(user)` → a client authenticated with a fresh token of that user."""

    def make(user: User | None = None) -> ApiClient:
        return ApiClient(user)

    return make


@pytest.fixture
def page_client() -> Callable[[User], Client]:
    """`page_client(user)` → a session client signed in as that user."""

    def make(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make
