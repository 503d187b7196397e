"""What every benchmark script shares: Django set up against DATABASE_URL, percentiles, and
timing a call with its query count. Import it first: `from common import pct, timed, page`."""

import os
import time
from collections.abc import Callable
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]


def timed(fn: Callable[[], Any], reps: int) -> tuple[list[float], int]:
    """Milliseconds of each of `reps` calls (after one warm-up) and the queries of a call.
    The queries are counted in the warm-up only: capturing them puts Django's debug cursor
    (SQL formatting, a stack of records) around every query, which a server does not have."""
    with CaptureQueriesContext(connection) as ctx:
        fn()  # also warms caches (Python and the database's)
    queries = len(ctx.captured_queries)
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return times, queries


def timed_pair(
    fn: Callable[[], Any], other: Callable[[], Any], reps: int
) -> tuple[list[float], int, list[float]]:
    """`timed` of two calls taken in turn (fn, other, fn, …), so that a change of the
    machine's load during the run weighs on both alike: fn's times and queries, other's times."""
    with CaptureQueriesContext(connection) as ctx:
        fn()
    queries = len(ctx.captured_queries)
    other()
    times: list[float] = []
    other_times: list[float] = []
    for _ in range(reps):
        for call, out in ((fn, times), (other, other_times)):
            start = time.perf_counter()
            call()
            out.append((time.perf_counter() - start) * 1000)
    return times, queries, other_times


def page(client: Client, url: str) -> Callable[[], Any]:
    def get() -> Any:
        r = client.get(url)
        assert r.status_code == 200, (url, r.status_code)
        return r

    return get
