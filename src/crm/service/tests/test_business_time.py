"""SLA clock arithmetic: worked examples and hypothesis properties (no database needed)."""

from __future__ import annotations

import time as clock
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crm.service.business_time import (
    BusinessCalendar,
    Pause,
    add_business_seconds,
    add_business_time,
    business_seconds,
    business_time,
    is_business_time,
    next_business_start,
)

SH = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")
HOUR = 3600
_ZERO = timedelta(0)

# A Chinese office: lunch break, National Day 2025 off, make-up Sunday 28 Sep and Saturday 11 Oct.
SHANGHAI = BusinessCalendar(
    tz="Asia/Shanghai",
    hours={wd: ((time(8, 30), time(12)), (time(13, 30), time(17, 30))) for wd in range(5)},
    holidays=frozenset(date(2025, 10, d) for d in range(1, 9)),
    extra_workdays={date(2025, 9, 28): None, date(2025, 10, 11): 4},
)
# A German office with DST changes on 30 Mar and 26 Oct 2025 and a short Saturday.
GERMANY = BusinessCalendar(
    tz="Europe/Berlin",
    hours={**{wd: ((time(8), time(18)),) for wd in range(5)}, 5: ((time(9), time(13)),)},
    holidays=frozenset({date(2025, 10, 3), date(2025, 12, 25)}),
)
CALENDARS = {"shanghai": SHANGHAI, "germany": GERMANY}


def sh(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SH)


def be(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN)


# -- examples ---------------------------------------------------------------------------------


def test_overnight_counts_only_working_hours() -> None:
    # Tue 17:00 → Wed 09:30: 30 min before close, 1 h after opening.
    assert business_seconds(SHANGHAI, sh(2025, 9, 16, 17), sh(2025, 9, 17, 9, 30)) == 1.5 * HOUR


def test_lunch_break_is_not_counted() -> None:
    assert business_seconds(SHANGHAI, sh(2025, 9, 16, 11), sh(2025, 9, 16, 14)) == 1.5 * HOUR
    assert not is_business_time(SHANGHAI, sh(2025, 9, 16, 12, 30))
    assert next_business_start(SHANGHAI, sh(2025, 9, 16, 12, 30)) == sh(2025, 9, 16, 13, 30)


def test_weekend_is_skipped() -> None:
    # Fri 17:00 → Mon 09:00 (19–22 Sep 2025 is an ordinary weekend).
    assert business_seconds(SHANGHAI, sh(2025, 9, 19, 17), sh(2025, 9, 22, 9)) == 1 * HOUR
    deadline = add_business_seconds(SHANGHAI, sh(2025, 9, 19, 17), 2 * HOUR)
    assert deadline == sh(2025, 9, 22, 10)


def test_holiday_week_and_make_up_days() -> None:
    # Sunday 28 Sep is a make-up day on Monday's hours (7.5 h).
    assert business_seconds(SHANGHAI, sh(2025, 9, 28), sh(2025, 9, 29)) == 7.5 * HOUR
    # 30 Sep 17:00 → 9 Oct 09:00: half an hour before the National Day holidays, one after.
    assert business_seconds(SHANGHAI, sh(2025, 9, 30, 17), sh(2025, 10, 9, 9, 30)) == 1.5 * HOUR
    assert next_business_start(SHANGHAI, sh(2025, 10, 1, 10)) == sh(2025, 10, 9, 8, 30)
    # Saturday 11 Oct works like a Friday.
    assert is_business_time(SHANGHAI, sh(2025, 10, 11, 9))
    assert not is_business_time(SHANGHAI, sh(2025, 10, 18, 9))
    assert add_business_seconds(SHANGHAI, sh(2025, 10, 10, 17), HOUR) == sh(2025, 10, 11, 9)


