"""Reading articles: everyone with the service module reads published articles whatever their
unit; drafts only editors; search by substring, pinyin, initials and traditional characters;
suggestions for a ticket (product first, then its words)."""

from typing import Any

import pytest

from crm.core.errors import NotFound
from crm.knowledge import selectors, services
from crm.knowledge.models import Article, ArticleStatus
from crm.knowledge.selectors import ArticleFilters

pytestmark = pytest.mark.usefixtures("demo_once")


def _titles(user: Any, **filters: Any) -> list[str]:
    return [a.title for a in selectors.articles_for_user(user, ArticleFilters(**filters))]


def test_published_for_all_service_readers_drafts_for_editors(
    agent: Any, rep_east: Any, mgr_west: Any, marketer: Any, make_article: Any
) -> None:
    pub = make_article("公开文章")
    draft = make_article("草稿文章", status=ArticleStatus.DRAFT)
    for reader in (rep_east, mgr_west):
        assert _titles(reader) == ["公开文章"]
        assert selectors.article_get_for_user(user=reader, pk=pub.pk) == pub
        with pytest.raises(NotFound):
            selectors.article_get_for_user(user=reader, pk=draft.pk)
    assert set(_titles(agent)) == {"公开文章", "草稿文章"}
    assert _titles(agent, status="draft") == ["草稿文章"]
    with pytest.raises(NotFound):  # no service right at all
        selectors.articles_for_user(marketer)
    with pytest.raises(NotFound):
        selectors.article_get_for_user(user=agent, pk="x")


@pytest.mark.parametrize(
    "query",
    ["润滑油", "rhy", "runhuayou", "潤滑油", "RHY", "滑油", "变质 rhy", "黑的处理", "酸值"],
)
def test_search(rep_east: Any, article: Article, make_article: Any, query: str) -> None:
    make_article("液压油乳化", "水分超标")
    assert _titles(rep_east, search=query) == [article.title]


def test_filters_and_sorting(
    agent: Any, article: Article, make_article: Any, oil: Any, west_ticket: Any
) -> None:
    other = make_article("液压油乳化", product=oil)
    services.article_mark_helpful(article=article, ticket=west_ticket, actor=agent)
    assert _titles(agent, product=oil.pk) == [other.title]
    assert _titles(agent, category=article.category_id) == [article.title]
    assert _titles(agent, ordering="helpful") == [article.title, other.title]
    assert _titles(agent, ordering="title")[0] in (article.title, other.title)
    assert _titles(agent, ordering="bogus") == [other.title, article.title]


def test_ticket_terms() -> None:
    assert selectors.ticket_terms("润滑油变质") == ["润滑油", "滑油变", "油变质"]
    assert selectors.ticket_terms("漏油！L-HM46 有限公司", "乳化") == [
        "漏油",
        "l-hm46",
        "乳化",
    ]
    assert len(selectors.ticket_terms("甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉")) == 12


def test_suggestions_product_first_then_words(
    agent: Any, rep_east: Any, make_article: Any, make_ticket: Any, oil: Any
) -> None:
    by_product = make_article("储存要求", product=oil)
    by_title = make_article("液压油乳化发白的处理")
    by_body = make_article("油品检查", "<p>液压油乳化时先排水</p>")
    make_article("液压油乳化（草稿）", status=ArticleStatus.DRAFT)
    make_article("无关文章", "刨花板封边")
    ticket = make_ticket("液压油乳化", description="设备油箱发白", product=oil)
    found = selectors.suggestions_for_ticket(agent, ticket)
    assert found == [by_product, by_title, by_body]
    assert selectors.suggestions_for_ticket(rep_east, ticket) == found
    assert selectors.suggestions_for_ticket(agent, ticket, limit=2) == [by_product, by_title]
    plain = make_ticket("完全不相关的事")
    assert selectors.suggestions_for_ticket(agent, plain) == []


def test_suggestions_at_most_five(agent: Any, make_article: Any, make_ticket: Any) -> None:
    for i in range(7):
        make_article(f"润滑油问题 {i}")
    assert len(selectors.suggestions_for_ticket(agent, make_ticket("润滑油变质"))) == 5
