"""Opportunities (SAL-2) through the services: defaults, lines, stage moves with history and
time in stage, stale versions, won/lost, scope of the selectors."""

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from crm.core.errors import Conflict, NotFound, StaleVersion, ValidationFailed
from crm.customers import services as customer_services
from crm.sales import selectors, services, services_stages
from crm.sales.models import Opportunity, OpportunityStatus, StageChange
from crm.sales.stages import stage_set

from .conftest import in_days

pytestmark = pytest.mark.usefixtures("demo_once")


def test_create_defaults_to_first_stage_its_probability_and_the_owners_unit(
    east_opportunity: Any, rep_east: Any, default_stages: Any
) -> None:
    o = east_opportunity
    assert o.stage == default_stages[0] and o.probability == 10
    assert o.owner == rep_east and o.org_unit == rep_east.unit
    assert o.status == OpportunityStatus.OPEN and o.stage_entered_at is not None
    first = StageChange.objects.get(opportunity=o)
    assert first.from_stage is None and first.to_stage == default_stages[0]


def test_lines_make_the_amount(
    rep_east: Any, pipeline_east_customer: Any, product: Any, make_opportunity: Any
) -> None:
    o = make_opportunity(
        rep_east,
        pipeline_east_customer,
        lines=[
            {"product": product, "quantity": Decimal("2.5"), "unit_price": Decimal("4800")},
            {"product": product, "quantity": Decimal("1"), "unit_price": None},  # list price
        ],
    )
    assert o.amount == Decimal("16850.00")
    assert [line.amount for line in o.lines.order_by("sort_order")] == [
        Decimal("12000.0000"),
        Decimal("4850.0000"),
    ]
    updated = services.opportunity_update(
        opportunity=o,
        version=o.version,
        actor=rep_east,
        lines=[{"product": product, "quantity": Decimal("1"), "unit_price": Decimal("100")}],
    )
    assert updated.amount == Decimal("100.00") and updated.lines.count() == 1
    with pytest.raises(ValidationFailed) as err:
        services.opportunity_update(
            opportunity=updated,
            version=updated.version,
            actor=rep_east,
            lines=[{"product": product, "quantity": Decimal("0"), "unit_price": None}],
        )
    assert "lines.0.quantity" in err.value.fields


def test_move_records_history_time_in_stage_and_probability(
    east_opportunity: Any, rep_east: Any, default_stages: Any
) -> None:
    o = east_opportunity
    Opportunity.objects.filter(pk=o.pk).update(stage_entered_at=timezone.now() - timedelta(days=3))
    o.refresh_from_db()
    moved = services.opportunity_move_stage(
        opportunity=o, stage=default_stages[2], version=o.version, actor=rep_east
    )
    assert moved.stage == default_stages[2] and moved.probability == 40
    assert moved.version == o.version + 1
    change = StageChange.objects.filter(opportunity=o).order_by("-id").first()
    assert change is not None and change.from_stage == default_stages[0]
    assert change.duration is not None and change.duration >= timedelta(days=3)
    assert change.changed_by == rep_east


def test_stale_move_is_refused_and_changes_nothing(
    east_opportunity: Any, rep_east: Any, default_stages: Any
) -> None:
    o = east_opportunity
    services.opportunity_update(opportunity=o, version=o.version, actor=rep_east, next_step="报价")
    with pytest.raises(StaleVersion):
        services.opportunity_move_stage(
            opportunity=o, stage=default_stages[1], version=o.version, actor=rep_east
        )
    assert Opportunity.objects.get(pk=o.pk).stage == default_stages[0]
    assert StageChange.objects.filter(opportunity=o).count() == 1


def test_won_and_lost(east_opportunity: Any, rep_east: Any, default_stages: Any) -> None:
    o = east_opportunity
    with pytest.raises(ValidationFailed) as err:
        services.opportunity_close(
            opportunity=o, won=False, reason="", version=o.version, actor=rep_east
        )
    assert "reason" in err.value.fields
    lost = services.opportunity_close(
        opportunity=o, won=False, reason="价格偏高", version=o.version, actor=rep_east
    )
    assert lost.status == OpportunityStatus.LOST and lost.probability == 0
    assert lost.closed_on == timezone.localdate() and lost.lost_reason == "价格偏高"
    # reopening clears the close
    reopened = services.opportunity_move_stage(
        opportunity=lost, stage=default_stages[3], version=lost.version, actor=rep_east
    )
    assert reopened.status == OpportunityStatus.OPEN and reopened.closed_on is None
    assert reopened.lost_reason == ""
    won = services.opportunity_close(
        opportunity=reopened, won=True, reason="", version=reopened.version, actor=rep_east
    )
    assert won.status == OpportunityStatus.WON and won.probability == 100


