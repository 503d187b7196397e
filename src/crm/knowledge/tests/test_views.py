"""Knowledge pages: list with search, filters, sorting, pagination and empty state; detail;
create and edit with field errors and stale versions; delete with confirmation; the ticket's
suggestions panel and "this solved it"; categories for system managers."""

from typing import Any

import pytest

from crm.knowledge import services
from crm.knowledge.models import Article, ArticleCategory, ArticleHelpful, ArticleStatus

pytestmark = pytest.mark.usefixtures("demo_once")


def test_list_search_filters_empty_state(
    page_client: Any, rep_east: Any, article: Article, make_article: Any, oil: Any
) -> None:
    other = make_article("液压油乳化", product=oil)
    draft = make_article("内部草稿", status=ArticleStatus.DRAFT)
    client = page_client(rep_east)
    body = client.get("/knowledge/").content.decode()
    assert article.title in body and other.title in body and draft.title not in body
    assert 'id="article-new"' not in body and 'id="filter-status"' not in body
    body = client.get("/knowledge/", {"q": "rhy"}).content.decode()
    assert article.title in body and other.title not in body
    body = client.get("/knowledge/", {"product": oil.pk, "sort": "helpful"}).content.decode()
    assert other.title in body and article.title not in body
    body = client.get("/knowledge/", {"category": article.category_id}).content.decode()
    assert article.title in body and other.title not in body
    r = client.get("/knowledge/", {"q": "不存在的词"})
    assert 'id="article-empty"' in r.content.decode()
    r = client.get("/knowledge/", {"product": "9" * 30, "sort": "x", "page": "y", "status": "z"})
    assert r.status_code == 200 and article.title in r.content.decode()


def test_list_paginates(page_client: Any, agent: Any, make_article: Any) -> None:
    for i in range(22):
        make_article(f"分页文章 {i:02d}")
    client = page_client(agent)
    first = client.get("/knowledge/", {"sort": "title"}).content.decode()
    second = client.get("/knowledge/", {"sort": "title", "page": 2}).content.decode()
    assert "分页文章 00" in first and "分页文章 21" not in first and "分页文章 21" in second
    assert 'id="article-new"' in first


def test_empty_knowledge_base(page_client: Any, agent: Any) -> None:
    body = page_client(agent).get("/knowledge/").content.decode()
    assert 'id="article-empty"' in body and "/knowledge/new/" in body


def test_create_with_field_errors_then_detail(
    page_client: Any, agent: Any, category: ArticleCategory, oil: Any
) -> None:
    client = page_client(agent)
    assert client.get("/knowledge/new/").status_code == 200
    r = client.post("/knowledge/new/", {"title": "", "status": "published"})
    assert r.status_code == 422 and "is-invalid" in r.content.decode()
    r = client.post(
        "/knowledge/new/",
        {
            "title": "液压油乳化",
            "status": "published",
            "category": category.pk,
            "product": oil.pk,
            "body": '<p>排水<img src=x onerror="alert(1)"></p>',
        },
    )
    a = Article.objects.get(title="液压油乳化")
    assert r.status_code == 302 and r["Location"] == f"/knowledge/{a.pk}/"
    body = client.get(r["Location"]).content.decode()
    assert "<p>排水</p>" in body and "onerror" not in body and oil.name in body
    assert 'id="history"' in body and 'id="article-edit"' in body


def test_edit_and_stale_version(page_client: Any, agent: Any, article: Article) -> None:
    client = page_client(agent)
    form = client.get(f"/knowledge/{article.pk}/edit/").content.decode()
    assert article.title in form
    data = {"title": "新标题", "status": "published", "body": "新", "version": article.version}
    r = client.post(f"/knowledge/{article.pk}/edit/", data)
    assert r.status_code == 302
    r = client.post(f"/knowledge/{article.pk}/edit/", {**data, "title": "旧版本的修改"})
    assert r.status_code == 409 and "alert-danger" in r.content.decode()
    article.refresh_from_db()
    assert article.title == "新标题"


