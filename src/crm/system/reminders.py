"""Reminder sources: other apps register a function that lists the day's reminders.

Call `register_source` from your AppConfig.ready(). `crm manage send_reminders` runs every
source for a day and turns each `Reminder` into an in-app notification (and an e-mail digest).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

PERIOD_ONCE = "once"  # delivered once ever for a (user, key)
PERIOD_DAILY = "daily"  # delivered once per day, e.g. an overdue nag
PERIODS = (PERIOD_ONCE, PERIOD_DAILY)


@dataclass(frozen=True)
class Reminder:
    user_id: int  # recipient
    key: str  # stable identity, e.g. "receivable-overdue:INV000123"
    title: str  # short, already translated
    body: str = ""
    url: str = ""  # absolute path inside the app, e.g. "/orders/123/"
    due: date | None = None
    period: str = PERIOD_ONCE

    def __post_init__(self) -> None:
        if self.period not in PERIODS:
            raise ValueError(f"Reminder.period must be one of {PERIODS}, not {self.period!r}")
        if not self.key:
            raise ValueError("Reminder.key must not be empty")
        if not isinstance(self.user_id, int) or not 0 < self.user_id < 2**63:
            raise ValueError(f"Reminder.user_id must be an employee's id, not {self.user_id!r}")


SourceFn = Callable[[date], Iterable[Reminder]]

_sources: dict[str, SourceFn] = {}


def register_source(name: str, fn: Callable[[date], Iterable[Reminder]]) -> None:
    """Register (or replace, so a reloaded ready() is harmless) a source by name."""
    _sources[name] = fn


def unregister_source(name: str) -> None:
    """Tests use this to remove a source they added."""
    _sources.pop(name, None)


def sources() -> dict[str, Callable[[date], Iterable[Reminder]]]:
    return dict(_sources)
