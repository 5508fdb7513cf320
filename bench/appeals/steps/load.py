"""Loading N cases fast: secondary indexes dropped, batches of 100,000, indexes rebuilt."""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

from .base import WORK, demo_resident, django, load_json, log, psql, save_result
from .intake import eval_texts

# --------------------------------------------------------------------------- loading cases

#: Cases per INSERT (each batch is its own transaction; the batches follow the calendar).
BATCH = 100_000
DAYS = 730

#: One batch: the cases of the days ``first + d0 .. first + d0 + span - 1`` (Asia/Shanghai), numbered
#: per day in time order (``20250101-000001``), inserted in time order so ids follow submitted_at.
LOAD_SQL = """
INSERT INTO appeals_case (number, token_digest, channel, external_ref, text, lng, lat, address, is_public,
  suggestions, urgency, danger, state, version, lead_unit, state_before_return, return_reason, supervised,
  escalated_kinds, emergency_line, resolved_on_spot, result, submitted_at, dispatched_at, accepted_at,
  handled_at, verified_at, closed_at, clock_start, response_due, resolve_due, light, submitter_key,
  idempotency_key, updated_at, area_id, category_id, suggested_category_id, handling_area_id, lead_org_id,
  requester_id, rating_level, rating_resolved, rated_at, reopened_count, review_state)
SELECT
  s.number,
  encode(sha256(convert_to('bench-token-' || s.g, 'UTF8')), 'hex'),
  CASE WHEN s.requester IS NOT NULL THEN (CASE WHEN s.rr < 0.5 THEN 'portal' ELSE 'api' END)
       WHEN s.rr < 0.4 THEN 'grid_worker' WHEN s.rr < 0.7 THEN 'hotline' ELSE '12345' END,
  '', tx.text, gr.lng, gr.lat, '', s.rr < 0.3,
  jsonb_build_array(jsonb_build_object('category', c.code, 'unit', c.unit, 'score', 0.82, 'name', c.name)),
  CASE WHEN s.rr < 0.05 THEN 'urgent' ELSE 'normal' END, false, s.state, s.version,
  CASE WHEN s.state = 'submitted' THEN '' ELSE o.name END, '', '', s.rr < 0.02, '', '', false,
  CASE WHEN s.state IN ('handled', 'verified', 'closed') THEN '已处理完毕，现场已恢复。' ELSE '' END,
  s.t,
  CASE WHEN s.state <> 'submitted' THEN s.t + interval '2 hours' END,
  CASE WHEN s.state IN ('accepted', 'handled', 'verified', 'closed', 'merged')
    THEN s.t + interval '5 hours' END,
  CASE WHEN s.state IN ('handled', 'verified', 'closed') THEN s.t + interval '3 days' END,
  CASE WHEN s.state IN ('verified', 'closed') THEN s.t + interval '4 days' END,
  CASE WHEN s.state IN ('closed', 'merged') THEN s.t + interval '5 days' END,
  s.t, s.t + interval '1 day', s.t + interval '7 days',
  CASE WHEN s.state IN ('closed', 'merged', 'handled', 'verified') OR s.rl < 0.85 THEN 'green'
       WHEN s.rl < 0.95 THEN 'yellow' ELSE 'red' END,
  CASE WHEN s.requester IS NOT NULL THEN 'u' || s.requester ELSE 'bench' END,
  '', least(s.t + interval '5 days', now()), gr.id, c.id, c.id, gr.parent_id,
  CASE WHEN s.state <> 'submitted' THEN o.id END,
  s.requester,
  CASE WHEN s.state = 'closed' AND s.rr < 0.6 THEN 'satisfied'
       WHEN s.state = 'closed' AND s.rr < 0.65 THEN 'basic' ELSE '' END,
  CASE WHEN s.state = 'closed' AND s.rr < 0.65 THEN true END,
  CASE WHEN s.state = 'closed' AND s.rr < 0.65 THEN s.t + interval '6 days' END,
  0, ''
FROM (
  SELECT x.*,
    to_char(x.day, 'YYYYMMDD') || '-'
      || lpad((row_number() OVER (PARTITION BY x.day ORDER BY x.t, x.g))::text, 6, '0') AS number,
    CASE WHEN x.age > interval '30 days' THEN
      (CASE WHEN x.rs < 0.985 THEN 'closed' WHEN x.rs < 0.99 THEN 'merged' WHEN x.rs < 0.995 THEN 'verified'
            ELSE 'accepted' END)
    ELSE
      (CASE WHEN x.rs < 0.05 THEN 'submitted' WHEN x.rs < 0.2 THEN 'dispatched'
            WHEN x.rs < 0.5 THEN 'accepted' WHEN x.rs < 0.65 THEN 'handled' WHEN x.rs < 0.7 THEN 'verified'
            WHEN x.rs < 0.72 THEN 'return_requested'
            WHEN x.rs < 0.73 THEN 'emergency' ELSE 'closed' END)
    END AS state,
    CASE WHEN x.rs < 0.05 THEN 1 ELSE 2 + (x.rs * 4)::int END AS version,
    CASE WHEN x.g %% 5000 = 0 THEN %(resident)s
         WHEN x.ro < 0.6 THEN
           (SELECT r.id FROM bench_resident r WHERE r.i = floor(x.ro / 0.6 * %(nres)s)::int)
    END AS requester
  FROM (
    SELECT z.*, now() - z.t AS age FROM (
      SELECT y.*,
        (y.day::timestamp AT TIME ZONE 'Asia/Shanghai') + random() * CASE WHEN y.day = y.today
          THEN now() - (y.today::timestamp AT TIME ZONE 'Asia/Shanghai') ELSE interval '1 day' END AS t
      FROM (
        SELECT g, w.today, w.today - %(days)s + 1 + %(d0)s + floor(random() * %(span)s)::int AS day,
               random() AS rs, random() AS rg, random() AS rc, random() AS rr, random() AS ro,
               random() AS rl, random() AS rq
        FROM generate_series(%(lo)s, %(hi)s) AS g,
             (SELECT (now() AT TIME ZONE 'Asia/Shanghai')::date AS today) AS w
      ) AS y
    ) AS z
  ) AS x
) AS s
JOIN bench_grid gr ON gr.i = floor(s.rg * %(ngrid)s)::int
JOIN bench_cat c ON c.i = floor(s.rc * %(ncat)s)::int
JOIN bench_org o ON o.i = floor(s.rq * %(norg)s)::int
JOIN bench_text tx ON tx.i = s.g %% %(ntext)s
ORDER BY s.t;
"""

