"""Global-search providers of leads and opportunities (read through the scoped selectors)."""

from typing import Any

from django.urls import reverse

from crm.core.search import Hit

from . import selectors


def search_leads(user: Any, query: str, limit: int) -> list[Hit]:
    qs = selectors.leads_for_user(user, selectors.LeadFilters(search=query))
    return [
        Hit(
            lead.company,
            " · ".join(p for p in (lead.contact_name, lead.get_status_display()) if p),
            reverse("sales:lead_detail", args=[lead.pk]),
        )
        for lead in qs[:limit]
    ]


def search_opportunities(user: Any, query: str, limit: int) -> list[Hit]:
    """By the opportunity's name only (the customers provider finds customers by theirs)."""
    qs = selectors.opportunities_for_user(user)
    for term in query.split()[:8]:
        qs = qs.filter(name__icontains=term)
    return [
        Hit(
            o.name,
            f"{o.customer.name} · {o.stage}",
            reverse("sales:opportunity_detail", args=[o.pk]),
        )
        for o in qs[:limit]
    ]
