"""Fixtures of the knowledge base tests: articles, products and tickets made through the
services."""

from typing import Any

import pytest

from crm.customers import services as customer_services
from crm.knowledge import services
from crm.knowledge.models import Article, ArticleCategory, ArticleStatus
from crm.knowledge.seed import seed_categories
from crm.products import services as product_services
from crm.products.models import Product, UnitOfMeasure
from crm.service import services as ticket_services
from crm.service.models import Ticket, TicketType


@pytest.fixture
def category(db: Any) -> ArticleCategory:
    seed_categories(ArticleCategory)
    return ArticleCategory.objects.get(name="故障排除")


@pytest.fixture
def oil(admin: Any) -> Product:
    return product_services.product_create(
        actor=admin,
        code="KB-HM46",
        name="抗磨液压油",
        unit=UnitOfMeasure.objects.order_by("pk").first(),
        list_price="3150",
    )


@pytest.fixture
def article(agent: Any, category: ArticleCategory) -> Article:
    return services.article_create(
        actor=agent,
        title="润滑油变质发黑的处理",
        body="<p>先取样检测<strong>酸值</strong>和水分。</p>",
        category=category,
        status=ArticleStatus.PUBLISHED,
    )


@pytest.fixture
def make_article(agent: Any) -> Any:
    def make(title: str, body: str = "", **kwargs: Any) -> Article:
        kwargs.setdefault("status", ArticleStatus.PUBLISHED)
        return services.article_create(actor=agent, title=title, body=body, **kwargs)

    return make


@pytest.fixture
def west_customer(rep_west: Any) -> Any:
    return customer_services.customer_create(actor=rep_west, name="成都蜀能贸易有限公司")


@pytest.fixture
def make_ticket(agent: Any, west_customer: Any) -> Any:
    def make(title: str, **kwargs: Any) -> Ticket:
        return ticket_services.ticket_create(
            actor=agent,
            customer=west_customer,
            title=title,
            type=TicketType.objects.get(code="complaint"),
            **kwargs,
        )

    return make


@pytest.fixture
def west_ticket(make_ticket: Any) -> Ticket:
    return make_ticket("润滑油变质")
