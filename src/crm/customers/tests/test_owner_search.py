"""The list's owner fields at scale: beyond OWNER_SELECT_LIMIT active employees in scope the
filter and reassign selects are searched (customers:owners) instead of listing everyone."""

import re
from typing import Any

import pytest

from crm.customers import views


def options(html: str, select_id: str) -> list[str]:
    """The option labels of one select of a page."""
    found = re.search(rf'<select[^>]*id="{select_id}"[^>]*>(.*?)</select>', html, re.S)
    assert found, select_id
    return [
        re.sub(r"\s+", " ", o).strip()
        for o in re.findall(r"<option[^>]*>(.*?)</option>", found.group(1), re.S)
    ]


def test_few_employees_are_listed_in_the_selects(
    page_client: Any, mgr_east: Any, rep_east_2: Any
) -> None:
    html = page_client(mgr_east).get("/customers/").content.decode()
    assert "/customers/owners/" not in html
    assert str(rep_east_2) in options(html, "filter-owner")
    assert str(rep_east_2) in options(html, "reassign-from")


def test_many_employees_are_searched_instead(
    page_client: Any, mgr_east: Any, rep_east_2: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "OWNER_SELECT_LIMIT", 1)
    client = page_client(mgr_east)
    html = client.get("/customers/").content.decode()
    assert html.count('hx-get="/customers/owners/') == 3
    assert options(html, "filter-owner") == ["全部负责人"]
    assert options(html, "reassign-from") == []
    assert options(html, "reassign-to") == ["—"]
    # the filter's current owner stays offered, chosen
    html = client.get("/customers/", {"owner": rep_east_2.pk}).content.decode()
    assert len(options(html, "filter-owner")) == 2
    assert re.search(rf'<option value="{rep_east_2.pk}" selected>', html)


def test_owner_options_match_employees_in_scope_only(
    page_client: Any, mgr_east: Any, rep_east: Any, rep_west: Any, rep_east_2: Any
) -> None:
    client = page_client(mgr_east)
    html = client.get("/customers/owners/", {"q": "rep_", "blank": "any"}).content.decode()
    assert html.startswith('<option value="">全部负责人</option>')
    assert f'value="{rep_east.pk}"' in html and f'value="{rep_east_2.pk}"' in html
    assert f'value="{rep_west.pk}"' not in html  # another unit's employee
    rep_east_2.is_active = False
    rep_east_2.save(update_fields=["is_active"])
    html = client.get("/customers/owners/", {"q": "rep_east"}).content.decode()
    assert f'value="{rep_east_2.pk}"' not in html and '<option value="">' not in html
    nobody = client.get("/customers/owners/", {"q": "无此人"}).content.decode()
    assert "没有符合条件的员工" in nobody
    # a rep sees himself only
    mine = page_client(rep_east).get("/customers/owners/", {"q": ""}).content.decode()
    assert re.findall(r'<option value="(\d+)"', mine) == [str(rep_east.pk)]


def test_owner_options_are_capped_with_a_hint(
    page_client: Any, leader: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "OWNER_MATCHES", 2)
    html = page_client(leader).get("/customers/owners/").content.decode()
    assert len(re.findall(r'<option value="\d+"', html)) == 2
    assert "匹配的员工还有更多" in html


def test_the_customer_form_searches_its_owner_too(
    page_client: Any,
    mgr_east: Any,
    rep_east_2: Any,
    rep_west: Any,
    east_customer: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(views, "OWNER_SELECT_LIMIT", 1)
    client = page_client(mgr_east)
    html = client.get("/customers/new/").content.decode()
    assert 'hx-get="/customers/owners/?blank=none"' in html
    assert options(html, "id_owner") == ["—", f"{mgr_east} ({mgr_east.unit})"]
    html = client.get(f"/customers/{east_customer.pk}/edit/").content.decode()
    owner = east_customer.owner
    assert options(html, "id_owner") == ["—", f"{owner} ({owner.unit})"]
    # what may be saved is still the employees in scope, whatever the select offered
    data = {"name": "负责人搜索新建公司", "status": "prospect", "credit_limit": "0"}
    r = client.post("/customers/new/", {**data, "owner": rep_west.pk})
    assert r.status_code == 422
    r = client.post("/customers/new/", {**data, "owner": rep_east_2.pk})
    assert r.status_code == 302
    html = client.get(r["Location"]).content.decode()
    assert str(rep_east_2) in html


def test_a_malformed_owner_is_a_form_error_not_a_crash(
    page_client: Any, mgr_east: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "OWNER_SELECT_LIMIT", 1)
    data = {"name": "负责人乱码公司", "status": "prospect", "credit_limit": "0"}
    for bad in ("²", "x", "-1", "9" * 30):
        r = page_client(mgr_east).post("/customers/new/", {**data, "owner": bad})
        assert r.status_code == 422, bad
