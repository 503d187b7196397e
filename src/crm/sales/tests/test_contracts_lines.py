"""A draft contract's product lines on its pages: added, changed and removed with the quote
page's line formset; totals recomputed exactly as the API computes them; locked while approval
is pending and once the contract is no longer a draft; a stale version is refused."""

from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from crm.core.errors import StaleVersion
from crm.sales import approvals, services_contracts, services_quotes
from crm.sales.models_approvals import ApprovalRule
from crm.sales.models_contracts import Contract, ContractStatus
from crm.sales.models_quotes import Quote, QuoteStatus

from .fixtures_quotes import *  # noqa: F403

pytestmark = pytest.mark.usefixtures("demo_once")
S = ContractStatus


@pytest.fixture
def contract(east_quote: Quote, rep_east: Any) -> Contract:
    q = services_quotes.quote_transition(
        quote=east_quote, to=QuoteStatus.SENT, version=east_quote.version, actor=rep_east
    )
    q = services_quotes.quote_transition(
        quote=q, to=QuoteStatus.ACCEPTED, version=q.version, actor=rep_east
    )
    return services_contracts.contract_from_quote(actor=rep_east, quote=q)


@pytest.fixture
def second_product(admin: Any) -> Any:
    from crm.products import services as product_services
    from crm.products.models import UnitOfMeasure

    return product_services.product_create(
        actor=admin,
        code="WH-PO-3",
        name="聚醚多元醇",
        unit=UnitOfMeasure.objects.get(code="t"),
        list_price=Decimal("99.99"),
    )


def _zh(message: Any) -> str:
    with translation.override("zh-hans"):
        return escape(gettext(str(message)))


def _header(c: Contract, **extra: Any) -> dict[str, Any]:
    return {
        "version": c.version,
        "title": c.title,
        "start_date": c.start_date.isoformat(),
        "end_date": c.end_date.isoformat(),
        "payment_terms_days": str(c.payment_terms_days),
        **extra,
    }


def _lines(*rows: dict[str, Any], initial: int = 0) -> dict[str, str]:
    data = {"lines-TOTAL_FORMS": str(len(rows)), "lines-INITIAL_FORMS": str(initial)}
    for n, row in enumerate(rows):
        product = row.get("product")
        data[f"lines-{n}-product"] = str(product.pk) if product else ""
        data[f"lines-{n}-product_text"] = f"{product.code} {product.name}" if product else ""
        for key in ("quantity", "unit_price", "discount_pct", "tax_rate"):
            data[f"lines-{n}-{key}"] = str(row.get(key, ""))
    return data


def test_edit_page_shows_the_lines_and_the_preview_totals(
    page_client: Any, rep_east: Any, contract: Contract, quote_product: Any
) -> None:
    client = page_client(rep_east)
    html = client.get(f"/sales/contracts/{contract.pk}/edit/").content.decode()
    assert 'id="contract-lines"' in html and 'name="lines-TOTAL_FORMS"' in html
    assert f'value="{quote_product.code} {quote_product.name}"' in html
    # the amount as the form takes it back (stored with four places, the field takes two)
    assert 'name="framework_amount" value="0.00"' in html
    preview = client.post(
        "/sales/contracts/preview/",
        {
            "customer": contract.customer_id,
            **_lines(
                {"product": quote_product, "quantity": "3", "discount_pct": "10", "tax_rate": "13"}
            ),
        },
    )
    text = preview.content.decode().replace(",", "")
    assert 'id="contract-totals"' in text
    assert "32400.00" in text and "36612.00" in text  # 3 × 12000 × 90 %; + 13 % tax
    detail = client.get(f"/sales/contracts/{contract.pk}/").content.decode()
    assert 'id="contract-lines-edit"' in detail


