"""Demo quotes and contracts (`crm demo`), consistent with the demo opportunities.

Every won opportunity gets an accepted quote (its lines with a small discount and 13 % VAT)
and a contract made from it (active, or expired when its year has passed); a won opportunity
without lines gets a framework contract for its amount. Open opportunities in a later stage
(probability ≥ 40 %) get a sent quote, the others with lines a draft. Idempotent: an
opportunity that has a quote or a contract gets none again.

Set-based like the pipeline demo: rows are made in one pass over the opportunities, written
with crm.core.bulk (COPY on PostgreSQL); amounts come from sales/totals.py as the services'.
"""

import random
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from crm.core.bulk import Writer, columns, defaults, reserve_ids

from .models import Opportunity, OpportunityLine, OpportunityStatus
from .models_contracts import Contract, ContractLine, ContractStatus
from .models_quotes import Quote, QuoteLine, QuoteStatus
from .totals import Places, document_totals

BATCH = 2000
TAX = Decimal("13")
TERMS = (30, 30, 45, 60, 90)


def load_quotes(*, seed: int = 2026) -> dict[str, int]:
    """Quotes and contracts for the demo opportunities that have neither."""
    out = {"quotes": 0, "quote_lines": 0, "contracts": 0, "contract_lines": 0}
    todo = (
        Opportunity.objects.filter(
            Q(status=OpportunityStatus.WON)
            | Q(status=OpportunityStatus.OPEN, probability__gte=40)
            | Q(status=OpportunityStatus.OPEN, lines__isnull=False)
        )
        .filter(quotes__isnull=True, contracts__isnull=True)
        .distinct()
        .order_by("id")
    )
    company = _company()
    with transaction.atomic():
        for chunk in _chunks(todo.values_list("id", flat=True).iterator(chunk_size=BATCH)):
            _load_chunk(chunk, random.Random(f"{seed}:quotes:{chunk[0]}"), company, out)
        if connection.vendor == "postgresql" and out["quotes"]:
            with connection.cursor() as cursor:
                for model in (Quote, QuoteLine, Contract, ContractLine):
                    cursor.execute(f"ANALYZE {model._meta.db_table}")
    return out


def _company() -> str:
    from crm.org.selectors import parameter_get

    return str(parameter_get("company_name"))