def test_stage_of_another_unit_is_refused(
    admin: Any, west_co: Any, east_opportunity: Any, rep_east: Any
) -> None:
    services_stages.stages_customise(business_unit=west_co, actor=admin)
    west_stage = stage_set(west_co)[0]
    with pytest.raises(ValidationFailed) as err:
        services.opportunity_move_stage(
            opportunity=east_opportunity,
            stage=west_stage,
            version=east_opportunity.version,
            actor=rep_east,
        )
    assert "stage" in err.value.fields


def test_moving_to_another_business_unit_maps_the_stage(
    admin: Any, west_co: Any, east_opportunity: Any, rep_west: Any, default_stages: Any
) -> None:
    services_stages.stages_customise(business_unit=west_co, actor=admin)
    o = services.opportunity_update(
        opportunity=east_opportunity, version=east_opportunity.version, actor=admin, owner=rep_west
    )
    assert o.org_unit == rep_west.unit
    assert o.stage.business_unit == west_co and o.stage.name == default_stages[0].name
    assert StageChange.objects.filter(opportunity=o, to_stage=o.stage).exists()


def test_contact_must_belong_to_the_customer(
    rep_east: Any, pipeline_east_customer: Any, pipeline_west_customer: Any
) -> None:
    other = customer_services.contact_create(
        customer=pipeline_west_customer, actor=None, name="赵强"
    )
    with pytest.raises(ValidationFailed) as err:
        services.opportunity_create(
            actor=rep_east,
            customer=pipeline_east_customer,
            name="x",
            expected_close=in_days(10),
            contact=other,
        )
    assert "contact" in err.value.fields


def test_bad_amount_and_probability(rep_east: Any, pipeline_east_customer: Any) -> None:
    with pytest.raises(ValidationFailed) as err:
        services.opportunity_create(
            actor=rep_east,
            customer=pipeline_east_customer,
            name="x",
            expected_close=in_days(10),
            amount="-1",
            probability=101,
        )
    assert {"amount", "probability"} <= set(err.value.fields)


def test_selectors_are_scoped(
    rep_east: Any, rep_west: Any, mgr_west: Any, east_opportunity: Any, west_opportunity: Any
) -> None:
    assert list(selectors.opportunities_for_user(rep_east)) == [east_opportunity]
    assert list(selectors.opportunities_for_user(mgr_west)) == [west_opportunity]
    with pytest.raises(NotFound):
        selectors.opportunity_get_for_user(user=rep_east, pk=west_opportunity.pk)
    assert selectors.opportunity_get_for_user(user=rep_west, pk=west_opportunity.pk)


def test_delete_and_restore(east_opportunity: Any, rep_east: Any, mgr_east: Any) -> None:
    services.opportunity_delete(opportunity=east_opportunity, actor=mgr_east)
    assert not selectors.opportunities_for_user(rep_east).exists()
    o = Opportunity.all_objects.get(pk=east_opportunity.pk)
    services.opportunity_restore(opportunity=o, actor=mgr_east)
    assert selectors.opportunities_for_user(rep_east).count() == 1


def test_restore_needs_the_customer(
    east_opportunity: Any, mgr_east: Any, pipeline_east_customer: Any
) -> None:
    services.opportunity_delete(opportunity=east_opportunity, actor=mgr_east)
    customer_services.customer_delete(customer=pipeline_east_customer, actor=mgr_east)
    o = Opportunity.all_objects.get(pk=east_opportunity.pk)
    with pytest.raises(Conflict):
        services.opportunity_restore(opportunity=o, actor=mgr_east)


def test_board_columns_totals_and_cap(
    rep_east: Any, pipeline_east_customer: Any, make_opportunity: Any, default_stages: Any
) -> None:
    for i in range(4):
        make_opportunity(rep_east, pipeline_east_customer, name=f"机会{i}", amount=1000 * (i + 1))
    columns = selectors.board_for_user(rep_east, None, cards=3)
    assert [c.stage.name for c in columns] == [s.name for s in default_stages]
    first = columns[0]
    assert first.count == 4 and first.amount == Decimal("10000")
    assert [c.amount for c in first.cards] == [Decimal("4000"), Decimal("3000"), Decimal("2000")]
    assert first.more == 1
    assert all(c.count == 0 for c in columns[1:])


def test_customer_summary(
    rep_east: Any, pipeline_east_customer: Any, make_opportunity: Any, default_stages: Any
) -> None:
    a = make_opportunity(rep_east, pipeline_east_customer, amount=1000)  # 10 %
    make_opportunity(rep_east, pipeline_east_customer, amount=500, stage=default_stages[4])
    services.opportunity_close(
        opportunity=a, won=True, reason="", version=a.version, actor=rep_east
    )
    s = selectors.customer_summary(rep_east, pipeline_east_customer)
    assert s["open_count"] == 1 and s["open_amount"] == Decimal("500")
    assert s["weighted"] == Decimal("400") and s["won_amount"] == Decimal("1000")
