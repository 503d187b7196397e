"""Shared pytest fixtures: the demo organisation and its named users, API clients.

Later modules add their own fixtures beside these and register their endpoints with the
access matrix in `crm.testing.matrix`.
"""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from crm.org.auth import token_issue
from crm.org.demo import load_demo
from crm.org.models import User

DEMO_PASSWORD = "Test-Pass-2026"  # noqa: S105 - test data


@pytest.fixture(autouse=True)
def _fast_hasher(settings: Any) -> None:
    # Argon2 costs ~50 ms per hash; tests that check hashing restore it themselves.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def demo(db: Any) -> dict[str, User]:
    """The demo organisation of `crm demo`; returns the demo users by username."""
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