def test_readers_cannot_write(page_client: Any, rep_east: Any, article: Article) -> None:
    client = page_client(rep_east)
    assert client.get(f"/knowledge/{article.pk}/").status_code == 200
    assert client.get("/knowledge/new/").status_code == 403
    assert client.get(f"/knowledge/{article.pk}/edit/").status_code == 403
    assert client.post(f"/knowledge/{article.pk}/delete/").status_code == 403


def test_delete_with_confirmation(page_client: Any, admin: Any, article: Article) -> None:
    client = page_client(admin)
    r = client.get(f"/knowledge/{article.pk}/delete/")
    assert r.status_code == 200 and 'id="confirm-delete"' in r.content.decode()
    assert Article.objects.filter(pk=article.pk).exists()
    r = client.post(f"/knowledge/{article.pk}/delete/")
    assert r.status_code == 302 and r["Location"] == "/knowledge/"
    assert not Article.objects.filter(pk=article.pk).exists()
    assert client.get(f"/knowledge/{article.pk}/").status_code == 404


def test_ticket_panel_and_this_solved_it(
    page_client: Any, agent: Any, mgr_west: Any, article: Article, west_ticket: Any
) -> None:
    client = page_client(agent)
    body = client.get(f"/service/tickets/{west_ticket.pk}/").content.decode()
    assert 'data-panel="knowledge"' in body and article.title in body and "kb-helpful" in body
    # a reader of the ticket sees the suggestion but no button
    other = page_client(mgr_west).get(f"/service/tickets/{west_ticket.pk}/").content.decode()
    assert article.title in other and "kb-helpful" not in other
    r = client.post(f"/knowledge/{article.pk}/helpful/", {"ticket": west_ticket.pk})
    assert r.status_code == 302 and r["Location"] == f"/service/tickets/{west_ticket.pk}/"
    client.post(f"/knowledge/{article.pk}/helpful/", {"ticket": west_ticket.pk})
    article.refresh_from_db()
    assert article.helpful_count == 1 and ArticleHelpful.objects.count() == 1
    body = client.get(f"/service/tickets/{west_ticket.pk}/").content.decode()
    assert "kb-helpful" not in body
    detail = client.get(f"/knowledge/{article.pk}/").content.decode()
    assert 'id="article-helpful"' in detail and west_ticket.number in detail
    assert page_client(mgr_west).post(
        f"/knowledge/{article.pk}/helpful/", {"ticket": west_ticket.pk}
    ).status_code in (403, 404)
    r = client.post(f"/knowledge/{article.pk}/helpful/", {"ticket": "x"})
    assert r.status_code == 302 and ArticleHelpful.objects.count() == 1


def test_helpful_on_a_draft_is_refused(page_client: Any, agent: Any, west_ticket: Any) -> None:
    draft = services.article_create(actor=agent, title="草稿")
    r = page_client(agent).post(f"/knowledge/{draft.pk}/helpful/", {"ticket": west_ticket.pk})
    assert r.status_code == 302 and not ArticleHelpful.objects.exists()


def test_categories_page(page_client: Any, admin: Any, agent: Any, category: Any) -> None:
    client = page_client(admin)
    assert category.name in client.get("/knowledge/categories/").content.decode()
    assert (
        client.post("/knowledge/categories/", {"name": category.name, "order": 1}).status_code
        == 422
    )
    r = client.post("/knowledge/categories/", {"name": "设备选型", "order": 1})
    assert r.status_code == 302 and ArticleCategory.objects.filter(name="设备选型").exists()
    r = client.post(f"/knowledge/categories/{category.pk}/", {"name": "排障", "order": 0})
    category.refresh_from_db()
    assert r.status_code == 302 and (category.name, category.active) == ("排障", False)
    assert client.get("/knowledge/categories/999999/").status_code == 404
    assert page_client(agent).get("/knowledge/categories/").status_code == 403
