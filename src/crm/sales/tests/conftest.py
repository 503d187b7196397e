"""Fixtures of the pipeline tests (stages, leads, opportunities, board, forecast): records made
through the services, as their owners would make them."""

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from crm.customers import services as customer_services
from crm.customers.models import Customer
from crm.org.models import OrgUnit
from crm.sales import services, services_leads
from crm.sales.models import Lead, Opportunity, Stage


def in_days(n: int) -> date:
    return timezone.localdate() + timedelta(days=n)


@pytest.fixture
def east_co(demo: Any) -> OrgUnit:
    return OrgUnit.objects.get(name="华东化工有限公司")


@pytest.fixture
def west_co(demo: Any) -> OrgUnit:
    return OrgUnit.objects.get(name="西南能源有限公司")


@pytest.fixture
def default_stages(db: Any) -> list[Stage]:
    return list(Stage.objects.filter(business_unit__isnull=True).order_by("order"))


@pytest.fixture
def pipeline_east_customer(rep_east: Any) -> Customer:
    return customer_services.customer_create(
        actor=rep_east, name="上海浦江化工有限公司", phone="021-55551234"
    )


@pytest.fixture
def pipeline_west_customer(rep_west: Any) -> Customer:
    return customer_services.customer_create(actor=rep_west, name="成都蜀能贸易有限公司")


@pytest.fixture
def make_opportunity() -> Callable[..., Opportunity]:
    """`make_opportunity(owner, customer, name=…, amount=…, **fields)` via the service."""

    def make(owner: Any, customer: Any, name: str = "年度采购", **fields: Any) -> Opportunity:
        fields.setdefault("expected_close", in_days(30))
        fields.setdefault("amount", Decimal("100000"))
        return services.opportunity_create(actor=owner, customer=customer, name=name, **fields)

    return make


@pytest.fixture
def east_opportunity(make_opportunity: Any, rep_east: Any, pipeline_east_customer: Any) -> Any:
    return make_opportunity(rep_east, pipeline_east_customer, name="浦江 MDI 年度采购")


@pytest.fixture
def west_opportunity(make_opportunity: Any, rep_west: Any, pipeline_west_customer: Any) -> Any:
    return make_opportunity(rep_west, pipeline_west_customer, name="蜀能 润滑油 年度采购")


@pytest.fixture
def make_lead() -> Callable[..., Lead]:
    def make(owner: Any, company: str = "杭州新材料有限公司", **fields: Any) -> Lead:
        return services_leads.lead_create(actor=owner, company=company, **fields)

    return make


@pytest.fixture
def east_lead(make_lead: Any, rep_east: Any) -> Lead:
    return make_lead(rep_east, "杭州龙井新材料有限公司", contact_name="王强", mobile="13912345678")


@pytest.fixture
def product(admin: Any) -> Any:
    from crm.products import services as product_services
    from crm.products.models import UnitOfMeasure

    return product_services.product_create(
        actor=admin,
        code="WH-MDI-100",
        name="纯MDI",
        unit=UnitOfMeasure.objects.get(code="t"),
        list_price=Decimal("4850"),
    )