EVENTS_SQL = """
INSERT INTO appeals_caseevent (case_id, kind, from_state, to_state, actor_label, note, data, at)
  SELECT id, 'submit', '', 'submitted', '', '', '{}'::jsonb, submitted_at
  FROM appeals_case WHERE id > %(after)s;
INSERT INTO appeals_caseevent (case_id, kind, from_state, to_state, actor_label, note, data, at)
  SELECT id, 'dispatch', 'submitted', 'dispatched', '街道（镇）工作人员', '', '{}'::jsonb, dispatched_at
  FROM appeals_case WHERE id > %(after)s AND dispatched_at IS NOT NULL;
"""

#: Secondary indexes dropped for the load and recreated after it (definitions kept here too, so a
#: load that dies half-way still finds them: the next ``load`` recreates what is missing).
INDEX_TABLES = ("appeals_case", "appeals_caseevent")
INDEX_FILE = WORK / "dropped_indexes.json"


def secondary_indexes(cur: Any, table: str) -> dict[str, str]:
    """Name -> ``CREATE INDEX`` of the table's indexes that back no primary key or unique rule."""
    cur.execute(
        "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "JOIN pg_class c ON c.oid = i.indexrelid "
        "WHERE i.indrelid = %s::regclass AND NOT i.indisunique AND NOT i.indisprimary ORDER BY 1",
        [table],
    )
    return dict(cur.fetchall())


