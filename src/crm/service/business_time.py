"""Business-time arithmetic for SLA clocks.

SLA targets are stated in working time of an admin-defined calendar, so a ticket opened on Friday
evening is not late on Monday morning, and the clock stops while the ticket waits on the customer.
This module is pure (no Django, no database) so the clock can be property-tested on its own.

Working intervals are local wall-clock times of the calendar's zone; instants are aware datetimes
and all arithmetic runs in UTC, so a DST day gets its real length. Long spans skip ordinary weeks
(no holiday, no make-up day, no offset change, no pause) in one step instead of walking every day.
"""

from __future__ import annotations

import bisect
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

Interval = tuple[time, time]
"""A working interval as local (start, end); end ``time(0)`` means midnight at the day's end."""
Pause = tuple[datetime, datetime | None]
"""A stopped-clock interval (waiting on the customer); end ``None`` means still paused."""

_Span = tuple[timedelta, timedelta]  # offsets from local midnight
_Segment = tuple[datetime, datetime]  # UTC instants
_ZERO = timedelta(0)
_DAY = timedelta(days=1)
_WEEK = timedelta(days=7)
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _default_hours() -> dict[int, tuple[Interval, ...]]:
    day = ((time(9), time(12)), (time(13), time(18)))
    return {weekday: day for weekday in range(5)}


def _offset(value: time, label: str) -> timedelta:
    if not isinstance(value, time) or value.tzinfo is not None:
        raise ValueError(f"{label}: interval bounds must be naive datetime.time values")
    return timedelta(
        hours=value.hour, minutes=value.minute, seconds=value.second, microseconds=value.microsecond
    )


def _parse_spans(label: str, intervals: Iterable[Interval]) -> tuple[_Span, ...]:
    """Validate one day's intervals: each must be forward and none may overlap another."""
    spans: list[_Span] = []
    for item in intervals:
        try:
            start, end = item
        except (TypeError, ValueError):
            raise ValueError(f"{label}: each interval must be a (start, end) pair") from None
        begin, finish = _offset(start, label), _offset(end, label)
        if end == time(0):
            finish = _DAY
        if begin >= finish:
            raise ValueError(
                f"{label}: interval {start.isoformat()}–{end.isoformat()} does not end after it"
                " starts"
            )
        spans.append((begin, finish))
    spans.sort()
    for (_, prev_end), (begin, _) in zip(spans, spans[1:], strict=False):
        if begin < prev_end:
            raise ValueError(f"{label}: working intervals overlap at {_fmt(begin)}")
    return tuple(spans)


