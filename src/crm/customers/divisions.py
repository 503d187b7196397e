"""China's administrative divisions (province → city → district), bundled offline.

Customers store the six-digit-style codes ("31", "3101", "310101"); names come from here.
"""

import json
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    parent: str  # parent's code; "" for a province


@lru_cache(maxsize=1)
def _load() -> dict[str, Division]:
    table: dict[str, Division] = {}
    for p in json.loads((DATA / "provinces.json").read_text(encoding="utf-8")):
        table[p["code"]] = Division(p["code"], p["name"], "")
    for c in json.loads((DATA / "cities.json").read_text(encoding="utf-8")):
        table[c["code"]] = Division(c["code"], c["name"], c["provinceCode"])
    for a in json.loads((DATA / "areas.json").read_text(encoding="utf-8")):
        table[a["code"]] = Division(a["code"], a["name"], a["cityCode"])
    return table


def get(code: str) -> Division | None:
    return _load().get(code) if code else None


def name_of(code: str) -> str:
    d = get(code)
    return d.name if d else ""


def children(parent: str = "") -> list[Division]:
    """Provinces (parent ""), a province's cities or a city's districts, by code."""
    return sorted((d for d in _load().values() if d.parent == parent), key=lambda d: d.code)


def level(code: str) -> str:
    return {2: "province", 4: "city", 6: "district"}.get(len(code), "")


def full_name(province: str, city: str, district: str) -> str:
    """ "上海市 浦东新区" style: a city called 市辖区/县 (municipalities) is left out."""
    names = [name_of(province)]
    city_name = name_of(city)
    if city_name not in ("", "市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"):
        names.append(city_name)
    names.append(name_of(district))
    return " ".join(n for n in names if n)


@cache
def _division_index(parent: str) -> dict[str, str]:
    """Children of a division by code, full name and short name (上海市, 上海)."""
    index: dict[str, str] = {}
    for d in children(parent):
        index[d.code] = d.code
        index[d.name] = d.code
        for suffix in ("省", "市", "自治区", "特别行政区", "区", "县"):
            if d.name.endswith(suffix) and len(d.name) - len(suffix) >= 2:
                index.setdefault(d.name[: -len(suffix)], d.code)
    return index


def resolve_address(province: str, city: str, district: str) -> tuple[str, str, str]:
    """Names or codes → codes; what cannot be found stays as given (check_address says why).

    A district without its city (上海市 / 浦东新区) is looked for in every city of the province.
    """
    p = _division_index("").get(province, province) if province else ""
    c = _division_index(p).get(city, city) if city and p else city
    d = district
    if district and c and get(c):
        d = _division_index(c).get(district, district)
    elif district and not city and p:
        c, d = _districts_of_province(p).get(district, ("", district))
    return p, c, d


@cache
def _districts_of_province(province: str) -> dict[str, tuple[str, str]]:
    """Every district of a province by code and name → (city code, district code)."""
    index: dict[str, tuple[str, str]] = {}
    for city in reversed(children(province)):  # the first city wins a clash
        for key, code in _division_index(city.code).items():
            index[key] = (city.code, code)
    return index
