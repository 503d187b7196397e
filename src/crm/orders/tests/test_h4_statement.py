"""The customer's receivables statement (对账单): credits from returns are their own section
(date, return number, order, amount); opening + invoices − payments − credits = closing, and
the closing balance is the ledger's balance; the page, its CSV export and who may see them."""

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from crm.orders import statement
from crm.orders.selectors_receivables import balance_of

pytestmark = pytest.mark.usefixtures("demo_once")


def _days(n: int) -> Any:
    return timezone.localdate() + timedelta(days=n)


def test_returns_are_their_own_section_and_the_closing_balance_is_the_ledger(
    ledger: dict[str, Any], west_customer: Any
) -> None:
    ret = ledger["return"]
    assert ret.gross_amount == Decimal("226.00")
    s = statement.statement_of(west_customer, _days(-30), _days(0))
    assert s.opening == Decimal("1130.00")
    invoices, payments, credits = (s.section(k) for k in ("invoice", "payment", "credit"))
    assert (invoices.total, payments.total, credits.total) == (
        Decimal("2260.00"),
        Decimal("1000.00"),
        Decimal("226.00"),
    )
    [row] = credits.rows
    assert (row.on, row.number, row.order, row.amount) == (
        _days(-3),
        ret.number,
        ledger["order"].number,
        Decimal("226.00"),
    )
    assert row.detail == "包装破损"
    # the return is not mixed into the invoices or the payments
    assert [r.number for r in invoices.rows] == [ledger["invoice"].number]
    assert [r.number for r in payments.rows] == [ledger["payment"].number]
    assert s.closing == s.opening + invoices.total - payments.total - credits.total
    assert s.closing == balance_of(west_customer.pk) == Decimal("2164.00")


def test_a_period_before_the_return_does_not_show_it(
    ledger: dict[str, Any], west_customer: Any
) -> None:
    s = statement.statement_of(west_customer, _days(-30), _days(-4))
    assert s.section("credit").count == 0 and s.section("credit").rows == []
    assert s.closing == balance_of(west_customer.pk) + Decimal("226.00")
    later = statement.statement_of(west_customer, _days(-3), _days(0))
    assert later.opening == s.closing and later.closing == balance_of(west_customer.pk)


def test_page_csv_and_scope(
    ledger: dict[str, Any],
    west_customer: Any,
    page_client: Any,
    rep_west: Any,
    rep_east: Any,
    mgr_west: Any,
    django_assert_max_num_queries: Any,
) -> None:
    url = f"/orders/receivables/statement/{west_customer.pk}/"
    period = {"date_from": _days(-30).isoformat(), "date_to": _days(0).isoformat()}
    client = page_client(rep_west)
    with django_assert_max_num_queries(40):
        r = client.get(url, period)
    html = r.content.decode()
    assert r.status_code == 200
    credits = html[html.index('id="statement-credit-table"') :]
    assert ledger["return"].number in credits and ledger["order"].number in credits
    assert "226.00" in credits and "包装破损" in credits
    assert 'id="statement-closing">2164.00<' in html
    assert 'id="statement-opening">1130.00<' in html
    assert 'id="statement-export"' not in html  # a rep has no export right
    assert client.get(url, {**period, "format": "csv"}).status_code == 403
    tab = client.get(f"/customers/{west_customer.pk}/tabs/receivables/").content.decode()
    assert url in tab
    bad = client.get(url, {"date_from": _days(0).isoformat(), "date_to": _days(-5).isoformat()})
    assert bad.status_code == 422
    assert page_client(rep_east).get(url).status_code == 404
    export = page_client(mgr_west).get(url, {**period, "format": "csv"})
    assert export.status_code == 200 and export["Content-Type"].startswith("text/csv")
    text = b"".join(export.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    rows = [line.split(",") for line in text.strip().splitlines()]
    credit_rows = [r for r in rows if r[2] == ledger["return"].number]
    assert credit_rows and credit_rows[0][3] == ledger["order"].number
    assert credit_rows[0][5] == "-226.00"
    assert rows[-1][-1] == "2164.00"
