"""Article writes: sanitised on save, versioned (stale → StaleVersion), audited, soft-deleted;
"this solved it" counts each ticket once; categories are unique by name."""

from typing import Any

import pytest

from crm.core.audit import history_for
from crm.core.errors import Conflict, StaleVersion, ValidationFailed
from crm.core.models import AuditAction
from crm.knowledge import services
from crm.knowledge.models import Article, ArticleCategory, ArticleHelpful, ArticleStatus

pytestmark = pytest.mark.usefixtures("demo_once")


def test_create_sanitises_and_keys(agent: Any, category: ArticleCategory) -> None:
    a = services.article_create(
        actor=agent,
        title=" 潤滑油變質 ",
        body='<p onclick="x">取樣<script>alert(1)</script></p>',
        category=category,
    )
    assert a.title == "潤滑油變質" and a.status == ArticleStatus.DRAFT and a.published_at is None
    assert a.body == "<p>取樣</p>" and a.body_text == "取樣"
    assert "润滑油变质" in a.search_text and "rhyb" in a.search_text and "取样" in a.search_text
    assert a.created_by == agent and [h.action for h in history_for(a)] == [AuditAction.CREATE]


def test_create_field_errors(agent: Any, category: ArticleCategory) -> None:
    with pytest.raises(ValidationFailed) as e:
        services.article_create(actor=agent, title="  ")
    assert "title" in e.value.fields
    with pytest.raises(ValidationFailed) as e:
        services.article_create(actor=agent, title="x" * 201)
    assert "title" in e.value.fields
    with pytest.raises(ValidationFailed) as e:
        services.article_create(actor=agent, title="x", status="bogus")
    assert "status" in e.value.fields
    services.category_update(category=category, actor=agent, active=False)
    category.refresh_from_db()
    with pytest.raises(ValidationFailed) as e:
        services.article_create(actor=agent, title="x", category=category)
    assert "category" in e.value.fields


def test_update_with_version_history_and_publication(agent: Any) -> None:
    a = services.article_create(actor=agent, title="齿轮油", body="旧")
    b = services.article_update(
        article=a, version=a.version, actor=agent, body="<p>新<em>内容</em></p>", status="published"
    )
    assert b.version == a.version + 1 and b.body == "<p>新<em>内容</em></p>"
    assert b.body_text == "新内容" and "新内容" in b.search_text and b.published_at is not None
    stored = Article.objects.get(pk=a.pk)
    assert stored.search_text == b.search_text and stored.body_text == "新内容"
    entry = history_for(b).first()
    assert entry is not None and entry.action == AuditAction.UPDATE
    assert {"body", "status", "published_at"} <= set(entry.changes)
    assert "search_text" not in entry.changes
    with pytest.raises(StaleVersion):
        services.article_update(article=a, version=a.version, actor=agent, title="再改")
    c = services.article_update(article=b, version=b.version, actor=agent, title="齿轮油异响")
    assert "clyyx" in Article.objects.get(pk=a.pk).search_text
    assert c.published_at == b.published_at  # published once, the date stays


def test_soft_delete_and_restore(agent: Any, admin: Any, article: Article) -> None:
    services.article_delete(article=article, actor=admin)
    assert not Article.objects.filter(pk=article.pk).exists()
    assert Article.all_objects.get(pk=article.pk).is_deleted
    services.article_restore(article=article, actor=admin)
    assert Article.objects.filter(pk=article.pk).exists()
    actions = [h.action for h in history_for(article)]
    assert actions[:2] == [AuditAction.RESTORE, AuditAction.DELETE]


def test_helpful_counts_each_ticket_once(
    agent: Any, admin: Any, article: Article, west_ticket: Any, make_ticket: Any
) -> None:
    version = article.version
    assert services.article_mark_helpful(article=article, ticket=west_ticket, actor=agent)
    assert article.helpful_count == 1
    assert not services.article_mark_helpful(article=article, ticket=west_ticket, actor=admin)
    assert article.helpful_count == 1
    other = make_ticket("液压油乳化")
    assert services.article_mark_helpful(article=article, ticket=other, actor=agent)
    article.refresh_from_db()
    assert article.helpful_count == 2 and article.version == version
    mark = ArticleHelpful.objects.get(article=article, ticket=west_ticket)
    assert mark.user == agent


def test_draft_cannot_be_marked(agent: Any, west_ticket: Any) -> None:
    draft = services.article_create(actor=agent, title="草稿")
    with pytest.raises(Conflict):
        services.article_mark_helpful(article=draft, ticket=west_ticket, actor=agent)
    assert not ArticleHelpful.objects.exists()


def test_categories(admin: Any, category: ArticleCategory) -> None:
    new = services.category_create(actor=admin, name=" 设备选型 ", order=5)
    assert new.name == "设备选型"
    with pytest.raises(ValidationFailed):
        services.category_create(actor=admin, name="设备选型")
    with pytest.raises(ValidationFailed):
        services.category_update(category=new, actor=admin, name=category.name)
    changed = services.category_update(category=new, actor=admin, name="选型", active=False)
    assert (changed.name, changed.active) == ("选型", False)
    assert history_for(changed).first().changes["name"]["new"] == "选型"  # type: ignore[union-attr]
