"""API of the knowledge base: articles (list with search, create, read, patch with version,
delete), "this solved it" on a ticket, and the categories. Thin: parse → selector/service →
schema."""

from datetime import datetime
from enum import Enum
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from crm.api.schemas import (
    ERRORS,
    WRITE_ERRORS,
    Id,
    InputSchema,
    PageNumber,
    PageOut,
    PageSize,
    page_out,
    ref,
)
from crm.core.access import require
from crm.core.errors import Forbidden, ValidationFailed
from crm.core.modules import Action, Module
from crm.products.models import Product
from crm.service import selectors as ticket_selectors

from . import selectors, services
from .models import Article, ArticleStatus

router = Router(tags=["knowledge"])

Title = Annotated[str, Field(min_length=1, max_length=200)]
Body = Annotated[str, Field(max_length=100_000)]


class RefOut(Schema):
    id: int
    name: str


class ArticleOut(Schema):
    id: int
    title: str
    body: str
    body_text: str
    product: RefOut | None
    category: RefOut | None
    status: ArticleStatus
    published_at: datetime | None
    helpful_count: int
    created_at: datetime
    updated_at: datetime
    version: int


class ArticleIn(InputSchema):
    title: Title
    body: Body = Field("", description="HTML or plain text; sanitised to an allowlist of tags.")
    product_id: Id | None = None
    category_id: Id | None = None
    status: ArticleStatus = ArticleStatus.DRAFT


class ArticlePatch(InputSchema):
    version: int
    title: Title | None = None
    body: Body | None = None
    product_id: Id | None = None
    category_id: Id | None = None
    status: ArticleStatus | None = None


class HelpfulIn(InputSchema):
    ticket_id: Id


class HelpfulOut(Schema):
    counted: bool = Field(description="False: this ticket was counted for the article before.")
    helpful_count: int


class CategoryOut(Schema):
    id: int
    name: str
    order: int
    active: bool


def article_out(a: Article) -> dict[str, Any]:
    return {
        "id": a.pk,
        "title": a.title,
        "body": a.body,
        "body_text": a.body_text,
        "product": ref(a.product),
        "category": ref(a.category),
        "status": a.status,
        "published_at": a.published_at,
        "helpful_count": a.helpful_count,
        "created_at": a.created_at,
        "updated_at": a.updated_at,
        "version": a.version,
    }


def _resolve(data: dict[str, Any]) -> dict[str, Any]:
    """Ids → records; unknown ids are field errors."""
    errors: dict[str, list[str]] = {}
    if "product_id" in data:
        value = data.pop("product_id")
        data["product"] = Product.objects.filter(pk=value).first() if value else None
        if value and data["product"] is None:
            errors["product_id"] = [_("Unknown product.")]
    if "category_id" in data:
        value = data.pop("category_id")
        data["category"] = selectors.category_get(value) if value else None
        if value and data["category"] is None:
            errors["category_id"] = [_("Unknown category.")]
    if errors:
        raise ValidationFailed(fields=errors)
    return data


Ordering = Enum("Ordering", {o: o for o in selectors.ORDERINGS}, type=str)  # type: ignore[misc]


class ArticleQuery(Schema):
    search: str = Field("", description="Words of the title or text; pinyin and initials too.")
    product_id: Id | None = None
    category_id: Id | None = None
    status: ArticleStatus | None = None
    ordering: Ordering = Ordering(selectors.DEFAULT_ORDERING)  # type: ignore[valid-type]


@router.get("/knowledge/articles", response={200: PageOut[ArticleOut], **ERRORS})
def article_list(
    request: HttpRequest,
    query: Query[ArticleQuery],
    page: PageNumber = 1,
    page_size: PageSize = 20,
) -> Any:
    """Published articles for everyone with the service module; drafts too for its editors."""
    filters = selectors.ArticleFilters(
        search=query.search.replace("\x00", "")[:100],
        product=query.product_id,
        category=query.category_id,
        status=query.status.value if query.status else "",
        ordering=str(query.ordering.value),  # type: ignore[attr-defined]
    )
    qs = selectors.articles_for_user(request.user, filters)
    return page_out(qs, page, page_size, article_out)


@router.post("/knowledge/articles", response={201: ArticleOut, **WRITE_ERRORS})
def article_create(request: HttpRequest, payload: ArticleIn) -> Any:
    require(request.user, Module.SERVICE, Action.CREATE)
    article = services.article_create(actor=request.user, **_resolve(payload.dict()))
    return Status(201, article_out(article))


@router.get("/knowledge/articles/{article_id}", response={200: ArticleOut, **ERRORS})
def article_detail(request: HttpRequest, article_id: int) -> Any:
    return article_out(selectors.article_get_for_user(user=request.user, pk=article_id))


@router.patch("/knowledge/articles/{article_id}", response={200: ArticleOut, **WRITE_ERRORS})
def article_patch(request: HttpRequest, article_id: int, payload: ArticlePatch) -> Any:
    """Send the `version` you read; a stale one is a 409. Omitted fields stay; `null` clears
    the product or category."""
    article = selectors.article_get_for_user(user=request.user, pk=article_id)
    require(request.user, Module.SERVICE, Action.EDIT)
    sent = payload.dict(exclude_unset=True, exclude={"version"})
    for key in ("title", "body", "status"):
        if key in sent and sent[key] is None:
            del sent[key]
    updated = services.article_update(
        article=article, version=payload.version, actor=request.user, **_resolve(sent)
    )
    return article_out(selectors.article_get_for_user(user=request.user, pk=updated.pk))


@router.delete("/knowledge/articles/{article_id}", response={204: None, **WRITE_ERRORS})
def article_delete(request: HttpRequest, article_id: int) -> Any:
    article = selectors.article_get_for_user(user=request.user, pk=article_id)
    require(request.user, Module.SERVICE, Action.DELETE)
    services.article_delete(article=article, actor=request.user)
    return Status(204, None)


@router.post("/knowledge/articles/{article_id}/helpful", response={200: HelpfulOut, **WRITE_ERRORS})
def article_helpful(request: HttpRequest, article_id: int, payload: HelpfulIn) -> Any:
    """ "This solved it" for a ticket you may work on; each ticket counts once per article
    (a repeat answers `counted: false`). A draft answers 409."""
    article = selectors.article_get_for_user(user=request.user, pk=article_id)
    require(request.user, Module.SERVICE, Action.EDIT)
    ticket = ticket_selectors.ticket_get_for_user(user=request.user, pk=payload.ticket_id)
    if not ticket_selectors.can_edit(request.user, ticket):
        raise Forbidden()
    counted = services.article_mark_helpful(article=article, ticket=ticket, actor=request.user)
    return {"counted": counted, "helpful_count": article.helpful_count}


@router.get("/knowledge/categories", response={200: list[CategoryOut], **ERRORS})
def category_list(request: HttpRequest, active: bool | None = None) -> Any:
    selectors.require_view(request.user)
    qs = selectors.categories(active_only=False)
    return list(qs.filter(active=active) if active is not None else qs)
