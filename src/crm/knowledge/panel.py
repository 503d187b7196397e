"""The ticket page's "suggested articles" panel (registered in apps.py)."""

from typing import Any

from crm.service.selectors import can_edit as can_edit_ticket

from . import selectors


def ticket_suggestions(user: Any, ticket: Any) -> dict[str, Any] | None:
    articles = selectors.suggestions_for_ticket(user, ticket)
    return {
        "ticket": ticket,
        "articles": articles,
        "marked": selectors.marked_for_ticket(ticket, articles),
        "can_mark": bool(articles) and can_edit_ticket(user, ticket),
    }
