"""Pages of commissions: statements by rep with a drill-down, recompute and close, rules
form; the reps' home panel; query counts that do not grow with rows."""

from datetime import date
from typing import Any

import pytest
from django.utils import timezone

from crm.commissions import home, services_compute
from crm.commissions.models import CommissionRule

pytestmark = pytest.mark.usefixtures("demo_once")


def test_home_panel_shows_this_month(
    paid: Any,
    rep_west: Any,
    west_customer: Any,
    products: Any,
    finance: Any,
    page_client: Any,
    django_assert_num_queries: Any,
) -> None:
    today = timezone.localdate()
    paid(
        rep=rep_west,
        customer=west_customer,
        lines=[(products[0], "10", "100")],
        received_on=today,
        tax_rate="0",
    )
    services_compute.period_recompute(period=f"{today:%Y-%m}", actor=finance)
    with django_assert_num_queries(1):
        ctx = home.month_panel(rep_west)
    assert str(ctx["this_total"]).startswith("10.00") and ctx["last_total"] is None
    html = page_client(rep_west).get("/").content.decode()
    assert 'id="home-commission-this">10.00<' in html


def test_statement_pages_constant_queries(
    paid: Any,
    rep_west: Any,
    rep_east: Any,
    west_customer: Any,
    east_customer: Any,
    products: Any,
    finance: Any,
    page_client: Any,
    django_assert_max_num_queries: Any,
) -> None:
    client = page_client(finance)

    def load() -> int:
        with django_assert_max_num_queries(25) as ctx:
            res = client.get("/commissions/?period=2026-09")
            assert res.status_code == 200
        return len(ctx.captured_queries)

    paid(
        rep=rep_west,
        customer=west_customer,
        lines=[(products[0], "1", "100")],
        received_on=date(2026, 9, 1),
    )
    services_compute.period_recompute(period="2026-09", actor=finance)
    one = load()
    paid(
        rep=rep_east,
        customer=east_customer,
        lines=[(products[1], "1", "100")],
        received_on=date(2026, 9, 2),
    )
    services_compute.period_recompute(period="2026-09", actor=finance)
    assert load() == one
    st = services_compute.CommissionStatement.objects.filter(period__period="2026-09").first()
    res = client.get(f"/commissions/statements/{st.pk}/")  # type: ignore[union-attr]
    assert res.status_code == 200 and "销售人员提成" in res.content.decode()


def test_recompute_and_close_buttons(finance: Any, page_client: Any) -> None:
    client = page_client(finance)
    res = client.post("/commissions/recompute/", {"period": "2026-08"}, follow=True)
    assert "2026-08" in res.content.decode() and 'id="commission-close"' in res.content.decode()
    row = services_compute.CommissionPeriod.objects.get(period="2026-08")
    client.post(f"/commissions/periods/{row.pk}/close/")
    res = client.post("/commissions/recompute/", {"period": "2026-08"}, follow=True)
    assert "closed" in res.content.decode() or "关闭" in res.content.decode()
    bad = client.post("/commissions/recompute/", {"period": "x"}, follow=True)
    assert bad.status_code == 200


def test_rule_form_create_and_errors(admin: Any, page_client: Any) -> None:
    client = page_client(admin)
    res = client.post(
        "/commissions/rules/new/",
        {
            "name": "坏",
            "kind": "tiered",
            "tiers": "abc",
            "valid_from": "2026-01-01",
            "active": "on",
        },
    )
    assert res.status_code == 422
    res = client.post(
        "/commissions/rules/new/",
        {
            "name": "大客户",
            "kind": "tiered",
            "tiers": "0:1, 50000:1.5",
            "valid_from": "2026-01-01",
            "active": "on",
        },
    )
    assert res.status_code == 302
    rule = CommissionRule.objects.get(name="大客户")
    assert [t.rate for t in rule.tiers.all()] == [1, 1.5]
    res = client.get(f"/commissions/rules/{rule.pk}/")
    assert "0:1, 50000:1.5" in res.content.decode()
    stale = client.post(
        f"/commissions/rules/{rule.pk}/",
        {"version": 99, "name": "x", "kind": "rate", "rate": "1", "valid_from": "2026-01-01"},
    )
    assert stale.status_code == 409
