"""Likely duplicates: for one candidate (create/edit warning) and over the whole base (report).

Candidates are found by blocking keys — same USCC, tax ID, phone, normalised name or the first
characters of it — so the report never compares all pairs; rapidfuzz scores name similarity
within a block.
"""

from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from django.db import connection
from django.db.models import BooleanField, Count, Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import Substr
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rapidfuzz import fuzz

from crm.core.access import scope_q, scoped
from crm.core.errors import Conflict
from crm.core.modules import Module
from crm.core.pagination import Page, paginate

from .models import Customer
from .normalise import normalise_name

NAME_SIMILARITY = 80  # rapidfuzz ratio (0–100) from which two normalised names look alike
NAME_BLOCK = 3  # report: names sharing this many leading characters are compared
MAX_BLOCK = 100  # report: larger blocks are too generic to mean "duplicate"; skipped
CANDIDATES = 300  # create/edit: at most this many names with the same first characters

REASONS = {
    "uscc": gettext_lazy("same unified social credit code"),
    "tax_id": gettext_lazy("same tax ID"),
    "phone": gettext_lazy("same phone"),
    "name": gettext_lazy("same name"),
    "similar_name": gettext_lazy("similar name"),
}
_FIELDS = ("pk", "code", "name", "name_key", "uscc", "tax_id", "phone", "owner__name")


@dataclass
class Match:
    pk: int
    code: str
    name: str
    owner: str
    score: int
    reasons: list[str] = field(default_factory=list)
    visible: bool = True  # in the reader's scope; others show only code and owner

    @property
    def reason_labels(self) -> list[str]:
        return [str(REASONS[r]) for r in self.reasons]

    def describe(self) -> str:
        who = self.name if self.visible else _("owner %(owner)s") % {"owner": self.owner}
        return f"{self.code} {who}（{'、'.join(self.reason_labels)}）"


class PossibleDuplicate(Conflict):
    code = "possible_duplicate"
    default_message = gettext_lazy(
        "This customer looks like one that already exists. Check the matches, or save anyway."
    )

    def __init__(self, matches: list[Match]) -> None:
        super().__init__(fields={"duplicates": [m.describe() for m in matches]})
        self.matches = matches


def _score(a: dict[str, Any], b: dict[str, Any]) -> tuple[int, list[str]]:
    """How alike two rows are (0–100) and why."""
    reasons: list[str] = []
    scores = [0]
    for key, points in (("uscc", 100), ("tax_id", 95)):
        if a[key] and a[key] == b[key]:
            reasons.append(key)
            scores.append(points)
    ratio = int(fuzz.ratio(a["name_key"], b["name_key"])) if a["name_key"] and b["name_key"] else 0
    if a["phone"] and a["phone"] == b["phone"]:
        reasons.append("phone")
        scores.append(90 if ratio >= 60 else 75)
    if a["name_key"] and a["name_key"] == b["name_key"]:
        reasons.append("name")
        scores.append(90)
    elif ratio >= NAME_SIMILARITY:
        reasons.append("similar_name")
        scores.append(ratio - 10)
    return max(scores), reasons


def find_duplicates(
    *,
    user: Any,
    name: str,
    uscc: str = "",
    tax_id: str = "",
    phone: str = "",
    exclude_pk: int | None = None,
    limit: int = 10,
) -> list[Match]:
    """Live customers that look like the one described, best first, over the whole base.

    Customers outside the user's scope are included (a duplicate elsewhere is what the
    warning is for) but marked `visible=False`: callers show only their code and owner.
    """
    key = normalise_name(name)
    me = {"name_key": key, "uscc": uscc or "", "tax_id": tax_id or "", "phone": phone or ""}
    q = Q(pk__in=[])
    for name_ in ("uscc", "tax_id", "phone"):
        if me[name_]:
            q |= Q(**{name_: me[name_]})
    if key:
        q |= Q(name_key=key)
    base = Customer.objects.all()
    if exclude_pk is not None:
        base = base.exclude(pk=exclude_pk)
    rows = {r["pk"]: r for r in base.filter(q).values(*_FIELDS)[:50]}
    if len(key) >= 2:
        similar = base.filter(name_key__startswith=key[:2]).values(*_FIELDS)[:CANDIDATES]
        for r in similar:
            rows.setdefault(r["pk"], r)
    matches = []
    for r in rows.values():
        score, reasons = _score(me, r)
        if reasons:
            matches.append(
                Match(r["pk"], r["code"], r["name"], r["owner__name"] or "", score, reasons)
            )
    matches.sort(key=lambda m: (-m.score, m.pk))
    matches = matches[:limit]
    if matches:
        ids = [m.pk for m in matches]
        seen = set(
            Customer.objects.filter(pk__in=ids)
            .filter(scope_q(user, Module.CUSTOMERS))
            .values_list("pk", flat=True)
        )
        for m in matches:
            m.visible = m.pk in seen
    return matches


# The exact keys a batch is looked up by (import): each has an index on customers_customer.
BATCH_KEYS = ("tax_id", "phone", "name_key")
PER_KEY = 5  # batch: customers read per key value on average at most (a shared phone)


