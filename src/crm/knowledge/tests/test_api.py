"""The knowledge API: list with search, create, read, patch with version (409), delete,
"this solved it" once per ticket, categories; errors with the common body."""

from typing import Any

import pytest

from crm.knowledge.models import Article, ArticleCategory, ArticleStatus

pytestmark = pytest.mark.usefixtures("demo_once")


def test_crud_main_path(
    api_client: Any, agent: Any, admin: Any, category: ArticleCategory, oil: Any
) -> None:
    client = api_client(agent)
    r = client.post_json(
        "/api/v1/knowledge/articles",
        {
            "title": "润滑油变质",
            "body": "<p>取样<script>x</script></p>",
            "product_id": oil.pk,
            "category_id": category.pk,
            "status": "published",
        },
    )
    assert r.status_code == 201, r.content
    a = r.json()
    assert a["body"] == "<p>取样</p>" and a["product"]["id"] == oil.pk and a["version"] == 1
    assert a["category"] == {"id": category.pk, "name": category.name}
    r = client.get("/api/v1/knowledge/articles", {"search": "rhy"})
    assert [i["id"] for i in r.json()["items"]] == [a["id"]]
    r = client.get("/api/v1/knowledge/articles", {"search": "不存在"})
    assert r.json()["count"] == 0
    r = client.patch_json(
        f"/api/v1/knowledge/articles/{a['id']}",
        {"version": 1, "title": "润滑油变质发黑", "product_id": None},
    )
    assert r.status_code == 200 and r.json()["version"] == 2 and r.json()["product"] is None
    r = client.patch_json(f"/api/v1/knowledge/articles/{a['id']}", {"version": 1, "title": "x"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "stale_version"
    assert client.get(f"/api/v1/knowledge/articles/{a['id']}").json()["title"] == "润滑油变质发黑"
    assert client.delete(f"/api/v1/knowledge/articles/{a['id']}").status_code == 403
    assert api_client(admin).delete(f"/api/v1/knowledge/articles/{a['id']}").status_code == 204
    assert client.get(f"/api/v1/knowledge/articles/{a['id']}").status_code == 404


def test_input_errors(api_client: Any, agent: Any) -> None:
    client = api_client(agent)
    r = client.post_json("/api/v1/knowledge/articles", {"title": ""})
    assert r.status_code == 422 and "title" in r.json()["error"]["fields"]
    r = client.post_json(
        "/api/v1/knowledge/articles", {"title": "x", "category_id": 999999, "product_id": 999999}
    )
    assert r.status_code == 422
    assert set(r.json()["error"]["fields"]) == {"category_id", "product_id"}
    r = client.post_json("/api/v1/knowledge/articles", {"title": "x", "status": "gone"})
    assert r.status_code == 422
    r = client.get("/api/v1/knowledge/articles", {"ordering": "nope"})
    assert r.status_code == 422
    r = client.get("/api/v1/knowledge/articles", {"search": "a\x00b"})
    assert r.status_code == 200


def test_drafts_and_filters(api_client: Any, agent: Any, rep_east: Any, make_article: Any) -> None:
    pub = make_article("公开")
    draft = make_article("草稿", status=ArticleStatus.DRAFT)
    ids = {i["id"] for i in api_client(rep_east).get("/api/v1/knowledge/articles").json()["items"]}
    assert pub.pk in ids and draft.pk not in ids
    assert api_client(rep_east).get(f"/api/v1/knowledge/articles/{draft.pk}").status_code == 404
    r = api_client(agent).get("/api/v1/knowledge/articles", {"status": "draft"})
    assert [i["id"] for i in r.json()["items"]] == [draft.pk]


def test_helpful_once_per_ticket(
    api_client: Any, agent: Any, rep_east: Any, article: Article, west_ticket: Any
) -> None:
    client = api_client(agent)
    url = f"/api/v1/knowledge/articles/{article.pk}/helpful"
    r = client.post_json(url, {"ticket_id": west_ticket.pk})
    assert r.status_code == 200 and r.json() == {"counted": True, "helpful_count": 1}
    r = client.post_json(url, {"ticket_id": west_ticket.pk})
    assert r.json() == {"counted": False, "helpful_count": 1}
    assert client.post_json(url, {"ticket_id": 999999}).status_code == 404
    assert api_client(rep_east).post_json(url, {"ticket_id": west_ticket.pk}).status_code == 403
    draft = Article.objects.create(title="草稿", status=ArticleStatus.DRAFT)
    r = client.post_json(
        f"/api/v1/knowledge/articles/{draft.pk}/helpful", {"ticket_id": west_ticket.pk}
    )
    assert r.status_code == 409


def test_categories(api_client: Any, rep_east: Any, category: ArticleCategory) -> None:
    r = api_client(rep_east).get("/api/v1/knowledge/categories")
    assert r.status_code == 200 and category.name in [c["name"] for c in r.json()]


def test_ids_beyond_64_bits(api_client: Any, agent: Any, article: Article) -> None:
    client = api_client(agent)
    big = 2**70
    assert client.get(f"/api/v1/knowledge/articles/{big}").status_code == 404
    r = client.post_json(f"/api/v1/knowledge/articles/{article.pk}/helpful", {"ticket_id": big})
    assert r.status_code == 422
    r = client.get("/api/v1/knowledge/articles", {"product_id": big})
    assert r.status_code == 422
    r = client.post_json("/api/v1/knowledge/articles", {"title": "x", "category_id": big})
    assert r.status_code == 422


def test_body_must_be_an_object(api_client: Any, agent: Any) -> None:
    r = api_client(agent).post_json("/api/v1/knowledge/articles", "abc")
    assert r.status_code == 422 and not Article.objects.filter(title="Abc").exists()
