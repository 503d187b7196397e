"""The API honours its own OpenAPI schema: no 5xx for any input, every response as declared.

schemathesis generates requests from the schema Ninja publishes and sends them to the WSGI
application in-process, authenticated as the demo administrator (a superuser, so every
endpoint is reachable and no generated change to roles can lock the test out).
"""

from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from crm.org.auth import token_issue
from crm.org.models import User
from crm.wsgi import application

pytestmark = pytest.mark.schema

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
# Unknown query parameters and body fields are ignored, as HTTP APIs conventionally do, so
# do not send them expecting a rejection.
schema.config.generation.update(allow_extra_parameters=False)


@pytest.fixture
def admin_user(demo: dict[str, User]) -> User:
    return demo["admin"]


@pytest.fixture(autouse=True)
def _keep_test_connection() -> Any:
    # The WSGI handler closes "old" connections at each request's start and end; inside the
    # test's transaction that would break it, so do what Django's own test client does.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


# A business rule may refuse a well-formed body with 422 (a weak password, a taken username, a
# reference to a record that does not exist), which no schema can say; so "schema-valid data
# is accepted" is checked for reads only, where every parameter's limits must be in the schema.
BODY_METHODS = {"POST", "PUT", "PATCH"}


@schema.parametrize()
@settings(
    max_examples=20,
    deadline=None,
    # The same cases every run: a failure is reproducible and the gate does not flicker.
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_matches_schema(case: Any, admin_user: User) -> None:
    # Each case runs in a savepoint that is rolled back, so cases do not see each other's
    # writes, and a fresh token per case means revoking "a token" (maybe this one: DELETE
    # /auth/tokens/{id}) cannot sign the later cases out.
    with transaction.atomic():
        _token, raw = token_issue(user=admin_user, name="schemathesis")
        try:
            case.call_and_validate(
                headers={"Authorization": f"Bearer {raw}"},
                excluded_checks=[positive_data_acceptance] if case.method in BODY_METHODS else [],
            )
        finally:
            transaction.set_rollback(True)
