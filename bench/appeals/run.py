"""Appeals intake and reads under HTTP load: gunicorn (production settings) + wrk, PostgreSQL.

Steps (``all`` runs them in this order; each can run on its own, see README.md):

``setup``
    Drop and create the database (default ``shequ_bench``), ``migrate``, ``demo_city --scale
    city --people-per-grid 0`` (the map, grids with boundaries, organisations, staff and
    residents; no registry people, which appeals do not read), ``collectstatic`` for the
    production settings, and API tokens through ``manage.py api_token create``.
``intake``
    Serves the app with gunicorn, finds the peak rate of ``POST /api/v1/appeals/cases`` with
    wrk at rising connection counts, then measures latency at half that rate (wrk's
    ``delay()`` paces each connection, see ``common.lua``).  Then PostgreSQL's raw
    single-row INSERT rate with pgbench into a copy of ``appeals_case``.
``open311``
    The same for ``POST /open311/v2/requests.json`` (keys via ``manage.py open311_keys create``);
    skipped with a note when the endpoint does not answer yet.
``load --cases N``
    Empties the case tables and loads N cases in batches of 100,000 (``INSERT … SELECT
    generate_series``, one transaction each, secondary indexes dropped before and rebuilt
    after; real grids and their communities, active categories, organisations, resident
    requesters, states by age over two years, numbers per day), one or two events per case,
    then ``VACUUM ANALYZE``.  1,000,000 cases take about a minute.
``reads --label L``
    wrk on the staff queue page, the JSON list, the resident's case page and the track page,
    each at 1 connection (latency without queueing) and at 8 connections (throughput).
``explain``
    ``EXPLAIN (ANALYZE, BUFFERS)`` of the case queries the measured pages send, as sent.
``profile``
    Both intakes in-process (production settings, no server): wall and CPU ms per request,
    the statements one request sends with their times, a cProfile of 30 requests.
``table``
    Prints the markdown tables from ``results.json``.

    .venv/bin/python bench/appeals/run.py all            # ~30 minutes on 2 cores
    .venv/bin/python bench/appeals/run.py open311        # later, once the endpoint exists

Results accumulate in ``$SHEQU_BENCH_DIR/appeals/results.json`` (default /tmp/shequ-bench).
"""

from __future__ import annotations

import argparse
import shutil

from steps import (
    WORK,
    step_explain,
    step_intake,
    step_load,
    step_open311,
    step_pgbench,
    step_profile,
    step_reads,
    step_setup,
    step_table,
)

# --------------------------------------------------------------------------- main


def step_all(args: argparse.Namespace) -> None:
    step_setup(args)
    step_intake(args)
    step_open311(args)
    for n in (10_000, 1_000_000):
        args.cases = n
        step_load(args)
        args.label = str(n)
        step_reads(args)
    step_explain(args)
    step_profile(args)
    step_table(args)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "step",
        choices=[
            "all",
            "setup",
            "intake",
            "pgbench",
            "open311",
            "load",
            "reads",
            "explain",
            "profile",
            "table",
        ],
    )
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/shequ_bench")
    parser.add_argument("--port", type=int, default=8123)
    parser.add_argument(
        "--workers",
        type=lambda s: [int(x) for x in s.split(",")],
        default=[5],
        help="gunicorn workers; a list (3,5,8) is tried in the intake peak search",
    )
    parser.add_argument("--worker-class", default="sync")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument(
        "--connections", type=lambda s: [int(x) for x in s.split(",")], default=[4, 8, 16, 32]
    )
    parser.add_argument("--paced-connections", type=int, default=8)
    parser.add_argument("--pgbench-clients", type=lambda s: [int(x) for x in s.split(",")], default=[1, 5])
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--label", default="")
    parser.add_argument(
        "--skip-build", action="store_true", help="setup: keep the database, only tokens and static"
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None and args.step in {"all", "intake", "open311", "reads"}:
        raise SystemExit("wrk is not installed (apt-get install -y wrk)")
    WORK.mkdir(parents=True, exist_ok=True)
    {
        "all": step_all,
        "setup": step_setup,
        "intake": step_intake,
        "pgbench": step_pgbench,
        "open311": step_open311,
        "load": step_load,
        "reads": step_reads,
        "explain": step_explain,
        "profile": step_profile,
        "table": step_table,
    }[args.step](args)


if __name__ == "__main__":
    main()
