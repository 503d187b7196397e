"""The knowledge base in the browser: an agent opens a ticket, sees a suggested article, marks
it as the solution, and the article shows the ticket it solved."""

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from .conftest import sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture(autouse=True)
def _ticket_types(e2e_demo: Any) -> None:
    """The types come from a data migration, which a transactional test's flush removes."""
    from crm.service.models import TicketCategory, TicketType
    from crm.service.seed import seed_types

    seed_types(TicketType, TicketCategory)


def test_agent_marks_a_suggested_article_helpful(page: Page, e2e_demo: Any) -> None:
    from crm.customers.services import customer_create
    from crm.knowledge.models import ArticleStatus
    from crm.knowledge.services import article_create
    from crm.service.models import TicketType
    from crm.service.services import ticket_create

    agent = e2e_demo["agent"]
    article = article_create(
        actor=agent,
        title="液压油乳化发白的原因与处理",
        body="<p>停机取样化验水分，排查冷却器。</p>",
        status=ArticleStatus.PUBLISHED,
    )
    customer = customer_create(actor=e2e_demo["rep_west_1"], name="成都蜀能贸易有限公司")
    ticket = ticket_create(
        actor=agent,
        customer=customer,
        title="液压油乳化，设备动作迟缓",
        type=TicketType.objects.get(code="repair"),
    )
    sign_in(page, "agent")
    page.goto(f"/service/tickets/{ticket.pk}/")
    suggestion = page.locator(f'#kb-suggestions [data-article="{article.pk}"]')
    expect(suggestion).to_contain_text("液压油乳化发白的原因与处理")
    suggestion.get_by_role("button", name="这解决了问题").click()
    expect(page.locator(".alert-success, .alert-info").first).to_contain_text("已标记")
    expect(suggestion.get_by_role("button")).to_have_count(0)
    page.goto(f"/knowledge/{article.pk}/")
    expect(page.locator("#article-helpful")).to_contain_text("1")
    expect(page.locator("#article-marks")).to_contain_text(ticket.number or "")
