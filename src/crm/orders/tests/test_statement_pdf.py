"""The customer's statement as a PDF (对账单, `?format=pdf` on the statement page): the company,
the customer, the period, every row and the closing balance in figures and in 大写; a long
statement runs over several pages; the same rights as the CSV export, and another unit's
customer is a 404."""

from datetime import timedelta
from decimal import Decimal
from io import BytesIO
from typing import Any

import pytest
from django.utils import timezone
from pypdf import PdfReader

from crm.orders import services_receivables
from crm.orders.selectors_receivables import balance_of
from crm.orders.statement_pdf import amount_in_words
from crm.org.selectors import parameter_get

pytestmark = pytest.mark.usefixtures("demo_once")


def _days(n: int) -> Any:
    return timezone.localdate() + timedelta(days=n)


def _url(customer: Any) -> str:
    return f"/orders/receivables/statement/{customer.pk}/"


def _period(start: int = -30, end: int = 0) -> dict[str, str]:
    return {"date_from": _days(start).isoformat(), "date_to": _days(end).isoformat()}


def _text(content: bytes) -> tuple[str, int]:
    """The PDF's text with the line breaks taken out, and its number of pages."""
    reader = PdfReader(BytesIO(content))
    return "".join(page.extract_text() for page in reader.pages).replace("\n", ""), len(
        reader.pages
    )


def test_the_pdf_has_the_customer_the_period_the_rows_and_the_closing_balance(
    ledger: dict[str, Any], west_customer: Any, page_client: Any, finance: Any
) -> None:
    r = page_client(finance).get(_url(west_customer), {**_period(), "format": "pdf"})
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    name = f"statement-{west_customer.code}-{_days(-30):%Y%m%d}-{_days(0):%Y%m%d}.pdf"
    assert r["Content-Disposition"] == f'attachment; filename="{name}"'
    text, pages = _text(r.content)
    assert pages == 1
    assert parameter_get("company_name") in text and "对账单" in text
    assert west_customer.name in text and west_customer.code in text
    assert f"{_days(-30).isoformat()} — {_days(0).isoformat()}" in text
    assert "期初余额" in text and "1,130.00" in text
    for doc in (ledger["invoice"], ledger["payment"], ledger["return"]):
        assert doc.number in text
    assert ledger["order"].number in text and "包装破损" in text and "回单 88" in text
    assert "2,260.00" in text and "1,000.00" in text and "226.00" in text
    assert balance_of(west_customer.pk) == Decimal("2164.00")
    assert "¥2,164.00" in text
    assert "贰仟壹佰陆拾肆元整" in text


def test_the_pdf_is_in_chinese_whatever_the_users_language(
    ledger: dict[str, Any], west_customer: Any, page_client: Any, finance: Any
) -> None:
    client = page_client(finance)
    r = client.get(_url(west_customer), {**_period(), "format": "pdf"}, HTTP_ACCEPT_LANGUAGE="en")
    text, _pages = _text(r.content)
    assert "对账单" in text and "退货冲减" in text and "收到的货款" in text
    assert "Statement" not in text and "Credits from returns" not in text


def test_hundreds_of_rows_run_over_several_pages_with_every_row(
    west_customer: Any, page_client: Any, finance: Any
) -> None:
    for n in range(300):
        services_receivables.payment_create(
            customer=west_customer,
            actor=finance,
            amount=Decimal("10.50"),
            received_on=_days(-(n % 20)),
            reference=f"REF-{n:03d}",
        )
    r = page_client(finance).get(_url(west_customer), {**_period(), "format": "pdf"})
    assert r.status_code == 200
    text, pages = _text(r.content)
    assert pages >= 4
    assert all(f"REF-{n:03d}" in text for n in range(300))  # more than the page's limit too
    # the table's header row is repeated on every page the rows run over
    reader = PdfReader(BytesIO(r.content))
    assert all("收款" in page.extract_text() for page in reader.pages[1:-1])
    assert "3,150.00" in text  # the payments' total
    # the customer paid ahead: a negative balance, 负 before its 大写
    assert "¥-3,150.00" in text and "负叁仟壹佰伍拾元整" in text


def test_the_rights_are_those_of_the_csv_export(
    ledger: dict[str, Any], west_customer: Any, page_client: Any, rep_west: Any, mgr_west: Any
) -> None:
    rep = page_client(rep_west)
    page = rep.get(_url(west_customer), _period()).content.decode()
    assert 'id="statement-pdf"' not in page and 'id="statement-export"' not in page
    csv = rep.get(_url(west_customer), {**_period(), "format": "csv"})
    pdf = rep.get(_url(west_customer), {**_period(), "format": "pdf"})
    assert csv.status_code == pdf.status_code == 403
    refusal = "您的角色不允许此操作"  # the same refusal page as the CSV export's
    assert refusal in pdf.content.decode() and refusal in csv.content.decode()
    manager = page_client(mgr_west)
    html = manager.get(_url(west_customer), _period(-20, -1)).content.decode()
    # the button keeps the period shown
    href = f"?date_from={_days(-20).isoformat()}&amp;date_to={_days(-1).isoformat()}&amp;format="
    assert f'id="statement-pdf" href="{href}pdf"' in html
    assert f'id="statement-export" href="{href}csv"' in html
    assert manager.get(_url(west_customer), {**_period(), "format": "pdf"}).status_code == 200


def test_another_units_customer_is_not_found(
    ledger: dict[str, Any], west_customer: Any, east_customer: Any, page_client: Any, mgr_east: Any
) -> None:
    manager = page_client(mgr_east)
    assert manager.get(_url(east_customer), {**_period(), "format": "pdf"}).status_code == 200
    assert manager.get(_url(west_customer), {**_period(), "format": "pdf"}).status_code == 404


def test_amount_in_words() -> None:
    assert amount_in_words(Decimal("2164.00")) == "贰仟壹佰陆拾肆元整"
    assert amount_in_words(Decimal("-0.50")) == "负伍角"
    assert amount_in_words(Decimal("0")) == "零元整"
