"""Demo customers (`crm demo --customers N`): realistic Chinese companies, contacts, timeline.

Idempotent: it tops the demo up to N customers (running it twice creates nothing new). Built for
1,000,000 customers: names are composed from pools of parts whose pinyin is computed once, so
every denormalised column the services maintain (code, search_text, name_key) is composed in
the same pass instead of recomputed per row. Rows go in with PostgreSQL COPY (psycopg 3) or, on
other databases, batched inserts. A large load on PostgreSQL drops the tables' secondary indexes
and rebuilds them afterwards (much faster than maintaining them row by row), all in the one
transaction. The bulk load writes no history entries (it is seed data, not a user's change).

A few duplicates are planted so the duplicates report has something to find: a typo'd name with
the same tax ID, the same phone with a similar name, and name variants of well-known groups
(中国石化 vs 中国石油化工股份有限公司).
"""

import multiprocessing
import os
import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache, lru_cache
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from faker import Faker
from pypinyin import Style, lazy_pinyin
from stdnum.cn import uscc as stdnum_uscc

from crm.core.bulk import (
    Writer,
    columns,
    copy_text,
    defaults,
    drop_secondary_indexes,
    rebuild_indexes,
    reserve_ids,
)
from crm.org.models import User

from . import divisions
from .demo_words import (
    BANKS,
    BRAND_CHARS,
    FAMOUS,
    INDUSTRIES,
    MAIL_DOMAINS,
    MIDS,
    SUFFIXES,
    SUMMARIES,
    VARIANTS,
)
from .models import Channel, Choice, Contact, Customer, CustomerStatus, DecisionRole, Interaction
from .normalise import _prefixes, normalise_name
from .searchkeys import phone_key, simplified
from .services import customer_search_text, format_code, next_code_number

# Owner weights: a few reps hold most customers (Pareto-like).
OWNERS = [("rep_east_1", 6), ("rep_east_2", 3), ("rep_west_1", 2)]
BATCH = 5000  # customers per round trip
TRGM_INDEX = "customers_customer_search_trgm"  # migration 0003, PostgreSQL only
BULK_THRESHOLD = 50_000  # PostgreSQL: from this many new customers, rebuild indexes afterwards
DUPLICATE_EVERY = 5000  # one planted duplicate of each kind per this many customers
_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


@dataclass(frozen=True)
class Part:
    """A piece of a name with its search forms, computed once per distinct piece."""

    text: str  # simplified, lower-case, no spaces
    full: str  # full pinyin
    initials: str


@cache
def _part(text: str) -> Part:
    t = simplified(text).replace(" ", "").lower()
    return Part(
        t,
        "".join(lazy_pinyin(t)).lower(),
        "".join(lazy_pinyin(t, style=Style.FIRST_LETTER)).lower(),
    )


def _key(parts: Sequence[Part]) -> str:
    """searchkeys.text_key of the concatenated parts, composed from the parts' pinyin."""
    return (
        "".join(p.text for p in parts)
        + " "
        + "".join(p.full for p in parts)
        + " "
        + "".join(p.initials for p in parts)
    )


def _clean(text: str) -> str:
    """Pool strings go into COPY text format unescaped: keep them free of its specials."""
    return "".join(ch for ch in text if ch not in "\t\n\r\\")