def _chunks(ids: Iterator[int]) -> Iterator[list[int]]:
    chunk: list[int] = []
    for pk in ids:
        chunk.append(pk)
        if len(chunk) >= BATCH:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _load_chunk(ids: list[int], rng: random.Random, company: str, out: dict[str, int]) -> None:
    opps = list(
        Opportunity.objects.filter(pk__in=ids)
        .order_by("id")
        .values(
            "id",
            "name",
            "customer_id",
            "customer__name",
            "contact_id",
            "owner_id",
            "org_unit_id",
            "status",
            "probability",
            "amount",
            "closed_on",
            "created_at",
        )
    )
    lines: dict[int, list[dict[str, Any]]] = {}
    for line in (
        OpportunityLine.objects.filter(opportunity_id__in=ids)
        .select_related("product__unit")
        .order_by("opportunity_id", "sort_order", "id")
    ):
        lines.setdefault(line.opportunity_id, []).append(
            {
                "product_id": line.product_id,
                "name": line.product.name[:300],
                "unit": str(line.product.unit.name)[:20],
                "quantity": line.quantity,
                "unit_price": line.unit_price,
                "discount_pct": Decimal(rng.choice((0, 0, 2, 3, 5, 8, 10))),
                "tax_rate": TAX,
            }
        )
    with_lines = [o for o in opps if o["id"] in lines]
    won = [o for o in opps if o["status"] == OpportunityStatus.WON]
    q_id = reserve_ids(Quote, len(with_lines)) if with_lines else 0
    c_id = reserve_ids(Contract, len(won)) if won else 0
    now = timezone.now().replace(microsecond=0)
    today = timezone.localdate()
    p = Places()
    rows: dict[str, list[tuple[Any, ...]]] = {"q": [], "ql": [], "c": [], "cl": []}
    q_cols, ql_cols = columns(Quote), [c for c in columns(QuoteLine) if c != "id"]
    c_cols, cl_cols = columns(Contract), [c for c in columns(ContractLine) if c != "id"]
    q_base, c_base = defaults(Quote), defaults(Contract)
    quote_of: dict[int, int] = {}
    for o in opps:
        items = lines.get(o["id"])
        created = o["created_at"] + timedelta(days=rng.randint(3, 15))
        created = min(created, now)
        if items:
            totals = document_totals(items, p)
            is_won = o["status"] == OpportunityStatus.WON
            status = (
                QuoteStatus.ACCEPTED
                if is_won
                else QuoteStatus.SENT
                if o["probability"] >= 40
                else QuoteStatus.DRAFT
            )
            row = dict(q_base)
            row.update(
                id=q_id,
                number=f"Q{q_id:09d}",
                revision=1,
                title=o["name"][:200],
                customer_id=o["customer_id"],
                contact_id=o["contact_id"],
                opportunity_id=o["id"],
                owner_id=o["owner_id"],
                org_unit_id=o["org_unit_id"],
                status=status,
                valid_until=(o["closed_on"] or today) + timedelta(days=30),
                net_amount=totals.net,
                tax_amount=totals.tax,
                gross_amount=totals.gross,
                max_discount_pct=totals.max_discount_pct,
                sent_at=created if status != QuoteStatus.DRAFT else None,
                decided_on=o["closed_on"] if is_won else None,
                created_at=created,
                updated_at=created,
                created_by_id=o["owner_id"],
                updated_by_id=o["owner_id"],
            )
            rows["q"].append(tuple(row[c] for c in q_cols))
            for n, (item, t) in enumerate(zip(items, totals.lines, strict=True)):
                values = {**_line(item, t, n), "quote_id": q_id}
                rows["ql"].append(tuple(values[c] for c in ql_cols))
            quote_of[o["id"]] = q_id
            q_id += 1
        if o["status"] != OpportunityStatus.WON:
            continue
        start = o["closed_on"] or today
        end = start + timedelta(days=364)
        framework = not items
        totals = document_totals(items or [], p)
        row = dict(c_base)
        row.update(
            id=c_id,
            number=f"HT{c_id:09d}",
            title=o["name"][:200],
            customer_id=o["customer_id"],
            contact_id=o["contact_id"],
            quote_id=quote_of.get(o["id"]),
            opportunity_id=o["id"],
            renewal_of_id=None,
            owner_id=o["owner_id"],
            org_unit_id=o["org_unit_id"],
            our_party=company[:200],
            customer_party=o["customer__name"][:200],
            status=ContractStatus.ACTIVE if end >= today else ContractStatus.EXPIRED,
            is_framework=framework,
            framework_amount=o["amount"] if framework else Decimal(0),
            start_date=start,
            end_date=end,
            signed_on=start,
            payment_terms_days=rng.choice(TERMS),
            net_amount=totals.net,
            tax_amount=totals.tax,
            gross_amount=totals.gross,
            max_discount_pct=totals.max_discount_pct,
            created_at=now,
            updated_at=now,
            created_by_id=o["owner_id"],
            updated_by_id=o["owner_id"],
        )
        rows["c"].append(tuple(row[c] for c in c_cols))
        for n, (item, t) in enumerate(zip(items or [], totals.lines, strict=True)):
            values = {**_line(item, t, n), "contract_id": c_id}
            rows["cl"].append(tuple(values[c] for c in cl_cols))
        c_id += 1
    Writer(Quote).write(rows["q"])
    Writer(QuoteLine, with_id=False).write(rows["ql"])
    Writer(Contract).write(rows["c"])
    Writer(ContractLine, with_id=False).write(rows["cl"])
    out["quotes"] += len(rows["q"])
    out["quote_lines"] += len(rows["ql"])
    out["contracts"] += len(rows["c"])
    out["contract_lines"] += len(rows["cl"])


def _line(item: dict[str, Any], t: Any, n: int) -> dict[str, Any]:
    return {
        "product_id": item["product_id"],
        "description": item["name"],
        "unit": item["unit"],
        "quantity": t.quantity,
        "unit_price": t.unit_price,
        "discount_pct": t.discount_pct,
        "tax_rate": t.tax_rate,
        "net_amount": t.net,
        "tax_amount": t.tax,
        "gross_amount": t.gross,
        "sort_order": n,
    }
