"""The normalised company name that dedupe compares: "上海华谊（集团）公司" → "华谊".

Full-/half-width folded (NFKC), traditional → simplified, punctuation and spaces dropped, legal
suffixes (有限公司, 股份, 集团, …) and a leading province and city name stripped. Pure functions;
the services store the result in Customer.name_key.
"""

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

from . import divisions
from .searchkeys import simplified

# Longest first, stripped repeatedly from the end: 集团股份有限公司 → 集团 → "".
_SUFFIXES = sorted(
    {
        "股份有限公司",
        "有限责任公司",
        "有限公司",
        "集团公司",
        "总公司",
        "分公司",
        "公司",
        "集团",
        "股份",
        "控股",
        "有限",
        "厂",
        "co",
        "ltd",
        "limited",
        "inc",
        "corp",
        "corporation",
        "company",
        "group",
    },
    key=len,
    reverse=True,
)
_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)
# Suffixes that make a division's short name: 广西壮族自治区 → 广西, 石家庄市 → 石家庄.
_DIVISION_SUFFIX = re.compile(
    r"(壮族自治区|回族自治区|维吾尔自治区|特别行政区|自治区|自治州|地区|省|市|盟)$"
)
_NOT_PLACES = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}


def _short(name: str) -> str:
    short = _DIVISION_SUFFIX.sub("", name)
    return short if len(short) >= 2 else name


@lru_cache(maxsize=1)
def _prefixes() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Province and city names, full and short, longest first."""
    provinces: set[str] = set()
    cities: set[str] = set()
    for p in divisions.children(""):
        provinces |= {p.name, _short(p.name)}
        for c in divisions.children(p.code):
            if c.name not in _NOT_PLACES:
                cities |= {c.name, _short(c.name)}
    return (
        tuple(sorted(provinces, key=len, reverse=True)),
        tuple(sorted(cities, key=len, reverse=True)),
    )


_Groups = tuple[tuple[int, frozenset[str]], ...]


def _by_length(names: Sequence[str]) -> _Groups:
    """Names by length, longest first: one set lookup per length instead of a startswith or
    endswith per name (imports normalise 100,000 names)."""
    lengths = sorted({len(n) for n in names}, reverse=True)
    return tuple((n, frozenset(x for x in names if len(x) == n)) for n in lengths)


_SUFFIX_GROUPS = _by_length(_SUFFIXES)


@lru_cache(maxsize=1)
def _prefix_groups() -> tuple[_Groups, _Groups]:
    provinces, cities = _prefixes()
    return _by_length(provinces), _by_length(cities)


def _strip_prefix(text: str, names: _Groups) -> str:
    for length, group in names:  # a text has at most one prefix of each length
        if len(text) - length >= 2 and text[:length] in group:
            return text[length:]
    return text


def _strip_suffixes(text: str) -> str:
    changed = True
    while changed:
        changed = False
        for length, group in _SUFFIX_GROUPS:  # a text has at most one suffix of each length
            if len(text) > length and text[-length:] in group:
                text = text[:-length]
                changed = True
                break
    return text


def normalise_name(name: str) -> str:
    """The comparable core of a company name ("" for an empty name); at most 200 characters."""
    text = unicodedata.normalize("NFKC", name or "").lower()
    text = _NOT_WORD.sub("", simplified(text))
    if not text:
        return ""
    provinces, cities = _prefix_groups()
    core = _strip_suffixes(text)
    core = _strip_prefix(core, provinces)
    core = _strip_prefix(core, cities)
    core = _strip_suffixes(core)
    return (core or text)[:200]