def test_pause_across_a_night() -> None:
    start, end = sh(2025, 9, 16, 9), sh(2025, 9, 17, 17, 30)
    assert business_seconds(SHANGHAI, start, end) == (7 + 7.5) * HOUR
    pause: Pause = (sh(2025, 9, 16, 16), sh(2025, 9, 17, 10))
    # 1.5 h on Tuesday afternoon and 1.5 h on Wednesday morning are paused.
    assert business_seconds(SHANGHAI, start, end, [pause]) == 11.5 * HOUR
    assert add_business_seconds(SHANGHAI, start, 5.5 * HOUR, [pause]) == sh(2025, 9, 16, 16)
    assert add_business_seconds(SHANGHAI, start, 6 * HOUR, [pause]) == sh(2025, 9, 17, 10, 30)


def test_pauses_overlapping_non_working_time_and_each_other() -> None:
    start, end = sh(2025, 9, 19, 9), sh(2025, 9, 22, 17, 30)
    pauses: list[Pause] = [
        (sh(2025, 9, 19, 17), sh(2025, 9, 21, 12)),  # Friday's last half hour and the weekend
        (sh(2025, 9, 20, 8), sh(2025, 9, 22, 9)),  # overlaps the first, ends Monday 09:00
        (sh(2025, 9, 22, 12, 15), sh(2025, 9, 22, 13, 45)),  # straddles lunch: 13:30–13:45 lost
    ]
    assert business_seconds(SHANGHAI, start, end, pauses) == (6.5 + 6.75) * HOUR
    # An open pause (still waiting on the customer) runs to the end of the measured span.
    open_pause: list[Pause] = [(sh(2025, 9, 22, 10), None)]
    assert business_seconds(SHANGHAI, start, end, open_pause) == (7 + 1.5) * HOUR
    with pytest.raises(ValueError, match="open-ended pause"):
        add_business_seconds(SHANGHAI, start, HOUR, open_pause)


def test_degenerate_inputs() -> None:
    start = sh(2025, 9, 16, 20)
    assert business_seconds(SHANGHAI, start, start - timedelta(days=3)) == 0
    assert business_seconds(SHANGHAI, start, start) == 0
    assert add_business_seconds(SHANGHAI, start, 0) == start
    assert add_business_seconds(SHANGHAI, start, -5) == start
    with pytest.raises(ValueError, match="aware"):
        business_seconds(SHANGHAI, datetime(2025, 9, 16, 9), start)  # noqa: DTZ001


def test_dst_days_have_their_real_length() -> None:
    # A 24-hour calendar shows the 23- and 25-hour days; the office calendar is unaffected.
    always = BusinessCalendar(
        tz="Europe/Berlin", hours={wd: ((time(0), time(0)),) for wd in range(7)}
    )
    assert business_seconds(always, be(2025, 3, 30), be(2025, 3, 31)) == 23 * HOUR
    assert business_seconds(always, be(2025, 10, 26), be(2025, 10, 27)) == 25 * HOUR
    assert business_seconds(always, be(2025, 3, 24), be(2025, 4, 7)) == (14 * 24 - 1) * HOUR
    assert add_business_seconds(always, be(2025, 3, 30), 23 * HOUR) == be(2025, 3, 31)
    # Friday 28 Mar 17:00 CET → Monday 31 Mar 09:00 CEST: 1 h + Saturday's 4 h + 1 h.
    assert business_seconds(GERMANY, be(2025, 3, 28, 17), be(2025, 3, 31, 9)) == 6 * HOUR
    # Instants given in another zone are the same instants.
    assert (
        business_seconds(
            GERMANY, be(2025, 3, 31, 9).astimezone(UTC), be(2025, 3, 31, 10).astimezone(SH)
        )
        == HOUR
    )


