"""Input the database cannot hold gets a 4xx with our error body, on SQLite and PostgreSQL.

PostgreSQL refuses NUL characters in text and integers beyond 64 bits; both used to surface
as a 500 from deep inside a query. schemathesis finds such input only by chance, so the known
cases are pinned here.
"""

from typing import Any

import pytest

from crm.org.models import OrgUnit, Role, User

pytestmark = pytest.mark.schema

BIG = 2**70  # beyond any 64-bit integer column


@pytest.fixture
def client(demo: dict[str, User], api_client: Any) -> Any:
    return api_client(demo["admin"])


@pytest.fixture
def ids(demo: dict[str, User]) -> dict[str, int]:
    # Primary keys differ between runs on PostgreSQL (sequences are not reset).
    return {
        "unit": OrgUnit.objects.get(name="上海销售一组").pk,
        "employee": demo["rep_east_1"].pk,
        "role": Role.objects.get(code="general").pk,
    }


def _assert_error(res: Any, status: int, field: str | None = None) -> None:
    assert res.status_code == status, res.content
    error = res.json()["error"]
    assert set(error) == {"code", "message", "fields"}
    if field is not None:
        assert field in error["fields"], error


@pytest.mark.parametrize(
    "path, field",
    [
        ("/api/v1/recycle-bin?model=a%00b", "model"),
        ("/api/v1/org-units?page_size=201", "page_size"),
        ("/api/v1/employees?page=0", "page"),
    ],
)
def test_bad_query_parameters_are_422(client: Any, path: str, field: str) -> None:
    _assert_error(client.get(path), 422, field)


@pytest.mark.parametrize(
    "path",
    ["/api/v1/org-units?q=%E4%B8%8A%00", "/api/v1/employees?q=a%00b&ordering=name%00"],
)
def test_nul_in_search_text_is_dropped(client: Any, path: str) -> None:
    res = client.get(path)
    assert res.status_code == 200, res.content


@pytest.mark.parametrize(
    "path",
    [
        f"/api/v1/org-units/{BIG}",
        f"/api/v1/employees/{BIG}",
        f"/api/v1/employees?unit_id={BIG}",
        f"/api/v1/roles/{BIG}",
    ],
)
def test_ids_beyond_64_bits_are_404(client: Any, path: str) -> None:
    _assert_error(client.get(path), 404)


@pytest.mark.parametrize(
    "path",
    [
        f"/api/v1/forecast/export?owner_id={BIG}",
        f"/api/v1/opportunities?customer_id={BIG}",
        f"/api/v1/leads?source_id={BIG}",
        f"/api/v1/customers?owner_id={BIG}",
    ],
)
def test_filter_ids_beyond_64_bits_are_422(client: Any, path: str) -> None:
    _assert_error(client.get(path), 422, path.split("?")[1].split("=")[0])


def test_huge_page_number_is_an_empty_page(client: Any) -> None:
    res = client.get(f"/api/v1/org-units?page={BIG}")
    assert res.status_code == 200, res.content
    assert res.json()["items"] == []


def test_other_huge_ids_are_404(client: Any, ids: dict[str, int]) -> None:
    _assert_error(client.delete(f"/api/v1/auth/tokens/{BIG}"), 404)
    _assert_error(client.post(f"/api/v1/recycle-bin/org.orgunit/{BIG}/restore"), 404)
    res = client.post_json("/api/v1/org-units", {"name": "x", "kind": "team", "parent_id": BIG})
    _assert_error(res, 404)
    res = client.patch_json(f"/api/v1/employees/{ids['employee']}", {"version": 1, "unit_id": BIG})
    _assert_error(res, 404)


def test_unparseable_body_is_422(client: Any) -> None:
    res = client.post("/api/v1/org-units", data=b"\x00{", content_type="application/json")
    _assert_error(res, 422, "__all__")


@pytest.mark.parametrize("body", ['"abc"', "[1, 2]", "42", "null"])
def test_a_body_that_is_not_an_object_is_422(client: Any, body: str) -> None:
    # A string once passed: ninja read the fields as its attributes ("abc".title() → "Abc").
    url = "/api/v1/knowledge/articles"
    res = client.post(url, data=body.encode(), content_type="application/json")
    assert res.status_code == 422 and res.json()["error"]["code"]
    assert client.get(url).json()["count"] == 0


def test_token_request_with_nul_is_422(api_client: Any, demo: Any) -> None:
    res = api_client().post_json("/api/v1/auth/token", {"username": "a\x00", "password": "x"})
    _assert_error(res, 422, "username")


@pytest.mark.parametrize(
    "method, path, body, field",
    [
        (
            "post",
            "/api/v1/org-units",
            {"name": "a\x00", "kind": "team", "parent_id": "{unit}"},
            "name",
        ),
        ("patch", "/api/v1/org-units/{unit}", {"version": 1, "name": "x\x00"}, "name"),
        (
            "post",
            "/api/v1/employees",
            {"username": "u\x00", "password": "Qx7!mPz2-kL9", "unit_id": "{unit}"},
            "username",
        ),
        ("patch", "/api/v1/employees/{employee}", {"version": 1, "email": "x\x00"}, "email"),
        (
            "post",
            "/api/v1/roles",
            {"code": "ab", "name": "n", "description": "\x00"},
            "description",
        ),
        ("patch", "/api/v1/roles/{role}", {"version": 1, "name": "\x00"}, "name"),
        ("patch", "/api/v1/roles/{role}", {"version": 1, "grants": {"\x00": {}}}, "grants"),
        ("put", "/api/v1/parameters/lockout_failures", {"value": "1\x00"}, "value"),
    ],
)
def test_nul_in_body_text_is_422(
    client: Any, ids: dict[str, int], method: str, path: str, body: dict, field: str
) -> None:
    body = {k: int(v.format(**ids)) if v == "{unit}" else v for k, v in body.items()}
    res = getattr(client, f"{method}_json")(path.format(**ids), body)
    _assert_error(res, 422, field)


def test_deactivating_yourself_is_a_conflict(client: Any, demo: dict[str, User]) -> None:
    res = client.post(f"/api/v1/employees/{demo['admin'].pk}/deactivate")
    _assert_error(res, 409)
    assert res.json()["error"]["code"] == "cannot_deactivate_self"
