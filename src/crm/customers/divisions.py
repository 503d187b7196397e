"""China's administrative divisions (province → city → district), bundled offline.

Customers store the six-digit-style codes ("31", "3101", "310101"); names come from here.
"""

import json
from dataclasses import dataclass
from functools import lru_cache
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
