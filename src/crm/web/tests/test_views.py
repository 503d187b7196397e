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


def test_menu_groups_by_band_and_marks_the_current_entry(demo):
    from crm.web.nav import menu_for

    admin = menu_for(demo["admin"], "/customers/12/")
    keys = [e["key"] for e in admin]
    assert keys[0] == "home" and {"sales", "service", "admin"} <= set(keys)
    assert [e for e in admin if e["key"] == "customers"][0]["active"]  # a group of one: the entry
    sales = next(e for e in admin if e["key"] == "sales")
    assert {"opportunities", "quotes", "orders"} <= {i["key"] for i in sales["items"]}
    assert not sales["active"]

    quotes = next(e for e in menu_for(demo["admin"], "/sales/quotes/7/") if e["key"] == "sales")
    assert quotes["active"] and [i["key"] for i in quotes["items"] if i["active"]] == ["quotes"]

    # Home is active only on the home page itself, not as the prefix of every address.
    home = menu_for(demo["rep_east_1"], "/")[0]
    assert home["key"] == "home" and home["active"]
    assert not menu_for(demo["rep_east_1"], "/nowhere/")[0]["active"]


def test_shell_renders_groups_as_dropdowns(demo, page_client):
    body = page_client(demo["admin"]).get("/sales/quotes/").content.decode()
    assert 'data-menu-group="sales"' in body and 'data-menu="quotes"' in body
    assert 'class="dropdown-item active" data-menu="quotes"' in body
