"""The demo quotes and contracts: consistent with the opportunities, exact totals, idempotent."""

from decimal import Decimal
from typing import Any

import pytest
from django.db.models import Sum

from crm.customers.demo import load_customers
from crm.products.demo import load_products
from crm.sales.demo import load_sales
from crm.sales.demo_quotes import load_quotes
from crm.sales.models import Opportunity
from crm.sales.models_contracts import Contract, ContractLine
from crm.sales.models_quotes import Quote, QuoteLine

pytestmark = pytest.mark.usefixtures("demo_once")


def test_won_opportunities_get_accepted_quotes_and_contracts(db: Any) -> None:
    load_customers(300)
    load_products(customers=300)
    load_sales(customers=300)
    made = load_quotes()
    assert made["quotes"] == Quote.objects.count() > 0
    assert made["contracts"] == Contract.objects.count() > 0
    won = Opportunity.objects.filter(status="won")
    assert Contract.objects.filter(opportunity__in=won).count() == won.count()
    assert not Contract.objects.exclude(opportunity__status="won").exists()
    for q in Quote.objects.filter(opportunity__status="won"):
        assert q.status == "accepted"
    for c in Contract.objects.filter(is_framework=False).select_related("quote"):
        assert c.quote is not None and c.gross_amount == c.quote.gross_amount
    # the documents' totals are the sums of their lines
    for model, line_model, fk in (
        (Quote, QuoteLine, "quote"),
        (Contract, ContractLine, "contract"),
    ):
        sums = dict(
            line_model.objects.values_list(fk).annotate(s=Sum("gross_amount")).values_list(fk, "s")
        )
        for pk, gross in model.objects.filter(pk__in=sums).values_list("pk", "gross_amount"):
            assert sums[pk] == gross
    assert all(n.number == f"Q{n.pk:09d}" for n in Quote.objects.all()[:20])
    assert Quote.objects.filter(gross_amount__gt=Decimal(0)).exists()
    again = load_quotes()
    assert again == {"quotes": 0, "quote_lines": 0, "contracts": 0, "contract_lines": 0}
