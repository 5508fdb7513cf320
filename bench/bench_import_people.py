"""Roster import into PostgreSQL, side by side with ``COPY`` of the same rows, in one run.

Generates N people as a UTF-8 csv in the people template's columns (name, document, a valid
GB 11643 ID, phone, grid, resident address), then:

1. ``COPY`` of the csv into a plain table of text columns (the floor: no checks, no crypto);
2. the roster import through the product's path: upload → dry run (every row checked,
   registry look-up by HMAC digest per batch) → confirm "all or nothing" → the bulk write
   path (each row re-checked, ID and phone and address sealed with SM4-GCM, HMAC-SM3
   digests, ``bulk_create`` per batch of ``SHEQU_IMPORT_BATCH_ROWS``, one audit entry per
   batch), all in one transaction.

Prints rows/s of COPY, of the import (confirm) step, of check + import, and the ratios.
Uses its own database ``<name>_bench`` on the server of DATABASE_URL (dropped and recreated).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/shequ \
        .venv/bin/python bench/bench_import_people.py --rows 1000000
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import DEFAULT_DIR, fresh_postgres, machine, peak_rss_mib, setup_django

HEADER = ["姓名", "证件类型", "证件号码", "联系电话", "所在网格", "现居住地址"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹"
GIVEN = "伟强磊军勇杰涛明超刚平辉鹏华飞鑫波斌宇浩芳娜敏静丽艳娟霞秀英"


def roster_csv(rows: int, grid: str) -> bytes:
    from shequ.core.pii import citizen_id_check_char

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    first = date(1940, 1, 1)
    for i in range(rows):
        day, seq = divmod(i, 999)
        birth = first + timedelta(days=day % 25000)
        body = f"320102{birth:%Y%m%d}{seq:03d}"
        number = body + citizen_id_check_char(body)
        name = SURNAMES[i % len(SURNAMES)] + GIVEN[(i // 7) % len(GIVEN)] + GIVEN[(i // 3) % len(GIVEN)]
        phone = f"139{i:08d}"
        writer.writerow(
            [name, "居民身份证", number, phone, grid, f"丹凤街{i % 300 + 1}号{i % 6 + 1}栋{i % 30 + 1}室"]
        )
    return out.getvalue().encode("utf-8")


def copy_rate(data: bytes) -> tuple[float, int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_roster_copy "
            "(name text, doc text, id_number text, phone text, grid text, address text)"
        )
    started = time.perf_counter()
    statement = "COPY bench_roster_copy FROM STDIN WITH (FORMAT csv, HEADER true)"
    with connection.cursor() as cursor, cursor.copy(statement) as copy:
        view = memoryview(data)
        for start in range(0, len(view), 1 << 20):
            copy.write(view[start : start + (1 << 20)])
    elapsed = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM bench_roster_copy")
        count = cursor.fetchone()[0]
    return elapsed, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=2000)
    parser.add_argument(
        "--database-url", default=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/shequ")
    )
    args = parser.parse_args()
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        sys.exit("this benchmark compares with PostgreSQL COPY: DATABASE_URL must name a PostgreSQL server")

    url = fresh_postgres(args.database_url)
    setup_django(url, DEFAULT_DIR / "import-var")
    from django.conf import settings
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from shequ.accounts.roles import Role
    from shequ.demo.factories import make_mini_city, make_staff
    from shequ.registry import imports
    from shequ.registry.models import ImportStatus, Person

    settings.SHEQU_IMPORT_MAX_BYTES = 2**31
    settings.SHEQU_IMPORT_MAX_ROWS = max(args.rows, 1)
    settings.SHEQU_IMPORT_BACKGROUND_ROWS = args.rows + 1  # run in this process, timed
    settings.SHEQU_IMPORT_BATCH_ROWS = args.batch
    mini = make_mini_city()
    worker = make_staff("bench_importer", Role.COMMUNITY_WORKER, area=mini.community_a)

    started = time.perf_counter()
    data = roster_csv(args.rows, mini.grid_a.name)
    took = time.perf_counter() - started
    print(f"generated {args.rows:,} rows ({len(data) / 2**20:.1f} MiB csv) in {took:.1f} s")

    copy_s, copied = copy_rate(data)
    assert copied == args.rows, copied

    started = time.perf_counter()
    job = imports.job_upload(actor=worker, kind="people", upload=SimpleUploadedFile("bench.csv", data))
    check_s = time.perf_counter() - started
    assert job.status == ImportStatus.CHECKED, job.status
    assert job.rows_bad == 0, job.problems[:3]
    started = time.perf_counter()
    job = imports.job_confirm(
        actor=worker, job=job, mode="all_or_nothing", merge=False, idempotency_key="bench-0001"
    )
    import_s = time.perf_counter() - started
    assert job.status == ImportStatus.DONE, (job.status, job.message)
    assert Person.objects.count() == args.rows

    n = args.rows
    copy_rate_ = n / copy_s
    import_rate = n / import_s
    total_rate = n / (check_s + import_s)
    print(f"machine: {machine()}")
    print(f"COPY into a plain table:          {copy_s:8.1f} s  {copy_rate_:10,.0f} rows/s")
    print(
        f"import (confirm: check+seal+write): {import_s:6.1f} s  {import_rate:10,.0f} rows/s  "
        f"= {100 * import_rate / copy_rate_:.1f} % of COPY"
    )
    print(f"dry run at upload:                {check_s:8.1f} s  {n / check_s:10,.0f} rows/s")
    print(
        f"upload + dry run + import:        {check_s + import_s:8.1f} s  {total_rate:10,.0f} rows/s  "
        f"= {100 * total_rate / copy_rate_:.1f} % of COPY"
    )
    print(f"peak RSS {peak_rss_mib():.0f} MiB")


if __name__ == "__main__":
    main()
