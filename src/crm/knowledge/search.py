"""Global-search provider of knowledge articles (read through the scoped selector)."""

from typing import Any

from django.urls import reverse

from crm.core.access import get_access
from crm.core.modules import Action, Module
from crm.core.search import Hit

from . import selectors
from .sanitise import snippet


def search_articles(user: Any, query: str, limit: int) -> list[Hit]:
    if not get_access(user).can(Module.SERVICE, Action.VIEW):
        return []
    qs = selectors.articles_for_user(
        user, selectors.ArticleFilters(search=query, ordering="helpful")
    )
    return [
        Hit(a.title, snippet(a.body_text, 60), reverse("knowledge:article_detail", args=[a.pk]))
        for a in qs[:limit]
    ]