class _Pools:
    """Everything random rows are drawn from, prepared once per load."""

    def __init__(self, fake: Faker, rng: random.Random) -> None:
        provinces, cities = _prefixes()
        places = provinces + cities
        # (province, city, [districts], name prefix or "") — the prefix is the short place name
        # normalise_name strips, so name_key is the brand + industry core.
        self.places: list[tuple[str, str, list[str], str]] = []
        for p in divisions.children(""):
            p_short = _short_place(p.name)
            for c in divisions.children(p.code) or [None]:  # type: ignore[list-item]
                if c is None:
                    self.places.append((p.code, "", [], p_short))
                    continue
                c_short = _short_place(c.name)
                prefix = c_short if c_short in cities else p_short
                if normalise_name(prefix + "恒泰化工有限公司") != "恒泰化工":
                    prefix = ""  # 海南藏族… loses 海南 to the province rule: no prefix here
                districts = [d.code for d in divisions.children(c.code)]
                self.places.append((p.code, c.code, districts, prefix))
        brands = {a + b for a in BRAND_CHARS for b in BRAND_CHARS if a != b}
        company = fake.provider("faker.providers.company")
        brands |= {str(x) for x in getattr(company, "company_prefixes", [])}
        # A core that starts with a place name would lose it to normalise_name; leave those out.
        heads = {n[:2] for n in places}
        self.brands = sorted(
            b for b in brands if b[:2] not in heads and all("\u4e00" <= ch <= "\u9fff" for ch in b)
        )
        self.industries = list(INDUSTRIES)
        person = fake.provider("faker.providers.person")
        self.surnames = sorted({str(x) for x in person.last_names})
        self.given = sorted({str(x) for x in person.first_names})
        self.jobs = sorted({_clean(fake.job())[:60] for _ in range(300)})
        self.streets = [_clean(fake.street_address())[:200] for _ in range(3000)]
        self.banks = [f"{rng.choice(BANKS)}{_clean(fake.city_name())}支行" for _ in range(500)]
        self.area_codes = ["010", "021", "022", "023", "025", "027", "028", "029", "0571", "0755"]
        self.area_codes += [f"0{rng.randrange(310, 999)}" for _ in range(60)]


def _short_place(name: str) -> str:
    from .normalise import _short

    return _short(name)


def random_uscc(rng: random.Random, province: str) -> str:
    body = "91" + (province or "31").ljust(6, "0") + "".join(rng.choices(_ALPHABET, k=9))
    return body + stdnum_uscc.calc_check_digit(body)


def _mobile(rng: random.Random) -> str:
    return f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"


def _typo(name: str, rng: random.Random) -> str:
    """The same name with two neighbouring characters swapped (a typing slip)."""
    if len(name) < 4:
        return name + "有限公司"
    i = rng.randrange(len(name) - 1)
    return name[:i] + name[i + 1] + name[i] + name[i + 2 :]


@lru_cache(maxsize=1)
def _s2t() -> Any:
    import opencc

    return opencc.OpenCC("s2t")


def _traditional(text: str) -> str:
    return str(_s2t().convert(text))


# --- PostgreSQL bulk mode: secondary indexes off during the load ---------------------------

_BULK_TABLES = (Customer, Contact, Interaction)


def _drop_secondary_indexes() -> list[str]:
    """Drop the tables' indexes that back no constraint; returns their definitions."""
    # The trigram index stays: its (single-threaded) upkeep then overlaps the workers making
    # rows, where a rebuild afterwards would run alone; a large pending list lets it merge
    # entries in bulk.
    definitions = drop_secondary_indexes(_BULK_TABLES, keep=[TRGM_INDEX])
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL gin_pending_list_limit = '64MB'")
    return definitions


def _rebuild_indexes(definitions: list[str]) -> None:
    rebuild_indexes(definitions, _BULK_TABLES)


# --- the generator ---------------------------------------------------------------------------


@dataclass
class _Ctx:
    """What every batch needs; read from the database once, shared with forked workers."""

    existing: int
    todo: int
    seed: int
    owners: list[tuple[int, int]]  # (user id, unit id)
    cum_weights: list[int]
    choices: dict[str, list[int]]  # kind → choice ids
    taken: set[str]  # USCCs already in use
    number: int  # code number of the first new customer
    customer_id: int  # first id of each table's reserved range
    contact_id: int
    now: datetime
    pg: bool


_CTX: _Ctx | None = None  # set before forking workers (they inherit it)
_POOLS: _Pools | None = None


def _pools(ctx: _Ctx) -> _Pools:
    global _POOLS
    if _POOLS is None:
        rng = random.Random(ctx.seed)
        fake = Faker("zh_CN")
        fake.seed_instance(ctx.seed)
        _POOLS = _Pools(fake, rng)
    return _POOLS


def _batch_text(k: int) -> tuple[str, str, str, int, int, int]:
    """Worker side of a PostgreSQL load: batch k as COPY text, and its row counts."""
    assert _CTX is not None
    rows = _batch(_CTX, k)
    return (*(copy_text(r) for r in rows), *(len(r) for r in rows))  # type: ignore[return-value]


