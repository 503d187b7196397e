"""Quote services: prices from the customer's price list, totals, sending through approvals,
versions, the customer's answer, expiry; the lock while approval is pending."""

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from crm.core.errors import Conflict, StaleVersion, ValidationFailed
from crm.core.fields import quantize
from crm.sales import approvals, services_quotes
from crm.sales.approvals import DocumentLocked
from crm.sales.models_approvals import ApprovalStatus
from crm.sales.models_quotes import Quote, QuoteStatus
from crm.sales.totals import Places, document_totals

from .conftest import in_days
from .fixtures_quotes import *  # noqa: F403

pytestmark = pytest.mark.django_db
S = QuoteStatus


def test_create_prices_lines_from_the_customer_price_and_totals(
    rep_east: Any, pipeline_east_customer: Any, quote_product: Any, admin: Any
):
    from crm.products.services_prices import customer_price_create

    customer_price_create(
        actor=admin,
        customer=pipeline_east_customer,
        product=quote_product,
        price=Decimal("11500"),
        valid_from=in_days(-1),
    )
    q = services_quotes.quote_create(
        actor=rep_east,
        customer=pipeline_east_customer,
        lines=[
            {"product": quote_product, "quantity": Decimal("3"), "discount_pct": Decimal("10")},
            {
                "product": quote_product,
                "quantity": Decimal("0.333"),
                "unit_price": Decimal("99.99"),
                "tax_rate": Decimal("9"),
            },
        ],
    )
    assert q.number == f"Q{q.pk:09d}" and q.revision == 1 and q.status == S.DRAFT
    assert q.owner == rep_east and q.org_unit == rep_east.unit
    lines = list(q.lines.order_by("sort_order"))
    assert lines[0].unit_price == Decimal("11500") and lines[0].unit == "吨"
    assert lines[0].net_amount == Decimal("31050.00")  # 3 × 11500 × 90 %
    assert lines[0].tax_amount == Decimal("4036.50")  # 13 % default
    assert lines[1].net_amount == Decimal("33.30") and lines[1].tax_amount == Decimal("3.00")
    q.refresh_from_db()
    assert q.net_amount == Decimal("31083.30") and q.tax_amount == Decimal("4039.50")
    assert q.gross_amount == Decimal("35122.80") and q.max_discount_pct == Decimal("10")
    assert q.valid_until == timezone.localdate() + timedelta(days=30)


def test_from_opportunity_copies_customer_and_lines(
    rep_east: Any, mgr_east: Any, pipeline_east_customer: Any, make_opportunity: Any, product: Any
):
    from crm.sales import services

    opp = make_opportunity(rep_east, pipeline_east_customer)
    services.opportunity_update(
        opportunity=opp,
        version=opp.version,
        actor=rep_east,
        lines=[{"product": product, "quantity": Decimal("2"), "unit_price": Decimal("4800")}],
    )
    opp.refresh_from_db()
    q = services_quotes.quote_from_opportunity(actor=mgr_east, opportunity=opp)
    assert q.customer == pipeline_east_customer and q.opportunity == opp
    assert q.owner == rep_east and q.title == opp.name
    (line,) = q.lines.all()
    assert line.product == product and line.unit_price == Decimal("4800")
    assert q.net_amount == Decimal("9600.00")


def test_bad_lines_are_field_errors(rep_east: Any, pipeline_east_customer: Any, quote_product: Any):
    with pytest.raises(ValidationFailed) as exc:
        services_quotes.quote_create(
            actor=rep_east,
            customer=pipeline_east_customer,
            lines=[{"product": quote_product, "quantity": Decimal("0")}],
        )
    assert "lines.0.quantity" in exc.value.fields


def test_send_without_approval_then_accept(east_quote: Quote, rep_east: Any):
    q = services_quotes.quote_transition(
        quote=east_quote, to=S.SENT, version=east_quote.version, actor=rep_east
    )
    assert q.status == S.SENT and q.sent_at is not None
    assert approvals.approval_pending_for(q) is None
    with pytest.raises(StaleVersion):
        services_quotes.quote_transition(
            quote=q, to=S.ACCEPTED, version=east_quote.version, actor=rep_east
        )
    with pytest.raises(Conflict) as exc:
        services_quotes.quote_update(quote=q, version=q.version, actor=rep_east, title="x")
    assert exc.value.code == "not_editable"
    q = services_quotes.quote_transition(quote=q, to=S.ACCEPTED, version=q.version, actor=rep_east)
    assert q.status == S.ACCEPTED and q.decided_on == timezone.localdate()
    with pytest.raises(Conflict) as exc:
        services_quotes.quote_transition(quote=q, to=S.REJECTED, version=q.version, actor=rep_east)
    assert exc.value.code == "invalid_transition"


def _discount(q: Quote, actor: Any, pct: str, product: Any) -> Quote:
    return services_quotes.quote_update(
        quote=q,
        version=q.version,
        actor=actor,
        lines=[{"product": product, "quantity": Decimal("1"), "discount_pct": Decimal(pct)}],
    )