def bench_lookup_tables(cur: Any) -> dict[str, int]:
    """Temp tables the load draws from: current grids (+ a point inside), categories, orgs, residents."""
    from shequ.core.geo.shapes import to_shape
    from shequ.core.models import Area, AreaLevel

    grids = []
    for pk, parent, boundary in (
        Area.objects.current()
        .filter(level=AreaLevel.GRID, boundary__isnull=False)
        .order_by("pk")
        .values_list("pk", "parent_id", "boundary")
    ):
        shape = to_shape(boundary)
        if shape is not None:
            point = shape.representative_point()
            grids.append((pk, parent, round(point.x, 6), round(point.y, 6)))
    for table in ("bench_grid", "bench_cat", "bench_org", "bench_resident", "bench_text"):
        cur.execute(f"DROP TABLE IF EXISTS {table}")
    cur.execute(
        "CREATE TEMP TABLE bench_grid "
        "(i int PRIMARY KEY, id bigint, parent_id bigint, lng float8, lat float8)"
    )
    with cur.copy("COPY bench_grid FROM STDIN") as copy:
        for i, row in enumerate(grids):
            copy.write_row((i, *row))
    cur.execute(
        "CREATE TEMP TABLE bench_cat AS SELECT (row_number() OVER (ORDER BY id) - 1)::int AS i, "
        "id, code, name, responsible_unit AS unit FROM appeals_category WHERE is_active"
    )
    cur.execute(
        "CREATE TEMP TABLE bench_org AS SELECT (row_number() OVER (ORDER BY id) - 1)::int AS i, "
        "id, name FROM core_organisation"
    )
    cur.execute(
        "CREATE TEMP TABLE bench_resident AS SELECT (row_number() OVER (ORDER BY id) - 1)::int AS i, "
        "id FROM accounts_user WHERE kind = 'resident'"
    )
    cur.execute("CREATE TEMP TABLE bench_text (i int PRIMARY KEY, text text)")
    texts = eval_texts()
    with cur.copy("COPY bench_text FROM STDIN") as copy:
        for i, text in enumerate(texts):
            copy.write_row((i, text))
    counts = {"ngrid": len(grids), "ntext": len(texts)}
    for key, table in (("ncat", "bench_cat"), ("norg", "bench_org"), ("nres", "bench_resident")):
        cur.execute(f"SELECT count(*) FROM {table}")
        counts[key] = cur.fetchone()[0]
        cur.execute(f"CREATE UNIQUE INDEX ON {table} (i)")
    cur.execute("ANALYZE bench_grid; ANALYZE bench_cat; ANALYZE bench_org; ANALYZE bench_resident")
    return counts


