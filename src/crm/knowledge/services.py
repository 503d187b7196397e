"""Every write of the knowledge base: articles (versioned, sanitised, audited, soft-deleted),
categories, and "this solved it" marks. The caller has checked the user's right."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.core.audit import AuditAction, audit_log, diff, snapshot
from crm.core.errors import Conflict, ValidationFailed
from crm.core.services import record_create, record_restore, record_soft_delete, record_update
from crm.customers.searchkeys import simplified, text_key

from .models import Article, ArticleCategory, ArticleHelpful, ArticleStatus
from .sanitise import sanitise

# Enough body text for search; longer bodies are searched by their beginning.
SEARCH_BODY_CHARS = 4000
EDITABLE = ("title", "body", "product", "category", "status")


def article_search_text(*, title: str, body_text: str) -> str:
    """The title with pinyin and initials (润滑油 → runhuayou rhy), then the body's text,
    simplified and lower-case. The body gets no pinyin: the initials of a long text would
    contain almost any short sequence of letters."""
    body = simplified(" ".join(body_text.split())[:SEARCH_BODY_CHARS]).lower()
    return " | ".join(p for p in (text_key(title), body) if p)


def _invalid(exc: ValidationError) -> ValidationFailed:
    fields = getattr(exc, "message_dict", None) or {"__all__": exc.messages}
    return ValidationFailed(fields={k: [str(m) for m in v] for k, v in fields.items()})


def _clean_title(title: Any) -> str:
    title = str(title or "").strip()
    if not title:
        raise ValidationFailed(fields={"title": [_("Enter a title.")]})
    return title


def _check_category(category: ArticleCategory | None, current: Any = None) -> None:
    if category is not None and not category.active and category.pk != current:
        raise ValidationFailed(fields={"category": [_("This category is no longer in use.")]})


def article_create(
    *,
    actor: Any,
    title: str,
    body: str = "",
    product: Any = None,
    category: ArticleCategory | None = None,
    status: str = ArticleStatus.DRAFT,
) -> Article:
    title = _clean_title(title)
    _check_category(category)
    safe, text = sanitise(body)
    with transaction.atomic():
        article = Article(
            title=title,
            body=safe,
            body_text=text,
            product=product,
            category=category,
            status=status,
            published_at=timezone.now() if status == ArticleStatus.PUBLISHED else None,
            search_text=article_search_text(title=title, body_text=text),
        )
        try:
            return record_create(instance=article, actor=actor)
        except ValidationError as exc:
            raise _invalid(exc) from None


def article_update(*, article: Article, version: int, actor: Any, **changes: Any) -> Article:
    """Change some of `EDITABLE`; a stale `version` is refused (StaleVersion → 409)."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    if "title" in changes:
        changes["title"] = _clean_title(changes["title"])
    if "category" in changes:
        _check_category(changes["category"], current=article.category_id)
    text = None
    if "body" in changes:
        changes["body"], text = sanitise(changes["body"])
    with transaction.atomic():
        if changes.get("status") == ArticleStatus.PUBLISHED and not article.published_at:
            changes["published_at"] = timezone.now()
        try:
            updated = record_update(instance=article, version=version, changes=changes, actor=actor)
        except ValidationError as exc:
            raise _invalid(exc) from None
        # Derived columns: written beside the change, not part of its history.
        derived: dict[str, Any] = {}
        if text is not None:
            derived["body_text"] = text
        if "title" in changes or text is not None:
            derived["search_text"] = article_search_text(
                title=updated.title, body_text=text if text is not None else updated.body_text
            )
        if derived:
            Article.all_objects.filter(pk=updated.pk).update(**derived)
            for name, value in derived.items():
                setattr(updated, name, value)
    return updated


def article_delete(*, article: Article, actor: Any) -> Article:
    return record_soft_delete(instance=article, actor=actor)


def article_restore(*, article: Article, actor: Any) -> Article:
    return record_restore(instance=article, actor=actor)


def article_mark_helpful(*, article: Article, ticket: Any, actor: Any) -> bool:
    """Count that `article` solved `ticket`; False if that ticket was counted already.

    Only a published article can solve a ticket. The unique (article, ticket) row decides
    under concurrency: the second of two simultaneous marks finds it and counts nothing.
    """
    if not article.is_published:
        raise Conflict(_("Only a published article can be marked as the solution."))
    try:
        with transaction.atomic():
            ArticleHelpful.objects.create(article=article, ticket=ticket, user=actor)
            Article.all_objects.filter(pk=article.pk).update(helpful_count=F("helpful_count") + 1)
        counted = True
    except IntegrityError:
        counted = False
    article.refresh_from_db(fields=["helpful_count"])
    return counted


# --- categories ------------------------------------------------------------------------------


def _category_name(name: Any, exclude: int = 0) -> str:
    name = str(name or "").strip()
    if not name:
        raise ValidationFailed(fields={"name": [_("Enter a name.")]})
    if ArticleCategory.objects.filter(name=name).exclude(pk=exclude).exists():
        raise ValidationFailed(fields={"name": [_("A category of this name exists already.")]})
    return name


def category_create(*, actor: Any, name: str, order: int = 0) -> ArticleCategory:
    with transaction.atomic():
        category = ArticleCategory.objects.create(name=_category_name(name), order=order)
        audit_log(instance=category, action=AuditAction.CREATE, actor=actor)
    return category


def category_update(*, category: ArticleCategory, actor: Any, **changes: Any) -> ArticleCategory:
    """Rename, reorder or retire a category (`name`, `order`, `active`)."""
    fields: list[str] = [f for f in ("name", "order", "active") if f in changes]
    if "name" in changes:
        changes["name"] = _category_name(changes["name"], exclude=category.pk)
    with transaction.atomic():
        current = ArticleCategory.objects.select_for_update().get(pk=category.pk)
        before = snapshot(current, fields)
        for name in fields:
            setattr(current, name, changes[name])
        current.save(update_fields=fields)
        changed = diff(before, snapshot(current, fields), current)
        if changed:
            audit_log(instance=current, action=AuditAction.UPDATE, actor=actor, changes=changed)
    return current
