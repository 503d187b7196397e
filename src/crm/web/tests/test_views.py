"""The shell's own pages: home, global search."""

import pytest


@pytest.mark.parametrize("htmx", [False, True])
def test_search_with_a_nul_character_is_not_a_server_error(demo, page_client, htmx):
    # PostgreSQL refuses NUL in text comparisons; the search drops it instead of failing.
    client = page_client(demo["admin"])

    res = client.get("/search/?q=%E9%99%88%00", **({"HTTP_HX_REQUEST": "true"} if htmx else {}))

    assert res.status_code == 200


def test_home_shows_identity(demo, page_client):
    res = page_client(demo["rep_east_1"]).get("/")

    assert res.status_code == 200
    body = res.content.decode()
    assert "rep_east_1" in body and "上海销售一组" in body