def _key_in(key: str, values: set[str]) -> Any:
    """`key IN values`; on PostgreSQL `= ANY` of one array parameter (the same index scan):
    compiling hundreds of placeholders would cost more than the query."""
    if connection.vendor != "postgresql":
        return Q(**{f"{key}__in": values})
    column = (
        f"{connection.ops.quote_name(Customer._meta.db_table)}.{connection.ops.quote_name(key)}"
    )
    # The column is one of BATCH_KEYS, quoted; the values are a parameter.
    return RawSQL(f"{column} = ANY(%s)", (list(values),), output_field=BooleanField())  # noqa: S611


def find_duplicates_many(
    *, user: Any, candidates: dict[Any, dict[str, str]], limit: int = 3
) -> dict[Any, list[Match]]:
    """Likely duplicates among live customers of many candidates at once (an import's chunk).

    `candidates`: id → {"name_key", "uscc", "tax_id", "phone"}. Unlike find_duplicates only
    exact keys are looked up — one query per key of BATCH_KEYS with `IN`, and one for the
    matches' scope — so the cost does not depend on how common a name's first characters
    are. Scored and marked visible as find_duplicates does; at most `limit` matches per
    candidate, best first.
    """
    found: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for key in BATCH_KEYS:
        values = {c[key] for c in candidates.values() if c.get(key)}
        found[key] = {}
        if not values:
            continue
        # A cap, not a rank per value: a value shared by thousands must not flood the chunk.
        rows = (
            Customer.objects.filter(_key_in(key, values))
            .order_by()
            .values(*_FIELDS)[: PER_KEY * len(values)]
        )
        for r in rows:
            found[key].setdefault(r[key], []).append(r)
    out: dict[Any, list[Match]] = {}
    for id_, me in candidates.items():
        alike: dict[int, dict[str, Any]] = {}
        for key in BATCH_KEYS:
            for r in found[key].get(me.get(key) or "", ()):
                alike[r["pk"]] = r
        matches = []
        for r in alike.values():
            score, reasons = _score(me, r)
            if reasons:
                owner = r["owner__name"] or ""
                matches.append(Match(r["pk"], r["code"], r["name"], owner, score, reasons))
        if matches:
            matches.sort(key=lambda m: (-m.score, m.pk))
            out[id_] = matches[:limit]
    scope = scope_q(user, Module.CUSTOMERS)
    ids = {m.pk for matches in out.values() for m in matches}
    if ids and scope:  # an empty Q: the user sees every customer
        seen = set(Customer.objects.filter(scope, pk__in=ids).values_list("pk", flat=True))
        for matches in out.values():
            for m in matches:
                m.visible = m.pk in seen
    return out


@dataclass
class Pair:
    a: dict[str, Any]
    b: dict[str, Any]
    score: int
    reasons: list[str]

    @property
    def reason_labels(self) -> list[str]:
        return [str(REASONS[r]) for r in self.reasons]


def duplicate_pairs_for_user(user: Any, *, min_score: int = 0) -> list[Pair]:
    """Likely duplicate pairs among the customers the user may see, best first.

    Blocks: equal USCC, tax ID, phone, and the first NAME_BLOCK characters of the normalised
    name. Block keys come from one GROUP BY per key; only members of blocks are read.
    """
    base = scoped(Customer.objects.all(), user, Module.CUSTOMERS).order_by()
    blocks: list[list[dict[str, Any]]] = []
    for key in ("uscc", "tax_id", "phone"):
        values = list(
            base.exclude(**{key: ""})
            .values(key)
            .annotate(n=Count("id"))
            .filter(n__gt=1, n__lte=MAX_BLOCK)
            .values_list(key, flat=True)[:5000]
        )
        for start in range(0, len(values), 500):
            grouped: dict[str, list[dict[str, Any]]] = {}
            chunk = values[start : start + 500]
            for r in base.filter(**{f"{key}__in": chunk}).values(*_FIELDS):
                grouped.setdefault(r[key], []).append(r)
            blocks += grouped.values()
    prefixed = base.exclude(name_key="").annotate(block=Substr("name_key", 1, NAME_BLOCK))
    prefixes = list(
        prefixed.values("block")
        .annotate(n=Count("id"))
        .filter(n__gt=1, n__lte=MAX_BLOCK)
        .values_list("block", flat=True)[:5000]
    )
    for start in range(0, len(prefixes), 500):
        grouped = {}
        for r in prefixed.filter(block__in=prefixes[start : start + 500]).values(*_FIELDS, "block"):
            grouped.setdefault(r["block"], []).append(r)
        blocks += grouped.values()
    pairs: dict[tuple[int, int], Pair] = {}
    for block in blocks:
        for a, b in combinations(sorted(block, key=lambda r: r["pk"]), 2):
            if (a["pk"], b["pk"]) in pairs:
                continue
            score, reasons = _score(a, b)
            if reasons and score >= min_score:
                pairs[(a["pk"], b["pk"])] = Pair(a, b, score, reasons)
    return sorted(pairs.values(), key=lambda p: (-p.score, p.a["pk"], p.b["pk"]))


class _Rows:
    """A list that `paginate` can count and slice like a queryset."""

    def __init__(self, items: list[Any]) -> None:
        self.items = items

    def count(self) -> int:
        return len(self.items)

    def __getitem__(self, s: slice) -> list[Any]:
        return self.items[s]


def paginate_list(items: list[Any], page: Any = None, page_size: Any = None) -> Page:
    return paginate(_Rows(items), page, page_size)  # type: ignore[arg-type]
