"""Every read of the knowledge base, checked for the reader.

Articles are company-wide: published ones are read by everyone with the service module's view
right, whatever their unit; drafts only by those who may edit articles (service edit right).
Writing takes the service module's create/edit/delete right.
"""

import re
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from crm.core.access import get_access, get_in_scope, require
from crm.core.modules import Action, Module
from crm.customers.searchkeys import query_terms, simplified

from .models import Article, ArticleCategory, ArticleHelpful, ArticleStatus

ORDERINGS: dict[str, tuple[str, ...]] = {
    "updated": ("-updated_at", "-id"),
    "helpful": ("-helpful_count", "-updated_at", "-id"),
    "title": ("title", "id"),
}
DEFAULT_ORDERING = "updated"


def require_view(user: Any) -> None:
    require(user, Module.SERVICE, Action.VIEW)


def can_write(user: Any, action: str = Action.EDIT) -> bool:
    return get_access(user).can(Module.SERVICE, action)


def _visible(user: Any) -> QuerySet[Article]:
    require_view(user)
    qs = Article.objects.select_related("product", "category")
    if not can_write(user):
        qs = qs.filter(status=ArticleStatus.PUBLISHED)
    return qs


@dataclass
class ArticleFilters:
    search: str = ""
    product: int | None = None
    category: int | None = None
    status: str = ""
    ordering: str = DEFAULT_ORDERING


def search_q(search: str) -> Q:
    """Every word must occur in the search column (title with pinyin and initials, body)."""
    q = Q()
    for term in query_terms(search):
        q &= Q(search_text__contains=term)
    return q


def articles_for_user(user: Any, filters: ArticleFilters | None = None) -> QuerySet[Article]:
    f = filters or ArticleFilters()
    qs = _visible(user)
    if f.search:
        qs = qs.filter(search_q(f.search))
    if f.product is not None:
        qs = qs.filter(product_id=f.product)
    if f.category is not None:
        qs = qs.filter(category_id=f.category)
    if f.status in ArticleStatus.values:
        qs = qs.filter(status=f.status)
    return qs.order_by(*ORDERINGS.get(f.ordering, ORDERINGS[DEFAULT_ORDERING]))


def article_get_for_user(*, user: Any, pk: Any) -> Article:
    return get_in_scope(_visible(user), pk)


def helpful_marks_of(article: Article) -> QuerySet[ArticleHelpful]:
    return article.helpful_marks.select_related("ticket", "user")


def categories(*, include: Any = None, active_only: bool = True) -> QuerySet[ArticleCategory]:
    qs = ArticleCategory.objects.all()
    if active_only:
        qs = qs.filter(Q(active=True) | Q(pk=include or 0))
    return qs.order_by("order", "id")


def category_get(pk: Any) -> ArticleCategory | None:
    try:
        return ArticleCategory.objects.filter(pk=int(pk)).first()
    except (TypeError, ValueError, OverflowError):
        return None


# --- suggestions on a ticket ---------------------------------------------------------------

SUGGESTIONS = 5
_MAX_TERMS = 12
_CANDIDATES = 50
_HAN_RUN = re.compile(r"[\u3400-\u9fff]+")
_LATIN = re.compile(r"[a-z0-9][a-z0-9\-#./]*[a-z0-9#]")
# Pieces of a ticket's text that say nothing about its subject.
STOP_TERMS = frozenset(
    ["有限公", "限公司", "怎么办", "是什么", "为什么", "怎么样", "请问一",
     "the", "and", "for", "with"]
)  # fmt: skip


def ticket_terms(*texts: str) -> list[str]:
    """The terms a ticket is matched by: every three characters of each run of Chinese
    (润滑油变质 → 润滑油 滑油变 油变质; a run of two is kept whole), and codes such as
    l-hm46, simplified and lower-case, the first texts' terms first. Three characters is
    what the trigram index can serve; Chinese has no spaces to find words by."""
    terms: dict[str, None] = {}
    for raw in texts:
        text = simplified(raw or "").lower()
        for run in _HAN_RUN.findall(text):
            pieces = [run] if len(run) <= 3 else [run[i : i + 3] for i in range(len(run) - 2)]
            for piece in pieces:
                if len(piece) >= 2 and piece not in STOP_TERMS:
                    terms.setdefault(piece, None)
        for code in _LATIN.findall(_HAN_RUN.sub(" ", text)):
            if len(code) >= 3 and code not in STOP_TERMS:
                terms.setdefault(code, None)
    return list(terms)[:_MAX_TERMS]


def suggestions_for_ticket(user: Any, ticket: Any, limit: int = SUGGESTIONS) -> list[Article]:
    """Published articles for a ticket: those of its product first (most helpful first), then
    those whose title or text holds the most of the ticket's terms (`ticket_terms`; a term in
    the title counts twice). Each term is one `LIKE '%term%'` on the search column, which the
    trigram index serves on PostgreSQL."""
    require_view(user)
    live = Article.objects.filter(status=ArticleStatus.PUBLISHED).select_related(
        "product", "category"
    )
    found: list[Article] = []
    if ticket.product_id:
        found = list(
            live.filter(product_id=ticket.product_id).order_by("-helpful_count", "-id")[:limit]
        )
    words = ticket_terms(ticket.title, (ticket.description or "")[:300])
    if len(found) < limit and words:
        any_word = Q()
        for w in words:
            any_word |= Q(search_text__contains=w)
        candidates = list(
            live.filter(any_word)
            .exclude(pk__in=[a.pk for a in found])
            .order_by("-helpful_count", "-id")[:_CANDIDATES]
        )
        title_of = {a.pk: a.search_text.split(" | ", 1)[0] for a in candidates}

        def score(a: Article) -> tuple[int, int]:
            hits = sum(2 if w in title_of[a.pk] else 1 for w in words if w in a.search_text)
            return hits, a.helpful_count

        candidates.sort(key=score, reverse=True)
        found += candidates[: limit - len(found)]
    return found


def marked_for_ticket(ticket: Any, articles: list[Article]) -> set[int]:
    """The ids of `articles` already counted as this ticket's solution."""
    return set(
        ArticleHelpful.objects.filter(
            ticket=ticket, article__in=[a.pk for a in articles]
        ).values_list("article_id", flat=True)
    )
