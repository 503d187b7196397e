"""Likely duplicates found by an import (CUS-6 on import): rows like a live customer (same tax
ID, phone or normalised name; dedupe's score and reasons) or like an earlier row of the same
file. Warnings, not errors: the rows can still be imported. The lookups against the database
are a few queries per chunk of rows (dedupe.find_duplicates_many), never one per row.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.utils.translation import gettext as _

from . import dedupe

MAX_WARNINGS = 500  # kept in the job's result; `warning_count` says how many in all
MATCHES_PER_ROW = 3  # existing customers named in the warnings of one row at most


@dataclass
class RowWarning:
    row: int
    reasons: list[str]  # keys of dedupe.REASONS
    message: str
    customer_code: str = ""  # empty when the customer is outside the importer's scope
    customer_name: str = ""
    other_row: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return vars(self)


def _labels(reasons: list[str]) -> str:
    return "、".join(str(dedupe.REASONS[r]) for r in reasons)


def _customer_warning(row: int, match: dedupe.Match) -> RowWarning:
    reasons = _labels(match.reasons)
    if not match.visible:  # as on create: never the code or name of a customer one may not see
        message = _("Looks like a customer you may not see (owner %(owner)s): %(reasons)s.") % {
            "owner": match.owner or "—",
            "reasons": reasons,
        }
        return RowWarning(row, match.reasons, message)
    message = _("Looks like customer %(code)s %(name)s: %(reasons)s.") % {
        "code": match.code,
        "name": match.name,
        "reasons": reasons,
    }
    return RowWarning(row, match.reasons, message, match.code, match.name)


def _row_warning(row: int, other: int, reasons: list[str]) -> RowWarning:
    message = _("Looks like row %(row)s: %(reasons)s.") % {
        "row": other,
        "reasons": _labels(reasons),
    }
    return RowWarning(row, reasons, message, other_row=other)


class DuplicateWarnings:
    """The likely-duplicate warnings of one import, for one user."""

    def __init__(self, user: Any) -> None:
        self.user = user
        self.warnings: list[RowWarning] = []
        self.count = 0
        # The first good row of each tax ID, phone and name key (dedupe.BATCH_KEYS) so far.
        self._key_rows: dict[str, dict[str, int]] = {}

    def _warn(self, make: Callable[[], RowWarning]) -> None:
        """Count a warning; make it only while the list is not full (a file of copies)."""
        self.count += 1
        if len(self.warnings) < MAX_WARNINGS:
            self.warnings.append(make())

    def within_file(self, n: int, keys: dict[str, str]) -> None:
        """Warn of an earlier good row with the same tax ID, phone or name key."""
        others: dict[int, list[str]] = {}
        for key in dedupe.BATCH_KEYS:
            value = keys[key]
            if not value:
                continue
            first = self._key_rows.setdefault(key, {}).setdefault(value, n)
            if first != n:
                others.setdefault(first, []).append("name" if key == "name_key" else key)
        for other, reasons in sorted(others.items()):
            self._warn(partial(_row_warning, n, other, reasons))

    def existing(self, candidates: dict[int, dict[str, str]]) -> None:
        """Warn of live customers like a chunk's good rows ({row: keys})."""
        found = dedupe.find_duplicates_many(
            user=self.user, candidates=candidates, limit=MATCHES_PER_ROW
        )
        for n in sorted(found):
            for match in found[n]:
                self._warn(partial(_customer_warning, n, match))

    def result(self) -> dict[str, Any]:
        """The job result's part: the total and the first MAX_WARNINGS, by row."""
        return {
            "warning_count": self.count,
            "warnings": sorted((w.as_dict() for w in self.warnings), key=lambda w: w["row"]),
        }