def _fmt(offset: timedelta) -> str:
    minutes = int(offset.total_seconds()) // 60
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@dataclass(frozen=True)
class BusinessCalendar:
    """Working hours per weekday in a time zone, with holidays and make-up working days.

    ``hours`` maps weekday (0 = Monday) to intervals such as 08:30–12:00 and 13:30–17:30.
    ``extra_workdays`` maps a date that would be off (调休, e.g. a Saturday) to the weekday whose
    template it follows, or to ``None`` for ``makeup_hours`` (Monday's template when unset).
    Invalid input raises ``ValueError`` at construction so a bad admin setting fails early.
    """

    tz: str = "Asia/Shanghai"
    hours: Mapping[int, Sequence[Interval]] = field(default_factory=_default_hours)
    holidays: Collection[date] = frozenset()
    extra_workdays: Mapping[date, int | None] = field(default_factory=dict)
    makeup_hours: Sequence[Interval] | None = None

    _zone: ZoneInfo = field(init=False, repr=False, compare=False)
    _week: tuple[tuple[_Span, ...], ...] = field(init=False, repr=False, compare=False)
    _week_total: timedelta = field(init=False, repr=False, compare=False)
    _holiday_set: frozenset[date] = field(init=False, repr=False, compare=False)
    _holiday_list: tuple[date, ...] = field(init=False, repr=False, compare=False)
    _extras: dict[date, tuple[_Span, ...]] = field(init=False, repr=False, compare=False)
    _extra_list: tuple[date, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        try:
            zone = ZoneInfo(self.tz)
        except (ZoneInfoNotFoundError, ValueError, TypeError):
            raise ValueError(f"unknown time zone {self.tz!r}") from None
        bad_days = [key for key in self.hours if key not in range(7)]
        if bad_days:
            raise ValueError(f"weekday keys must be 0 (Monday) to 6 (Sunday), got {bad_days}")
        week = tuple(
            _parse_spans(_WEEKDAYS[weekday], self.hours.get(weekday, ())) for weekday in range(7)
        )
        makeup = (
            week[0] if self.makeup_hours is None else _parse_spans("make-up day", self.makeup_hours)
        )
        holidays = frozenset(self.holidays)
        extras: dict[date, tuple[_Span, ...]] = {}
        for day, template in self.extra_workdays.items():
            if day in holidays:
                raise ValueError(f"{day.isoformat()} is both a holiday and an extra working day")
            if template is None:
                spans = makeup
            elif template in range(7):
                spans = week[template]
            else:
                raise ValueError(f"{day.isoformat()}: template weekday must be 0–6 or None")
            if not spans:
                raise ValueError(f"{day.isoformat()}: extra working day has no working hours")
            extras[day] = spans
        set_ = object.__setattr__
        set_(self, "_zone", zone)
        set_(self, "_week", week)
        set_(self, "_week_total", sum((end - start for day in week for start, end in day), _ZERO))
        set_(self, "_holiday_set", holidays)
        set_(self, "_holiday_list", tuple(sorted(holidays)))
        set_(self, "_extras", extras)
        set_(self, "_extra_list", tuple(sorted(extras)))

    @property
    def zone(self) -> ZoneInfo:
        return self._zone

    def _local_date(self, instant: datetime) -> date:
        return instant.astimezone(self._zone).date()

    def _wall(self, day: date, offset: timedelta = _ZERO) -> datetime:
        """UTC instant of a local wall-clock time (wall arithmetic, then zone conversion)."""
        midnight = datetime(day.year, day.month, day.day, tzinfo=self._zone)
        return (midnight + offset).astimezone(UTC)

    def _segments(self, day: date) -> list[_Segment]:
        """The day's working intervals as UTC instants."""
        if day in self._extras:
            spans = self._extras[day]
        elif day in self._holiday_set:
            return []
        else:
            spans = self._week[day.weekday()]
        segments = []
        for start, end in spans:
            begin, finish = self._wall(day, start), self._wall(day, end)
            if begin < finish:  # a DST gap can swallow a tiny interval
                segments.append((begin, finish))
        return segments

    def _plain_week(self, monday: date) -> bool:
        """True when the week from ``monday`` lasts exactly the weekly template's total."""
        sunday = monday + timedelta(days=6)
        for days in (self._holiday_list, self._extra_list):
            index = bisect.bisect_left(days, monday)
            if index < len(days) and days[index] <= sunday:
                return False
        start = datetime(monday.year, monday.month, monday.day, tzinfo=self._zone)
        end = start + _WEEK
        return start.utcoffset() == end.utcoffset()

    def _check_progress(self, day: date) -> None:
        """Refuse to walk forever through a calendar that has no working time left."""
        if self._week_total == _ZERO and (not self._extra_list or day > self._extra_list[-1]):
            raise ValueError(f"the calendar has no working time after {day.isoformat()}")


def _utc(instant: datetime, name: str) -> datetime:
    if not isinstance(instant, datetime) or instant.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime")
    return instant.astimezone(UTC)


def _merge_pauses(pauses: Iterable[Pause], open_end: datetime | None) -> list[_Segment]:
    """Sorted, disjoint UTC pauses; open pauses end at ``open_end`` (refused when None)."""
    items: list[_Segment] = []
    for begin, finish in pauses:
        start = _utc(begin, "pause start")
        if finish is None:
            if open_end is None:
                raise ValueError("an open-ended pause has no deadline; close it first")
            end = open_end
        else:
            end = _utc(finish, "pause end")
        if start < end:
            items.append((start, end))
    items.sort()
    merged: list[_Segment] = []
    for start, end in items:
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _raw_time(calendar: BusinessCalendar, start: datetime, end: datetime) -> timedelta:
    """Working time between two UTC instants, ignoring pauses."""
    if end <= start:
        return _ZERO
    total = _ZERO
    day, last = calendar._local_date(start), calendar._local_date(end)
    while day <= last:
        if (
            day.weekday() == 0
            and calendar._wall(day) >= start
            and calendar._wall(day + _WEEK) <= end
            and calendar._plain_week(day)
        ):
            total += calendar._week_total
            day += _WEEK
            continue
        for begin, finish in calendar._segments(day):
            begin, finish = max(begin, start), min(finish, end)
            if begin < finish:
                total += finish - begin
        day += _DAY
    return total


def business_time(
    calendar: BusinessCalendar, start: datetime, end: datetime, pauses: Iterable[Pause] = ()
) -> timedelta:
    """Working time between ``start`` and ``end`` minus pauses; zero when end ≤ start."""
    begin, finish = _utc(start, "start"), _utc(end, "end")
    if finish <= begin:
        return _ZERO
    total = _raw_time(calendar, begin, finish)
    # Merged pauses are disjoint, so their working time can be subtracted one by one.
    for pause_start, pause_end in _merge_pauses(pauses, finish):
        low, high = max(pause_start, begin), min(pause_end, finish)
        if low < high:
            total -= _raw_time(calendar, low, high)
    return total


def business_seconds(
    calendar: BusinessCalendar, start: datetime, end: datetime, pauses: Iterable[Pause] = ()
) -> float:
    """``business_time`` in seconds, the unit SLA targets are stored in."""
    return business_time(calendar, start, end, pauses).total_seconds()


def _free(
    start: datetime, end: datetime, pauses: list[_Segment], ends: list[datetime]
) -> Iterator[_Segment]:
    """Parts of [start, end) not covered by the (sorted, disjoint) pauses."""
    index = bisect.bisect_right(ends, start)
    cursor = start
    while index < len(pauses) and pauses[index][0] < end:
        pause_start, pause_end = pauses[index]
        if pause_start > cursor:
            yield cursor, pause_start
        cursor = max(cursor, pause_end)
        index += 1
    if cursor < end:
        yield cursor, end


def add_business_time(
    calendar: BusinessCalendar,
    start: datetime,
    amount: timedelta | float,
    pauses: Iterable[Pause] = (),
) -> datetime:
    """The earliest instant by which ``amount`` of working time has elapsed since ``start``.

    This is an SLA deadline. Non-positive amounts return ``start``; the result is in the
    calendar's zone. Open-ended pauses are refused: while paused the deadline is not known.
    """
    remaining = amount if isinstance(amount, timedelta) else timedelta(seconds=amount)
    cursor = _utc(start, "start")
    if remaining <= _ZERO:
        return cursor.astimezone(calendar.zone)
    merged = _merge_pauses(pauses, None)
    ends = [end for _, end in merged]
    day = calendar._local_date(cursor)
    while True:
        calendar._check_progress(day)
        if day.weekday() == 0 and remaining > calendar._week_total:
            week_start, week_end = calendar._wall(day), calendar._wall(day + _WEEK)
            index = bisect.bisect_right(ends, week_start)
            paused = index < len(merged) and merged[index][0] < week_end
            if week_start >= cursor and not paused and calendar._plain_week(day):
                remaining -= calendar._week_total
                cursor = week_end
                day += _WEEK
                continue
        for begin, finish in calendar._segments(day):
            begin = max(begin, cursor)
            if begin >= finish:
                continue
            for low, high in _free(begin, finish, merged, ends):
                if high - low >= remaining:
                    return (low + remaining).astimezone(calendar.zone)
                remaining -= high - low
            cursor = finish
        day += _DAY


def add_business_seconds(
    calendar: BusinessCalendar, start: datetime, seconds: float, pauses: Iterable[Pause] = ()
) -> datetime:
    """``add_business_time`` with the target in seconds."""
    return add_business_time(calendar, start, timedelta(seconds=seconds), pauses)


def is_business_time(calendar: BusinessCalendar, instant: datetime) -> bool:
    """Whether ``instant`` falls inside a working interval (start inclusive, end exclusive)."""
    moment = _utc(instant, "instant")
    return any(
        begin <= moment < end for begin, end in calendar._segments(calendar._local_date(moment))
    )


def next_business_start(calendar: BusinessCalendar, instant: datetime) -> datetime:
    """``instant`` itself when working, else the start of the next working interval."""
    moment = _utc(instant, "instant")
    day = calendar._local_date(moment)
    while True:
        calendar._check_progress(day)
        for begin, end in calendar._segments(day):
            if end > moment:
                return max(begin, moment).astimezone(calendar.zone)
        day += _DAY
