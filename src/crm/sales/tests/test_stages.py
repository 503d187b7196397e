"""Stages per business unit (SYS-5): the default seven, copy on first customisation, one unit's
changes never touch another's, a stage in use is retired not deleted, history."""

from typing import Any

import pytest

from crm.core.audit import history_for
from crm.core.errors import Conflict, ValidationFailed
from crm.sales import services_stages
from crm.sales.models import ForecastCategory, Opportunity, Stage
from crm.sales.seed import DEFAULT_STAGES
from crm.sales.stages import business_unit_of, stage_set, stage_set_for_unit

pytestmark = pytest.mark.usefixtures("demo_once")


def _names(unit: Any) -> list[str]:
    return list(stage_set(unit).values_list("name", flat=True))


def test_default_set_is_the_seven_step_process(default_stages: list[Stage]) -> None:
    assert [s.name for s in default_stages] == [
        "初步接触",
        "需求确认",
        "方案/报价",
        "商务谈判",
        "合同签订",
        "赢单",
        "输单",
    ]
    won, lost = default_stages[-2], default_stages[-1]
    assert won.is_won and won.probability == 100 and won.forecast_category == "closed"
    assert lost.is_lost and lost.probability == 0 and lost.forecast_category == "omitted"
    assert len(DEFAULT_STAGES) == 7


def test_business_unit_is_the_nearest_company(rep_east: Any, east_co: Any, admin: Any) -> None:
    assert business_unit_of(rep_east.unit) == east_co
    assert business_unit_of(admin.unit) is None  # group level: the default set
    assert _names(east_co) == _names(None)


def test_renaming_for_one_unit_copies_the_defaults_and_leaves_others(
    admin: Any, east_co: Any, west_co: Any, default_stages: list[Stage], east_opportunity: Any
) -> None:
    # when the admin renames the first stage for the east only
    renamed = services_stages.stage_update(
        stage=default_stages[0], business_unit=east_co, actor=admin, name="初次拜访"
    )
    # then the east has its own copy, renamed; the default set and the west are untouched
    assert renamed.business_unit == east_co and renamed.pk != default_stages[0].pk
    assert _names(east_co)[0] == "初次拜访"
    assert _names(None)[0] == "初步接触" and _names(west_co)[0] == "初步接触"
    # the east's opportunities moved to the east's copies
    east_opportunity.refresh_from_db()
    assert east_opportunity.stage == renamed
    # and the change is in the history
    assert history_for(renamed).filter(action="update").exists()


def test_reorder_and_create_stay_within_the_unit(admin: Any, east_co: Any, west_co: Any) -> None:
    services_stages.stages_customise(business_unit=west_co, actor=admin)
    west_before = list(stage_set(west_co).values_list("pk", "name", "order"))
    ids = list(stage_set(east_co).values_list("pk", flat=True))  # the defaults (not yet copied)
    ids[0], ids[1] = ids[1], ids[0]
    services_stages.stages_reorder(business_unit=east_co, ids=ids, actor=admin)
    assert _names(east_co)[:2] == ["需求确认", "初步接触"]
    new = services_stages.stage_create(business_unit=east_co, actor=admin, name="技术交流")
    # an open stage goes before the closing ones
    assert _names(east_co)[-3:] == ["技术交流", "赢单", "输单"]
    assert new.forecast_category == ForecastCategory.PIPELINE
    assert list(stage_set(west_co).values_list("pk", "name", "order")) == west_before
    assert _names(None)[:2] == ["初步接触", "需求确认"]


def test_reorder_needs_every_stage_once(admin: Any, default_stages: list[Stage]) -> None:
    with pytest.raises(ValidationFailed):
        services_stages.stages_reorder(
            business_unit=None, ids=[s.pk for s in default_stages[:3]], actor=admin
        )


def test_stage_in_use_cannot_be_deleted_but_can_be_retired(
    admin: Any, default_stages: list[Stage], east_opportunity: Any
) -> None:
    first = default_stages[0]
    with pytest.raises(Conflict) as err:
        services_stages.stage_delete(stage=first, business_unit=None, actor=admin)
    assert err.value.code == "stage_in_use"
    services_stages.stage_update(stage=first, business_unit=None, actor=admin, active=False)
    assert not Stage.objects.get(pk=first.pk).active
    assert Opportunity.objects.get(pk=east_opportunity.pk).stage_id == first.pk


def test_unused_stage_can_be_deleted(admin: Any) -> None:
    extra = services_stages.stage_create(business_unit=None, actor=admin, name="样品测试")
    services_stages.stage_delete(stage=extra, business_unit=None, actor=admin)
    assert not Stage.objects.filter(pk=extra.pk).exists()


def test_the_last_open_stage_cannot_be_retired(admin: Any, east_co: Any) -> None:
    services_stages.stages_customise(business_unit=east_co, actor=admin)
    open_ = [s for s in stage_set(east_co) if not s.is_closed]
    for s in open_[:-1]:
        services_stages.stage_update(stage=s, business_unit=east_co, actor=admin, active=False)
    with pytest.raises(Conflict):
        services_stages.stage_update(
            stage=open_[-1], business_unit=east_co, actor=admin, active=False
        )
    assert list(stage_set_for_unit(east_co, active_only=True).filter(is_won=False, is_lost=False))


def test_bad_input_is_a_field_error(admin: Any, default_stages: list[Stage]) -> None:
    with pytest.raises(ValidationFailed) as err:
        services_stages.stage_update(
            stage=default_stages[0], business_unit=None, actor=admin, probability=150
        )
    assert "probability" in err.value.fields
    with pytest.raises(ValidationFailed) as err:
        services_stages.stage_update(
            stage=default_stages[0], business_unit=None, actor=admin, name="需求确认"
        )
    assert "name" in err.value.fields
    with pytest.raises(ValidationFailed):
        services_stages.stage_update(
            stage=default_stages[0], business_unit=None, actor=admin, is_won=True, is_lost=True
        )


def test_a_won_stage_forecasts_as_closed(admin: Any) -> None:
    s = services_stages.stage_create(
        business_unit=None, actor=admin, name="部分赢单", is_won=True, probability=30
    )
    assert s.probability == 100 and s.forecast_category == ForecastCategory.CLOSED