def step_load(args: argparse.Namespace) -> None:
    """Empty the case tables, load ``--cases`` cases in batches of BATCH, then VACUUM ANALYZE.

    The secondary indexes of the case and event tables are dropped first (their definitions
    recorded from the catalogue) and rebuilt after the data is in: building an index once is
    much cheaper than maintaining 20 of them row by row.  The primary keys and the unique rules
    (``number``, the idempotency key) stay in place during the load.  Foreign-key triggers are
    skipped (``session_replication_role = replica``: the ids come from the tables they point
    at) and checked afterwards with anti-joins.
    """
    django(args)
    from django.db import connection, transaction

    n = int(args.cases)
    timings: dict[str, float] = {}
    started = time.monotonic()

    def lap(name: str, since: float) -> float:
        now = time.monotonic()
        timings[name] = round(now - since, 1)
        log(f"{name}: {now - since:.1f} s")
        return now

    with connection.cursor() as cur:
        cur.execute("SET maintenance_work_mem = '256MB'")
        cur.execute("SET synchronous_commit = off")
        # Indexes a previous, interrupted load dropped come back first.
        recorded: dict[str, dict[str, str]] = load_json(INDEX_FILE)
        for table in INDEX_TABLES:
            current = secondary_indexes(cur, table)
            missing = {k: v for k, v in recorded.get(table, {}).items() if k not in current}
            for sql in missing.values():
                cur.execute(sql)
            recorded[table] = {**recorded.get(table, {}), **current}
        INDEX_FILE.write_text(json.dumps(recorded, indent=1))
        t = time.monotonic()
        cur.execute(
            "TRUNCATE appeals_case, appeals_caseevent, appeals_casephoto, appeals_caseunit, "
            "appeals_emergencyhandover, appeals_extensionrequest, appeals_caseaccesscode, "
            "appeals_caserating, "
            "appeals_casecounter RESTART IDENTITY CASCADE"  # CASCADE: open311_clientrequest points at cases
        )
        for table in INDEX_TABLES:
            for name in recorded[table]:
                cur.execute(f'DROP INDEX "{name}"')
        t = lap("truncate + drop secondary indexes", t)
        counts = bench_lookup_tables(cur)
        t = lap("lookup tables", t)
        cur.execute("SET session_replication_role = replica")  # no FK triggers during the bulk insert
        batches = max(1, -(-n // BATCH))
        day0 = 0
        after = 0
        for b in range(batches):
            lo, hi = b * BATCH + 1, min(n, (b + 1) * BATCH)
            day1 = round(DAYS * hi / n)
            params = {
                **counts,
                "resident": demo_resident().pk,
                "days": DAYS,
                "d0": day0,
                "span": day1 - day0,
                "lo": lo,
                "hi": hi,
            }
            with transaction.atomic():
                cur.execute(LOAD_SQL, params)
                cur.execute(EVENTS_SQL, {"after": after})
            cur.execute("SELECT max(id) FROM appeals_case")
            after = cur.fetchone()[0]
            t = lap(f"batch {b + 1}/{batches}: cases {lo:,}-{hi:,}, days {day0}-{day1 - 1}", t)
            day0 = day1
        cur.execute(
            "UPDATE appeals_case SET merged_into_id = id - 1 "
            "WHERE state = 'merged' AND id > (SELECT min(id) FROM appeals_case)"
        )
        # The day counters carry on after the loaded numbers, so intake never repeats one.
        cur.execute(
            "INSERT INTO appeals_casecounter (day, last) SELECT to_date(left(number, 8), 'YYYYMMDD'), "
            "max(right(number, 6)::int) FROM appeals_case GROUP BY 1"
        )
        cur.execute("SET session_replication_role = DEFAULT")
        t = lap("merged links + day counters", t)
        for table in INDEX_TABLES:
            for name, sql in recorded[table].items():
                cur.execute(sql)
                lap(f"CREATE INDEX {name}", t)
                t = time.monotonic()
        for table in INDEX_TABLES:
            rebuilt = secondary_indexes(cur, table)
            if rebuilt != recorded[table]:
                raise SystemExit(f"{table}: indexes differ after the rebuild: {rebuilt} != {recorded[table]}")
        INDEX_FILE.unlink()
        t = time.monotonic()
        broken = {}
        for column, target in (
            ("area_id", "core_area"),
            ("handling_area_id", "core_area"),
            ("category_id", "appeals_category"),
            ("lead_org_id", "core_organisation"),
            ("requester_id", "accounts_user"),
            ("merged_into_id", "appeals_case"),
        ):
            cur.execute(
                f"SELECT count(*) FROM appeals_case c WHERE c.{column} IS NOT NULL "
                f"AND NOT EXISTS (SELECT 1 FROM {target} x WHERE x.id = c.{column})"
            )
            broken[column] = cur.fetchone()[0]
        cur.execute(
            "SELECT count(*) FROM appeals_caseevent e "
            "WHERE NOT EXISTS (SELECT 1 FROM appeals_case c WHERE c.id = e.case_id)"
        )
        broken["event.case_id"] = cur.fetchone()[0]
        if any(broken.values()):
            raise SystemExit(f"dangling references after the load: {broken}")
        t = lap("foreign keys checked", t)
        for table in ("bench_grid", "bench_cat", "bench_org", "bench_resident", "bench_text"):
            cur.execute(f"DROP TABLE {table}")
    loaded = time.monotonic() - started
    psql(args, "VACUUM ANALYZE appeals_case")
    psql(args, "VACUUM ANALYZE appeals_caseevent")
    psql(args, "VACUUM ANALYZE appeals_casecounter")
    lap("VACUUM ANALYZE", started + loaded)
    total = time.monotonic() - started
    stats = psql(
        args,
        "SELECT json_build_object('cases', (SELECT count(*) FROM appeals_case), "
        "'events', (SELECT count(*) FROM appeals_caseevent), "
        "'open', (SELECT count(*) FROM appeals_case WHERE state NOT IN ('closed', 'merged')), "
        "'with_requester', (SELECT count(*) FROM appeals_case WHERE requester_id IS NOT NULL), "
        "'numbers_unique', (SELECT count(DISTINCT number) = count(*) FROM appeals_case), "
        "'case_table_mb', pg_total_relation_size('appeals_case') / 1048576, "
        "'states', (SELECT json_object_agg(state, n) FROM "
        "(SELECT state, count(*) n FROM appeals_case GROUP BY 1) q))",
    )
    info = json.loads(stats)
    info.update(load_s=round(loaded, 1), load_and_analyze_s=round(total, 1), timings=timings)
    log(f"loaded {info['cases']:,} cases in {loaded:.1f} s (+ VACUUM ANALYZE: {total:.1f} s): {info}")
    save_result("load", str(n), info)