def test_high_discount_waits_for_the_manager_and_is_locked(
    east_quote: Quote, rep_east: Any, mgr_east: Any, quote_product: Any
):
    q = _discount(east_quote, rep_east, "20", quote_product)
    q = services_quotes.quote_transition(quote=q, to=S.SENT, version=q.version, actor=rep_east)
    assert q.status == S.PENDING
    req = approvals.approval_pending_for(q)
    assert req is not None and req.approver == mgr_east and req.kind == "quote"
    assert Decimal(req.facts["discount_pct"]) == Decimal("20")
    with pytest.raises(DocumentLocked):
        services_quotes.quote_update(quote=q, version=q.version, actor=rep_east, title="改")
    approvals.approval_decide(req, user=mgr_east, approve=True, comment="同意")
    q.refresh_from_db()
    assert q.status == S.SENT and q.sent_at is not None


def test_rejected_approval_goes_back_to_draft_with_the_comment(
    east_quote: Quote, rep_east: Any, mgr_east: Any, quote_product: Any
):
    q = _discount(east_quote, rep_east, "30", quote_product)
    q = services_quotes.quote_transition(quote=q, to=S.SENT, version=q.version, actor=rep_east)
    req = approvals.approval_pending_for(q)
    assert req is not None
    approvals.approval_decide(req, user=mgr_east, approve=False, comment="折扣太高")
    q.refresh_from_db()
    assert q.status == S.DRAFT and q.status_comment == "折扣太高"
    _discount(q, rep_east, "10", quote_product)  # editable again


def test_withdraw_a_pending_request(east_quote: Quote, rep_east: Any, quote_product: Any):
    q = _discount(east_quote, rep_east, "30", quote_product)
    q = services_quotes.quote_transition(quote=q, to=S.SENT, version=q.version, actor=rep_east)
    q = services_quotes.quote_transition(quote=q, to=S.DRAFT, version=q.version, actor=rep_east)
    assert q.status == S.DRAFT
    assert approvals.approvals_of(q).get().status == ApprovalStatus.CANCELLED


def test_revise_creates_the_next_version(east_quote: Quote, rep_east: Any):
    q = services_quotes.quote_transition(
        quote=east_quote, to=S.SENT, version=east_quote.version, actor=rep_east
    )
    with pytest.raises(StaleVersion):
        services_quotes.quote_revise(quote=east_quote, version=q.version + 5, actor=rep_east)
    new = services_quotes.quote_revise(quote=q, version=q.version, actor=rep_east)
    q.refresh_from_db()
    assert q.status == S.SUPERSEDED
    assert new.number == q.number and new.revision == 2 and new.previous == q
    assert new.status == S.DRAFT and new.gross_amount == q.gross_amount
    assert new.lines.count() == q.lines.count()
    assert str(new).startswith(f"{q.number}-2")
    with pytest.raises(Conflict):
        services_quotes.quote_revise(quote=new, version=new.version, actor=rep_east)


def test_expiry_is_idempotent(east_quote: Quote, rep_east: Any):
    q = services_quotes.quote_transition(
        quote=east_quote, to=S.SENT, version=east_quote.version, actor=rep_east
    )
    later = q.valid_until + timedelta(days=1)
    assert services_quotes.quotes_expire(q.valid_until) == 0
    assert services_quotes.quotes_expire(later) == 1
    assert services_quotes.quotes_expire(later) == 0
    q.refresh_from_db()
    assert q.status == S.EXPIRED


def test_expiring_reminder_goes_to_the_owner(east_quote: Quote, rep_east: Any):
    from crm.sales.reminders import quotes_expiring

    q = services_quotes.quote_transition(
        quote=east_quote, to=S.SENT, version=east_quote.version, actor=rep_east
    )
    assert list(quotes_expiring(q.valid_until - timedelta(days=10))) == []
    (r,) = quotes_expiring(q.valid_until - timedelta(days=2))
    assert r.user_id == rep_east.pk and r.key == f"quote-expiring:{q.pk}"


def test_delete_only_drafts(east_quote: Quote, rep_east: Any):
    q = services_quotes.quote_transition(
        quote=east_quote, to=S.SENT, version=east_quote.version, actor=rep_east
    )
    with pytest.raises(Conflict):
        services_quotes.quote_delete(quote=q, actor=rep_east)


_amounts = st.decimals(min_value=0, max_value=10**6, places=4, allow_nan=False)


@settings(max_examples=200, deadline=None)
@given(
    lines=st.lists(
        st.fixed_dictionaries(
            {
                "quantity": st.decimals(min_value="0.001", max_value=10**5, places=3),
                "unit_price": _amounts,
                "discount_pct": st.decimals(min_value=0, max_value=100, places=2),
                "tax_rate": st.sampled_from([Decimal(x) for x in ("0", "6", "9", "13")]),
            }
        ),
        min_size=0,
        max_size=20,
    ),
    amount_places=st.integers(min_value=0, max_value=4),
)
def test_line_totals_always_sum_to_the_document_totals(
    lines: list[dict[str, Decimal]], amount_places: int
) -> None:
    p = Places(amount=amount_places, price=4, quantity=3)
    t = document_totals(lines, p)
    assert t.net == sum((line.net for line in t.lines), Decimal(0))
    assert t.tax == sum((line.tax for line in t.lines), Decimal(0))
    assert t.gross == sum((line.gross for line in t.lines), Decimal(0)) == t.net + t.tax
    for line in t.lines:
        assert line.gross == line.net + line.tax
        assert -line.net.as_tuple().exponent <= amount_places  # type: ignore[operator]
        assert line.net <= quantize(line.quantity * line.unit_price, amount_places)
