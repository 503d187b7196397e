"""The demo knowledge base: some 30 articles, linked to the demo catalogue, idempotent."""

from typing import Any

from crm.knowledge.demo import ARTICLES, load_articles
from crm.knowledge.models import Article, ArticleStatus
from crm.knowledge.selectors import ArticleFilters, articles_for_user
from crm.products.demo import load_products


def test_load_articles_idempotent(db: Any, demo: Any) -> None:
    load_products(customers=0)
    assert load_articles() == {"articles": len(ARTICLES)}
    assert load_articles() == {"articles": 0}
    assert Article.objects.count() == len(ARTICLES) >= 30
    assert Article.objects.filter(status=ArticleStatus.PUBLISHED).count() >= 29
    assert Article.objects.exclude(product=None).count() >= 20
    hits = articles_for_user(demo["agent"], ArticleFilters(search="yyy"))
    assert "液压油乳化发白的原因与处理" in [a.title for a in hits]
