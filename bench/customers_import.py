"""Import throughput (issue 3 point 12): check and import an N-row customer CSV.

    DATABASE_URL=postgres://… .venv/bin/python bench/customers_import.py --rows 100000 [--profile]

Needs the demo organisation (`crm demo --customers 0` is enough). Writes a CSV with every
template column filled the way a real export from another system would be (nearly all
distinct names, unique USCCs, province/district names, list labels, tags, owner), then runs
the import job the way the page does — a dry run (check only), then the import — and prints
rows/s of each phase and the load average. The imported customers stay in the database (use
a scratch database).
"""

import argparse
import cProfile
import csv
import os
import pstats
import random
import tempfile
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import translation  # noqa: E402

from crm.core.models import JobStatus  # noqa: E402
from crm.customers import imports  # noqa: E402
from crm.customers.demo import random_uscc  # noqa: E402
from crm.customers.demo_words import BRAND_CHARS, INDUSTRIES, MIDS, SUFFIXES  # noqa: E402
from crm.customers.importfiles import CUSTOMER_COLUMNS, zh  # noqa: E402
from crm.customers.models import Choice  # noqa: E402
from crm.org.models import User  # noqa: E402

settings.CRM_JOBS_INLINE = True

PLACES = [
    ("上海市", "31", "浦东新区", "上海"),
    ("江苏省", "32", "鼓楼区", "南京"),
    ("四川省", "51", "武侯区", "成都"),
]


def write_csv(path: Path, rows: int, owner: str, seed: int) -> None:
    rng = random.Random(seed)
    labels = {
        kind: list(Choice.objects.filter(kind=kind, active=True).values_list("label", flat=True))
        for kind in ("industry", "rating", "region", "source")
    }
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow([zh(c.label) for c in CUSTOMER_COLUMNS])
        for _i in range(rows):
            province, code, district, city = rng.choice(PLACES)
            # Names as real files have them: one run of Chinese characters, nearly all distinct
            # (the search keys are memoised per run, so repeated names would flatter the figure).
            brand = "".join(rng.sample(BRAND_CHARS, rng.choice((2, 2, 3))))
            industry = rng.choice(INDUSTRIES)
            values = {
                "name": f"{city}{brand}{rng.choice(MIDS)}{industry}{rng.choice(SUFFIXES)}",
                "short_name": f"{brand}{industry}",
                "uscc": random_uscc(rng, code),
                "province": province,
                "district": district,
                "street": f"工业路{rng.randint(1, 999)}号",
                "phone": f"0{rng.randint(10, 99)}-{rng.randint(10_000_000, 99_999_999)}",
                "industry": rng.choice(labels["industry"]),
                "rating": rng.choice(labels["rating"]),
                "region": rng.choice(labels["region"]),
                "source": rng.choice(labels["source"]),
                "credit_limit": str(rng.randint(0, 500) * 1000),
                "status": "active",
                "tags": "重点,导入",
                "owner": owner,
            }
            out.writerow([values.get(c.key, "") for c in CUSTOMER_COLUMNS])


def run(user: User, path: Path, dry_run: bool) -> float:
    upload = SimpleUploadedFile(path.name, path.read_bytes(), "text/csv")
    start = time.perf_counter()
    job = imports.import_start(
        user=user, kind="customers", upload=upload, mapping=None, dry_run=dry_run
    )
    seconds = time.perf_counter() - start
    if job.status != JobStatus.SUCCEEDED:
        raise SystemExit(f"import failed: {job.error} {job.result.get('errors', [])[:3]}")
    return seconds


def server_counters() -> dict[str, int]:
    """PostgreSQL's WAL and checkpoint counters (cluster-wide); empty elsewhere. After a
    checkpoint the next change of each page writes the whole page to the WAL: most of an
    import's WAL, though at stop 15 not what limited its speed (bench/README.md)."""
    if connection.vendor != "postgresql":
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT w.wal_bytes::bigint, w.wal_fpi, w.wal_buffers_full,"
            " b.checkpoints_timed + b.checkpoints_req"
            " FROM pg_stat_wal w, pg_stat_bgwriter b"
        )
        row = cursor.fetchone()
    return dict(zip(("wal_bytes", "fpi", "buffers_full", "checkpoints"), row, strict=True))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--profile", action="store_true", help="print the top functions")
    # Another seed each run by default: the USCCs of an earlier run are taken.
    parser.add_argument("--seed", type=int, default=time.time_ns())
    args = parser.parse_args()
    translation.activate("zh-hans")
    admin = User.objects.get(username="admin")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "customers.csv"
        write_csv(path, args.rows, "rep_east_1", args.seed)
        profiler = cProfile.Profile() if args.profile else None
        if profiler:
            profiler.enable()
        check = run(admin, path, dry_run=True)
        before = server_counters()
        write = run(admin, path, dry_run=False)
        after = server_counters()
        if profiler:
            profiler.disable()
            stats = pstats.Stats(profiler)
            stats.sort_stats("cumulative").print_stats(25)
            stats.sort_stats("tottime").print_stats(25)
    print("| rows | check s | check rows/s | import s (check + write) | import rows/s |")
    print("|---:|---:|---:|---:|---:|")
    print(
        f"| {args.rows:,} | {check:.1f} | {args.rows / check:,.0f} | {write:.1f} "
        f"| {args.rows / write:,.0f} |"
    )
    print("load average: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    if before:
        d = {k: after[k] - before[k] for k in before}
        print(
            f"import: WAL {d['wal_bytes'] / 2**20:,.0f} MiB, {d['fpi']:,} full-page images, "
            f"WAL buffers full {d['buffers_full']:,} times, {d['checkpoints']} checkpoint(s) "
            "begun (whole cluster)"
        )


if __name__ == "__main__":
    main()
