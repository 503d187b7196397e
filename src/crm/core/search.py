"""Global search registry: each module registers a provider; the shell's box asks them all."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Hit:
    title: str
    subtitle: str
    url: str


@dataclass(frozen=True)
class Provider:
    key: str
    label: Any
    # (user, query, limit) -> hits; must read through the module's scoped selectors.
    search: Callable[[Any, str, int], list[Hit]]


_PROVIDERS: list[Provider] = []


def register(provider: Provider) -> None:
    if all(p.key != provider.key for p in _PROVIDERS):
        _PROVIDERS.append(provider)


def search_all(user: Any, query: str, limit: int = 10) -> list[tuple[Provider, list[Hit]]]:
    query = query.replace("\x00", "").strip()[:100]
    if not query:
        return []
    results = []
    for provider in _PROVIDERS:
        hits = provider.search(user, query, limit)
        if hits:
            results.append((provider, hits))
    return results
