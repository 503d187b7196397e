"""The demo pipeline: proportional to the customers, consistent, idempotent."""

from typing import Any

import pytest
from django.db.models import Count

from crm.customers.demo import load_customers
from crm.sales import selectors
from crm.sales.demo import load_sales
from crm.sales.models import Lead, Opportunity, OpportunityStatus, StageChange
from crm.sales.services_leads import lead_search_text

pytestmark = pytest.mark.usefixtures("demo_once")


def test_load_sales_is_proportional_consistent_and_idempotent(leader: Any) -> None:
    load_customers(400)
    made = load_sales(customers=400)
    n = Opportunity.objects.count()
    assert made["opportunities"] == n and 100 <= n <= 140  # about 0.3 per customer
    assert made["leads"] == Lead.objects.count() == 20
    # every opportunity has its history, ending in its current stage, and a sane status
    last = {}
    for c in StageChange.objects.order_by("changed_at", "id"):
        last[c.opportunity_id] = c.to_stage_id
    for o in Opportunity.objects.select_related("stage"):
        assert last[o.pk] == o.stage_id
        expected = "won" if o.stage.is_won else "lost" if o.stage.is_lost else "open"
        assert o.status == expected
        assert (o.closed_on is not None) == (o.status != OpportunityStatus.OPEN)
        assert o.probability == o.stage.probability
    counts = Opportunity.objects.values("customer").annotate(n=Count("id"))
    assert max(r["n"] for r in counts) == 1
    assert set(Opportunity.objects.values_list("status", flat=True)) == {"open", "won", "lost"}
    lead = Lead.objects.first()
    assert lead is not None and lead.search_text == lead_search_text(lead)
    # the board and the forecast read it
    columns = selectors.board_for_user(leader, None)
    assert sum(c.count for c in columns) == n
    assert selectors.forecast(leader, "quarter", "business_unit").rows
    # a second run creates nothing
    again = load_sales(customers=400)
    assert again["opportunities"] == 0 and again["leads"] == 0