def test_lines_changed_added_and_removed_with_exact_totals(
    page_client: Any,
    rep_east: Any,
    contract: Contract,
    quote_product: Any,
    second_product: Any,
) -> None:
    client = page_client(rep_east)
    rows = [
        {"product": quote_product, "quantity": "3", "unit_price": "12000", "discount_pct": "10"},
        # no price: the customer's (the list price); 1.5 × 99.99 = 149.985 → 149.99 half up
        {"product": second_product, "quantity": "1.5", "tax_rate": "9"},
    ]
    r = client.post(
        f"/sales/contracts/{contract.pk}/edit/", {**_header(contract), **_lines(*rows, initial=1)}
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    contract.refresh_from_db()
    lines = list(contract.lines.order_by("sort_order"))
    assert [(x.product_id, x.quantity) for x in lines] == [
        (quote_product.pk, Decimal("3")),
        (second_product.pk, Decimal("1.5")),
    ]
    assert lines[1].unit_price == Decimal("99.99") and lines[1].net_amount == Decimal("149.99")
    assert lines[1].tax_amount == Decimal("13.50")  # 149.99 × 9 % = 13.4991
    assert contract.net_amount == Decimal("32549.99")
    assert contract.tax_amount == Decimal("4225.50")
    assert contract.gross_amount == Decimal("36775.49")
    # the API's computation of the same lines gives the same figures
    api_lines = [
        {"product": quote_product, "quantity": Decimal("3"), "unit_price": Decimal("12000")}
        | {"discount_pct": Decimal("10")},
        {"product": second_product, "quantity": Decimal("1.5"), "tax_rate": Decimal("9")},
    ]
    totals = services_quotes.totals_of(services_quotes.prepare_lines(contract.customer, api_lines))
    assert totals["gross_amount"] == contract.gross_amount
    assert totals["max_discount_pct"] == contract.max_discount_pct == Decimal("10")
    # remove the first line: its product cleared
    cleared = {**rows[0], "product": None}
    r = client.post(
        f"/sales/contracts/{contract.pk}/edit/",
        {**_header(contract), **_lines(cleared, rows[1], initial=2)},
    )
    assert r.status_code == 302
    contract.refresh_from_db()
    assert list(contract.lines.values_list("product_id", flat=True)) == [second_product.pk]
    assert contract.gross_amount == Decimal("163.49")
    detail = client.get(f"/sales/contracts/{contract.pk}/").content.decode()
    assert 'id="contract-lines-total">163.49<' in detail
    assert "WH-PO-3" in detail  # the history shows the lines' change


def test_bad_line_is_refused_with_a_field_error_and_nothing_changes(
    page_client: Any, rep_east: Any, contract: Contract, quote_product: Any
) -> None:
    client = page_client(rep_east)
    before = (contract.version, contract.gross_amount)
    r = client.post(
        f"/sales/contracts/{contract.pk}/edit/",
        {
            **_header(contract),
            **_lines(
                {"product": quote_product, "quantity": "2"} | {"discount_pct": "150"}, initial=1
            ),
        },
    )
    assert r.status_code == 422
    assert "alert-danger" in r.content.decode()
    contract.refresh_from_db()
    assert (contract.version, contract.gross_amount) == before


def test_stale_version_is_a_conflict_message(
    page_client: Any, rep_east: Any, contract: Contract, quote_product: Any
) -> None:
    client = page_client(rep_east)
    stale = _header(contract)
    services_contracts.contract_update(
        contract=contract, version=contract.version, actor=rep_east, notes="别人先改了"
    )
    r = client.post(
        f"/sales/contracts/{contract.pk}/edit/",
        {**stale, **_lines({"product": quote_product, "quantity": "9"}, initial=1)},
    )
    assert r.status_code == 409
    assert _zh(StaleVersion.default_message) in r.content.decode()
    contract.refresh_from_db()
    assert contract.lines.get().quantity == Decimal("2")


def test_header_only_post_keeps_the_lines_and_framework_drops_them(
    page_client: Any, rep_east: Any, contract: Contract
) -> None:
    client = page_client(rep_east)
    r = client.post(f"/sales/contracts/{contract.pk}/edit/", _header(contract, notes="备注"))
    assert r.status_code == 302
    contract.refresh_from_db()
    assert contract.notes == "备注" and contract.lines.count() == 1
    r = client.post(
        f"/sales/contracts/{contract.pk}/edit/",
        {
            **_header(contract, is_framework="on", framework_amount="50000"),
            # a half-typed row does not block a framework contract: its lines are dropped
            **_lines({"product": None, "quantity": "abc"}, initial=1),
        },
    )
    assert r.status_code == 302
    contract.refresh_from_db()
    assert contract.is_framework and contract.lines.count() == 0
    assert contract.amount == Decimal("50000") and contract.gross_amount == 0


def test_lines_locked_while_pending_and_once_active(
    page_client: Any, rep_east: Any, contract: Contract, quote_product: Any
) -> None:
    from crm.org.models import Role

    ApprovalRule.objects.create(
        name="合同折扣",
        kind="contract",
        condition="discount_above",
        threshold=Decimal("1"),
        approver_kind="role",
        approver_role=Role.objects.get(code="sales_manager"),
    )
    c = services_contracts.contract_transition(
        contract=contract, to=S.ACTIVE, version=contract.version, actor=rep_east
    )
    assert c.status == S.PENDING
    client = page_client(rep_east)
    r = client.get(f"/sales/contracts/{c.pk}/edit/", follow=True)
    html = r.content.decode()
    assert r.redirect_chain[-1][0] == f"/sales/contracts/{c.pk}/"
    assert _zh(approvals.DocumentLocked.default_message) in html
    assert 'id="contract-lines-locked"' in html and 'id="contract-lines-edit"' not in html
    r = client.post(
        f"/sales/contracts/{c.pk}/edit/",
        {**_header(c), **_lines({"product": quote_product, "quantity": "9"}, initial=1)},
    )
    assert r.status_code == 302
    c.refresh_from_db()
    assert c.lines.get().quantity == Decimal("2") and c.status == S.PENDING
    # withdrawn, the rule removed, activated: no longer a draft
    ApprovalRule.objects.filter(kind="contract").delete()
    c = services_contracts.contract_transition(
        contract=c, to=S.DRAFT, version=c.version, actor=rep_east
    )
    c = services_contracts.contract_transition(
        contract=c, to=S.ACTIVE, version=c.version, actor=rep_east
    )
    assert c.status == S.ACTIVE
    r = client.get(f"/sales/contracts/{c.pk}/edit/", follow=True)
    assert _zh("Only a draft contract can be changed.") in r.content.decode()
    r = client.post(
        f"/sales/contracts/{c.pk}/edit/",
        {**_header(c), **_lines({"product": quote_product, "quantity": "9"}, initial=1)},
    )
    c.refresh_from_db()
    assert c.lines.get().quantity == Decimal("2")


def test_create_directly_with_lines(
    page_client: Any, rep_east: Any, pipeline_east_customer: Any, quote_product: Any
) -> None:
    from .conftest import in_days

    client = page_client(rep_east)
    url = f"/sales/contracts/new/?customer={pipeline_east_customer.pk}"
    assert 'id="line-template"' in client.get(url).content.decode()
    r = client.post(
        url,
        {
            "title": "直签含明细",
            "start_date": in_days(0).isoformat(),
            "end_date": in_days(300).isoformat(),
            "payment_terms_days": "30",
            **_lines({"product": quote_product, "quantity": "1", "tax_rate": "0"}),
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    c = Contract.objects.get(title="直签含明细")
    assert c.gross_amount == Decimal("12000.00") and c.lines.count() == 1
