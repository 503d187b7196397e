"""Fixtures of the field-service tests: customers, equipment and plans made through the
services; experts are extra employees of the call centre (the demo has one service user)."""

from typing import Any

import pytest
from django.utils import timezone

from crm.customers import services as customer_services
from crm.customers.models import Customer
from crm.fieldservice import services
from crm.fieldservice.models import Equipment, EquipmentType, ServicePlan, Skill
from crm.org.models import Role, User


@pytest.fixture
def catalyst(db: Any) -> Skill:
    return Skill.objects.get(name="催化剂")


@pytest.fixture
def reactor(db: Any) -> EquipmentType:
    return EquipmentType.objects.get(name="反应器")


@pytest.fixture
def make_expert(agent: Any) -> Any:
    def make(username: str, *skills: Skill) -> User:
        user = User.objects.create(username=username, name=username, unit=agent.unit)
        user.roles.set([Role.objects.get(code="service_agent")])
        for skill in skills:
            services.expert_add(user=user, skill=skill, actor=None)
        return user

    return make


@pytest.fixture
def west_customer(rep_west: Any) -> Customer:
    return customer_services.customer_create(actor=rep_west, name="成都蜀能石化有限公司")


@pytest.fixture
def east_customer(rep_east: Any) -> Customer:
    return customer_services.customer_create(actor=rep_east, name="上海浦江炼化有限公司")


@pytest.fixture
def west_equipment(agent: Any, west_customer: Customer, reactor: EquipmentType) -> Equipment:
    return services.equipment_create(
        customer=west_customer,
        name="加氢反应器R-101",
        type=reactor,
        actor=agent,
        location="二号装置区",
    )


@pytest.fixture
def west_plan(agent: Any, west_equipment: Equipment) -> ServicePlan:
    return services.plan_create(
        equipment=west_equipment,
        name="催化剂年检",
        interval=6,
        interval_unit="months",
        next_due=timezone.localdate(),
        actor=agent,
    )
