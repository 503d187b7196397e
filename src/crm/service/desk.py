"""Caller lookup for the call-centre desk and the telephony API (SVC-2).

A phone number is normalised to its national digits (+86 / 0086 / 86 and spaces, dashes,
brackets dropped; a landline keeps its 0 area code, put back when the caller id dropped it).
Candidates come from the customers' search column (crm.customers builds it with every phone
of the customer and its contacts, also as bare digits; a trigram GIN index on PostgreSQL), and
are then confirmed by comparing normalised numbers, so a number that merely contains the
digits is not a match. E-mail addresses match contacts exactly (case-insensitive).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db.models import Q

from crm.customers import selectors as customer_selectors
from crm.customers.models import Contact, Customer

from .models import Ticket
from .selectors import OPEN_STATUSES

CANDIDATES = 50  # customers read per lookup at most
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_NON_DIGIT = re.compile(r"\D")


@dataclass(frozen=True)
class Caller:
    kind: str  # "phone", "email" or "" (nothing usable)
    key: str  # national digits or a lower-case e-mail


def normalise_phone(raw: str) -> str:
    """National digits of a Chinese number: "+86 138-1234-5678" → "13812345678",
    "0086 21 1234 5678" and "(021) 1234-5678" → "02112345678"; other input: its digits."""
    text = str(raw or "").strip()
    digits = _NON_DIGIT.sub("", text)
    international = text.startswith("+") or digits.startswith("00")
    if digits.startswith("0086"):
        digits, international = digits[4:], True
    elif digits.startswith("86") and (international or len(digits) in (12, 13)):
        digits, international = digits[2:], True
    if international and digits and not digits.startswith(("0", "1")):
        digits = "0" + digits  # a landline without its trunk 0
    elif international and digits.startswith("1") and len(digits) != 11:
        digits = "0" + digits  # e.g. Beijing 010 dialled as +86 10 …
    return digits


def normalise(raw: str) -> Caller:
    text = str(raw or "").strip()[:80]
    if "@" in text:
        return Caller("email", text.lower()) if _EMAIL.match(text) else Caller("", "")
    digits = normalise_phone(text)
    return Caller("phone", digits) if len(digits) >= 5 else Caller("", "")


@dataclass
class Match:
    customer: Customer
    contacts: list[Contact] = field(default_factory=list)  # the contacts the caller matched
    open_tickets: int = 0


def _phones_of(customer: Customer) -> set[str]:
    return {normalise_phone(customer.phone)} if customer.phone else set()


def find(user: Any, raw: str) -> tuple[Caller, list[Match]]:
    """The customers (and contacts) the caller is, among the customers `user` sees."""
    caller = normalise(raw)
    if not caller.kind:
        return caller, []
    visible = customer_selectors.customers_for_user(user).order_by()
    if caller.kind == "email":
        contacts = list(
            Contact.objects.filter(email__iexact=caller.key, customer__in=visible.values("pk"))
            .select_related("customer")
            .order_by("customer_id", "id")[:CANDIDATES]
        )
        by_customer: dict[int, Match] = {}
        for c in contacts:
            by_customer.setdefault(c.customer_id, Match(c.customer)).contacts.append(c)
        matches = list(by_customer.values())
    else:
        terms = Q(search_text__contains=caller.key)
        if caller.key.startswith("0"):  # stored in international form without the trunk 0
            terms |= Q(search_text__contains="86" + caller.key[1:])
        customers = list(visible.filter(terms)[:CANDIDATES])
        contacts_by: dict[int, list[Contact]] = {}
        for c in Contact.objects.filter(customer__in=[c.pk for c in customers]).order_by("id"):
            if caller.key in (normalise_phone(c.mobile), normalise_phone(c.landline)):
                contacts_by.setdefault(c.customer_id, []).append(c)
        matches = [
            Match(c, contacts_by.get(c.pk, []))
            for c in customers
            if c.pk in contacts_by or caller.key in _phones_of(c)
        ]
    _count_open_tickets(user, matches)
    matches.sort(key=lambda m: (-m.open_tickets, m.customer.name))
    return caller, matches


def _count_open_tickets(user: Any, matches: list[Match]) -> None:
    from django.db.models import Count

    from .selectors import tickets_for_user

    if not matches:
        return
    counts = dict(
        tickets_for_user(user)
        .filter(customer__in=[m.customer.pk for m in matches], status__in=OPEN_STATUSES)
        .order_by()
        .values_list("customer")
        .annotate(n=Count("pk"))
    )
    for m in matches:
        m.open_tickets = counts.get(m.customer.pk, 0)


def open_tickets(user: Any, customer: Customer) -> list[Ticket]:
    from .selectors import tickets_for_user

    return list(
        tickets_for_user(user)
        .filter(customer=customer, status__in=OPEN_STATUSES)
        .order_by("-updated_at")[:20]
    )


def recent_orders(user: Any, customer: Customer, limit: int = 5) -> list[Any] | None:
    """The customer's latest orders when a crm.orders app is installed, else None (a hook:
    the desk does not depend on it)."""
    if not apps.is_installed("crm.orders"):
        return None
    try:
        from crm.orders.selectors import orders_for_user  # type: ignore[import-not-found]
    except ImportError:
        return None
    return list(orders_for_user(user).filter(customer=customer).order_by("-id")[:limit])