def _batch(
    ctx: _Ctx, k: int
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Batch k of the load: (customer rows, contact rows, interaction rows) in column order.

    Deterministic for (seed, existing, k), so batches can be made in any process. Ids come from
    ranges reserved up front: customers consecutive, contacts five slots per customer;
    interactions get theirs from the database.
    """
    rng = random.Random(f"{ctx.seed}:{ctx.existing}:{k}")
    pools = _pools(ctx)
    now = ctx.now
    three_years = 3 * 365 * 24 * 3600
    cust_cols = columns(Customer)
    contact_cols = columns(Contact)
    inter_cols = [c for c in columns(Interaction) if c != "id"]
    cust_defaults = defaults(Customer)
    contact_defaults = defaults(Contact)
    inter_defaults = defaults(Interaction)
    choice_kinds = sorted(ctx.choices)
    statuses = list(CustomerStatus.values)
    roles = list(DecisionRole.values)
    channels = list(Channel.values)
    tag_pool = ["重点", "国企", "长期合作", "新客户", "招投标"]
    owners, cum_weights, choices, taken = ctx.owners, ctx.cum_weights, ctx.choices, ctx.taken
    recent: list[dict[str, Any]] = []  # customers planted duplicates copy
    start = k * BATCH
    existing = ctx.existing
    size = min(BATCH, ctx.todo - start)
    customer_id = ctx.customer_id + start
    number = ctx.number + start
    people_total: list[list[dict[str, Any]]] = []
    customers: list[dict[str, Any]] = []
    for i in range(size):
        index = existing + start + i
        owner_id, unit_id = rng.choices(owners, cum_weights=cum_weights)[0]
        province, city, districts, prefix = rng.choice(pools.places)
        district = rng.choice(districts) if districts else ""
        created = now - timedelta(seconds=rng.randrange(three_years))
        updated = created + timedelta(
            seconds=rng.randrange(int((now - created).total_seconds()) + 1)
        )
        code = format_code(number)
        number += 1
        uscc = random_uscc(rng, province) if rng.random() < 0.8 else ""
        if uscc in taken:
            uscc = ""
        phone = f"{rng.choice(pools.area_codes)}-{rng.randrange(2 * 10**7, 9 * 10**7)}"
        brand = rng.choice(pools.brands)
        mid = rng.choice(MIDS)
        industry = rng.choice(pools.industries)
        suffix = rng.choice(SUFFIXES)
        # A brand is two free characters: each its own usual reading (长 chang, not zhang).
        short_parts = [*map(_part, brand), _part(mid), _part(industry)]
        name_parts = [*short_parts, _part(suffix)]
        if prefix and rng.random() < 0.6:
            name_parts.insert(0, _part(prefix))
        name = "".join(p.text for p in name_parts)
        short_name = name_key = brand + mid + industry
        exact = False  # True: compute the keys with the services' own functions
        tax = ""
        plant = index % DUPLICATE_EVERY
        if index < len(FAMOUS):
            name, short_name = FAMOUS[index]
            exact = True
        elif index - len(FAMOUS) < len(VARIANTS):
            name, short_name = VARIANTS[index - len(FAMOUS)]
            exact = True
        elif recent and plant in (50, 100, 150):
            original = rng.choice(recent)
            exact = True
            short_name = original["short_name"]
            if plant == 50:  # typo'd name, same tax ID (a USCC is unique among live rows)
                name = _typo(original["name"], rng)
                uscc = ""
                tax = original["uscc"]
            elif plant == 100:  # same phone, the legal form spelt differently
                name = original["name"].replace("有限公司", "") + "有限责任公司"
                phone = original["phone"]
            else:  # the same name typed in traditional characters
                name = _traditional(original["name"])
        people = _people(rng, pools, roles)
        row = dict(cust_defaults)
        row.update(
            id=customer_id + i,
            created_at=created,
            updated_at=updated,
            created_by_id=owner_id,
            updated_by_id=owner_id,
            name=name[:200],
            short_name=short_name[:60],
            code=code,
            uscc=uscc,
            tax_id=uscc,
            bank=rng.choice(pools.banks),
            bank_account=f"62{rng.randrange(10**17):017d}",
            province=province,
            city=city,
            district=district,
            street=rng.choice(pools.streets),
            phone=phone,
            status=rng.choices(statuses, [2, 6, 2, 1])[0],
            credit_limit=rng.choice((0, 50_000, 100_000, 500_000, 2_000_000)),
            tags=",".join(rng.sample(tag_pool, 2)),
            owner_id=owner_id,
            org_unit_id=unit_id,
        )
        if tax:
            row["tax_id"] = tax
        for kind in choice_kinds:  # choice kinds are named like the customer's fields
            row[f"{kind}_id"] = rng.choice(choices[kind])
        if exact:
            obj = Customer(**{k: v for k, v in row.items() if k != "id"})
            row["search_text"] = customer_search_text(obj, [p["_key"] for p in people])
            row["name_key"] = normalise_name(row["name"])
        else:
            keys = [_key(name_parts), _key(short_parts)]
            keys += [p["_key"]["_text_key"] for p in people]
            keys += [code.lower()]
            if uscc:
                keys.append(uscc.lower())
            keys.append(phone_key(phone))
            keys += [p["mobile"] for p in people]
            row["search_text"] = " | ".join(keys)
            row["name_key"] = name_key
        customers.append(row)
        people_total.append(people)
        if uscc and not exact and rng.random() < 0.05:
            recent.append(row)
            if len(recent) > 200:
                recent.pop(0)
    # contacts and interactions of the batch
    contact_id = ctx.contact_id + 5 * start
    contacts: list[tuple[Any, ...]] = []
    interactions: list[dict[str, Any]] = []
    for customer, people in zip(customers, people_total, strict=True):
        ids = []
        for p in people:
            c = dict(contact_defaults)
            c.update({k: v for k, v in p.items() if k != "_key"})
            c.update(
                id=contact_id,
                customer_id=customer["id"],
                created_at=customer["created_at"],
                updated_at=customer["created_at"],
                created_by_id=customer["owner_id"],
                updated_by_id=customer["owner_id"],
            )
            ids.append(contact_id)
            contact_id += 1
            contacts.append(tuple(c[k] for k in contact_cols))
        # Pareto: most customers have a handful of interactions, a few have many.
        span = max(1, int((now - customer["created_at"]).total_seconds()))
        for _k in range(min(60, int(rng.paretovariate(1.2)) - 1)):
            at = customer["created_at"] + timedelta(seconds=rng.randrange(span))
            it = dict(inter_defaults)
            it.update(
                created_at=at,
                updated_at=at,
                created_by_id=customer["owner_id"],
                updated_by_id=customer["owner_id"],
                customer_id=customer["id"],
                channel=rng.choice(channels),
                direction="in" if rng.random() < 0.4 else "out",
                occurred_at=at,
                contact_id=rng.choice(ids),
                summary=rng.choice(SUMMARIES),
                author_id=customer["owner_id"],
            )
            interactions.append(it)
    return (
        [tuple(r[c] for c in cust_cols) for r in customers],
        contacts,
        [tuple(r[c] for c in inter_cols) for r in interactions],
    )


def _accumulate(weights: list[int]) -> Iterator[int]:
    total = 0
    for w in weights:
        total += w
        yield total


def _people(rng: random.Random, pools: _Pools, roles: list[str]) -> list[dict[str, Any]]:
    people = []
    for k in range(rng.randint(1, 5)):
        surname = _part(rng.choice(pools.surnames))
        given = _part(rng.choice(pools.given))
        name = surname.text + given.text
        mobile = _mobile(rng)
        key = _key([surname, given])
        people.append(
            {
                "name": name,
                "title": rng.choice(pools.jobs),
                "role": rng.choice(roles),
                "mobile": mobile,
                "landline": "",
                "email": f"{given.full}.{surname.full}{rng.randrange(100)}@"
                + rng.choice(MAIL_DOMAINS),
                "wechat": f"wx_{surname.full}{given.full}{rng.randrange(1000)}"
                if rng.random() < 0.5
                else "",
                "birthday": date(
                    rng.randrange(1960, 2000), rng.randrange(1, 13), rng.randrange(1, 29)
                )
                if rng.random() < 0.3
                else None,
                "is_primary": k == 0,
                # For customer_search_text (exact path) and the composed key (fast path).
                "_key": {"name": name, "mobile": mobile, "landline": "", "_text_key": key},
            }
        )
    return people


def load_customers(
    n: int = 200,
    *,
    seed: int = 2026,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, int]:
    """Create demo customers until there are `n`; returns how many rows were created.

    `workers` processes make the rows of a large PostgreSQL load (default: one per CPU) while
    this one feeds them to COPY; small loads and other databases run in-process.
    """
    global _CTX
    with transaction.atomic():
        ctx = _context(n, seed)
        counts = {"customers": 0, "contacts": 0, "interactions": 0}
        if ctx is None:
            return counts
        batches = range(-(-ctx.todo // BATCH))
        bulk = ctx.pg and ctx.todo >= BULK_THRESHOLD
        definitions = _drop_secondary_indexes() if bulk else []
        writers = (Writer(Customer), Writer(Contact), Writer(Interaction, with_id=False))
        n_workers = workers if workers is not None else (os.cpu_count() or 1)
        if bulk and n_workers > 1:
            _CTX = ctx
            # Forked workers inherit the context; they never touch the database.
            mp = multiprocessing.get_context("fork")
            with mp.Pool(n_workers, initializer=_forget_connections) as pool:
                for *texts, n_cust, n_cont, n_int in pool.imap(_batch_text, batches):
                    for writer, text in zip(writers, texts, strict=True):
                        if text:
                            writer.copy(text)
                    _count(counts, n_cust, n_cont, n_int, ctx.todo, progress)
            _CTX = None
        else:
            for k in batches:
                rows = _batch(ctx, k)
                for writer, part in zip(writers, rows, strict=True):
                    writer.write(part)
                n_cust, n_cont, n_int = (len(r) for r in rows)
                _count(counts, n_cust, n_cont, n_int, ctx.todo, progress)
        _finish_ids(ctx)
        if bulk:
            _rebuild_indexes(definitions)
    return counts


def _count(
    counts: dict[str, int],
    customers: int,
    contacts: int,
    interactions: int,
    todo: int,
    progress: Callable[[int, int], None] | None,
) -> None:
    counts["customers"] += customers
    counts["contacts"] += contacts
    counts["interactions"] += interactions
    if progress:
        progress(counts["customers"], todo)


_KEEP: list[Any] = []


def _forget_connections() -> None:
    """In a forked worker: drop the parent's database connections without closing them
    (closing would end the parent's session on the shared socket)."""
    from django.db import connections

    for conn in connections.all(initialized_only=True):
        _KEEP.append(conn.connection)
        conn.connection = None


def _context(n: int, seed: int) -> _Ctx | None:
    existing = Customer.all_objects.count()
    todo = max(0, n - existing)
    if not todo:
        return None
    by_name = {
        u.username: (u.pk, u.unit_id)
        for u in User.objects.filter(username__in=[o for o, _w in OWNERS], unit__isnull=False)
        if u.unit_id is not None
    }
    owners = [by_name[name] for name, _w in OWNERS if name in by_name]
    if not owners:
        raise RuntimeError("Load the demo organisation first (crm demo).")
    choices: dict[str, list[int]] = {}
    for kind, pk in Choice.objects.filter(active=True).values_list("kind", "pk"):
        choices.setdefault(kind, []).append(pk)
    return _Ctx(
        existing=existing,
        todo=todo,
        seed=seed,
        owners=owners,
        cum_weights=list(_accumulate([w for name, w in OWNERS if name in by_name])),
        choices=choices,
        taken=set(Customer.all_objects.exclude(uscc="").values_list("uscc", flat=True)),
        number=next_code_number(),
        customer_id=reserve_ids(Customer, todo),
        contact_id=reserve_ids(Contact, 5 * todo),
        now=timezone.now().replace(microsecond=0),
        pg=connection.vendor == "postgresql",
    )


def _finish_ids(ctx: _Ctx) -> None:
    """PostgreSQL: leave the contact sequence after the highest id used (not the reserve)."""
    if not ctx.pg:
        return
    with connection.cursor() as cursor:
        table = Contact._meta.db_table
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence(%s, 'id'), (SELECT MAX(id) FROM {table}))",  # noqa: S608
            [table],
        )