def test_ten_years_is_fast_and_consistent() -> None:
    start, end = sh(2020, 1, 1, 10), sh(2030, 1, 1, 10)
    began = clock.perf_counter()
    total = business_time(SHANGHAI, start, end)
    deadline = add_business_time(SHANGHAI, start, total)
    elapsed = clock.perf_counter() - began
    assert elapsed < 0.5, elapsed
    assert deadline <= end
    assert business_time(SHANGHAI, start, deadline) == total
    # Whole days from 2020-01-01 to 2029-12-31 (the 10:00 starts and ends cancel out).
    days = [
        date(2020, 1, 1) + timedelta(days=n)
        for n in range((date(2030, 1, 1) - date(2020, 1, 1)).days)
    ]
    working = [
        d
        for d in days
        if d in SHANGHAI.extra_workdays or (d.weekday() < 5 and d not in SHANGHAI.holidays)
    ]
    assert len(working) == 2609 - 6 + 2  # weekdays, minus weekday holidays, plus make-up days
    assert total == timedelta(hours=7.5 * len(working))


@pytest.mark.parametrize("name", sorted(CALENDARS))
def test_week_skipping_matches_day_by_day(name: str) -> None:
    # A year in one call (whole weeks skipped) against the sum of its single days (none skipped).
    cal = CALENDARS[name]
    first = datetime(2025, 1, 1, tzinfo=cal.zone)
    days = [first + timedelta(days=n) for n in range(366)]
    by_day = sum(
        (business_time(cal, a, b) for a, b in zip(days, days[1:], strict=False)), timedelta(0)
    )
    assert business_time(cal, days[0], days[-1]) == by_day
    assert add_business_time(cal, days[0], by_day) <= days[-1]
    assert business_time(cal, days[0], add_business_time(cal, days[0], by_day)) == by_day


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"hours": {0: ((time(10), time(9)),)}}, "does not end after it starts"),
        ({"hours": {0: ((time(9), time(9)),)}}, "does not end after it starts"),
        ({"hours": {1: ((time(8), time(12)), (time(11), time(14)))}}, "Tuesday: .*overlap"),
        ({"hours": {7: ((time(8), time(12)),)}}, "weekday keys"),
        ({"tz": "Mars/Olympus"}, "unknown time zone"),
        ({"holidays": {date(2025, 1, 4)}, "extra_workdays": {date(2025, 1, 4): 0}}, "both"),
        ({"extra_workdays": {date(2025, 1, 4): 6}}, "no working hours"),
        ({"makeup_hours": ((time(13), time(12)),)}, "make-up day"),
    ],
)
def test_invalid_calendars_are_refused(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        BusinessCalendar(**kwargs)  # type: ignore[arg-type]


def test_calendar_without_working_time_does_not_loop() -> None:
    empty = BusinessCalendar(
        hours={}, extra_workdays={date(2025, 1, 4): None}, makeup_hours=((time(9), time(10)),)
    )
    assert add_business_seconds(empty, sh(2025, 1, 1), HOUR) == sh(2025, 1, 4, 10)
    with pytest.raises(ValueError, match="no working time"):
        add_business_seconds(empty, sh(2025, 1, 1), 2 * HOUR)
    with pytest.raises(ValueError, match="no working time"):
        next_business_start(empty, sh(2025, 1, 5))


# -- properties -------------------------------------------------------------------------------

BASE = datetime(2025, 1, 1, tzinfo=UTC)
calendars = st.sampled_from(sorted(CALENDARS)).map(CALENDARS.__getitem__)
# Whole minutes across 2025 (DST changes, holidays and make-up days included).
instants = st.integers(0, 365 * 24 * 60).map(lambda m: BASE + timedelta(minutes=m))
durations = st.integers(0, 20 * 24 * 60).map(lambda m: timedelta(minutes=m))
pause_lists = st.lists(st.tuples(instants, durations), max_size=4).map(
    lambda items: [(start, start + length) for start, length in items]
)
FAST = settings(derandomize=True, max_examples=80, deadline=None)


@FAST
@given(calendars, st.lists(instants, min_size=3, max_size=3), pause_lists)
def test_additivity(cal: BusinessCalendar, points: list[datetime], pauses: list[Pause]) -> None:
    a, b, c = sorted(points)
    assert business_time(cal, a, c, pauses) == business_time(cal, a, b, pauses) + business_time(
        cal, b, c, pauses
    )


@FAST
@given(calendars, instants, durations, durations)
def test_monotonic(cal: BusinessCalendar, a: datetime, d1: timedelta, d2: timedelta) -> None:
    assert business_time(cal, a, a + d1) <= business_time(cal, a, a + d1 + d2)
    assert business_time(cal, a, a + d1) <= d1


@FAST
@given(calendars, instants, st.integers(1, 400 * 60), pause_lists)
def test_add_is_the_inverse(
    cal: BusinessCalendar, start: datetime, minutes: int, pauses: list[Pause]
) -> None:
    seconds = minutes * 60
    deadline = add_business_seconds(cal, start, seconds, pauses)
    assert business_seconds(cal, start, deadline, pauses) == seconds
    # Earliest such instant: the last second before it was working, unpaused time.
    just_before = deadline - timedelta(seconds=1)
    assert business_seconds(cal, start, just_before, pauses) == seconds - 1
    assert is_business_time(cal, just_before)
    assert not any(p_start <= just_before < p_end for p_start, p_end in pauses)  # type: ignore[operator]


@FAST
@given(calendars, instants, durations, pause_lists)
def test_pauses_only_reduce(
    cal: BusinessCalendar, start: datetime, length: timedelta, pauses: list[Pause]
) -> None:
    end = start + length
    paused = business_time(cal, start, end, pauses)
    assert _ZERO <= paused <= business_time(cal, start, end)
    assert business_time(cal, start, end, pauses[:1]) >= paused


@FAST
@given(calendars, instants)
def test_next_business_start(cal: BusinessCalendar, instant: datetime) -> None:
    found = next_business_start(cal, instant)
    assert found >= instant
    assert is_business_time(cal, found)
    assert business_time(cal, instant, found) == _ZERO


# Short spans around the interesting days, checked minute by minute against a naive reference.
ANCHORS = [
    datetime(2025, 3, 29, tzinfo=UTC),  # Berlin spring forward
    datetime(2025, 10, 25, tzinfo=UTC),  # Berlin fall back
    datetime(2025, 9, 27, tzinfo=UTC),  # make-up Sunday, National Day holidays
    datetime(2025, 10, 9, tzinfo=UTC),  # end of holidays, make-up Saturday
    datetime(2025, 12, 24, tzinfo=UTC),  # Christmas
    datetime(2025, 6, 13, tzinfo=UTC),  # an ordinary weekend
]
short_starts = st.tuples(st.sampled_from(ANCHORS), st.integers(0, 3 * 24 * 60)).map(
    lambda pair: pair[0] + timedelta(minutes=pair[1])
)


def _reference_working(cal: BusinessCalendar, moment: datetime) -> bool:
    """Wall-clock rule applied naively: which intervals does this local day have?"""
    local = moment.astimezone(cal.zone)
    day = local.date()
    if day in cal.extra_workdays:
        template = cal.extra_workdays[day]
        intervals = cal.hours.get(0 if template is None else template, ())
    elif day in cal.holidays:
        intervals = ()
    else:
        intervals = cal.hours.get(day.weekday(), ())
    wall = local.time().replace(tzinfo=None)
    return any(start <= wall and (end == time(0) or wall < end) for start, end in intervals)


@settings(derandomize=True, max_examples=60, deadline=None)
@given(
    calendars,
    short_starts,
    st.integers(0, 2 * 24 * 60),
    st.lists(st.tuples(short_starts, st.integers(1, 24 * 60)), max_size=3),
)
def test_agrees_with_minute_by_minute_reference(
    cal: BusinessCalendar, start: datetime, minutes: int, raw_pauses: list[tuple[datetime, int]]
) -> None:
    pauses: list[Pause] = [(p, p + timedelta(minutes=n)) for p, n in raw_pauses]
    expected = 0
    for step in range(minutes):
        moment = start + timedelta(minutes=step)
        paused = any(p <= moment < p + timedelta(minutes=n) for p, n in raw_pauses)
        if not paused and _reference_working(cal, moment):
            expected += 60
    assert business_seconds(cal, start, start + timedelta(minutes=minutes), pauses) == expected
