"""The results table: 10,000 and 1,000,000 cases side by side."""

from __future__ import annotations

import argparse
from typing import Any

from .base import READ_CONNECTIONS, RESULTS, load_json

# --------------------------------------------------------------------------- table


def fmt(x: float) -> str:
    return f"{x:,.1f}" if x < 100 else f"{x:,.0f}"


def row(*cells: Any) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def header(*cells: str) -> str:
    return "\n" + row(*cells) + "\n" + row(*["---"] * len(cells))


def step_table(args: argparse.Namespace) -> None:
    """The markdown tables of ``results.json``: intake vs pgbench, reads by case count side by side."""
    data = load_json(RESULTS)
    meta = data.get("meta", {}).get("setup", {})
    print("Machine:", ", ".join(f"{k} {v}" for k, v in meta.items()))
    intake = data.get("intake", {})
    print(
        header(
            "endpoint", "workers", "peak req/s (connections)", "p50 / p99 ms at peak", "paced req/s (target)",
            "p50 / p95 / p99 ms at half peak", "app CPU ms/req", "errors", "load avg",
        )
    )  # fmt: skip
    for key, label in (
        ("api", "`POST /api/v1/appeals/cases`"),
        ("open311", "`POST /open311/v2/requests.json`"),
    ):
        r = intake.get(key)
        if not r:
            continue
        if "skipped" in r:
            print(row(label, "—", f"not run: {r['skipped']}", "", "", "", "", "", ""))
            continue
        p, h = r["peak"], r["half"]
        errors = p["non_2xx_3xx"] + h["non_2xx_3xx"] + p["socket_errors"] + h["socket_errors"]
        print(
            row(
                label, r["workers"], f"**{fmt(p['rps'])}** ({p['connections']})",
                f"{fmt(p['p50_ms'])} / {fmt(p['p99_ms'])}", f"{fmt(h['rps'])} ({fmt(h['target_rps'])})",
                f"{fmt(h['p50_ms'])} / {fmt(h['p95_ms'])} / **{fmt(h['p99_ms'])}**",
                f"{p['app_cpu_ms_per_req']} / {h['app_cpu_ms_per_req']}", errors,
                f"{p['loadavg_1m']} / {h['loadavg_1m']}",
            )
        )  # fmt: skip
    if "pgbench" in intake:
        for c, v in intake["pgbench"]["clients"].items():
            print(
                row(f"pgbench single-row INSERT, {c} clients", "—", f"**{fmt(v['tps'])}** tps", "", "",
                    f"avg {v['latency_avg_ms']}", "", "", "")
            )  # fmt: skip
    for key in ("api", "open311"):
        if "runs" not in intake.get(key, {}) and "by_workers" not in intake.get(key, {}):
            continue
        print(
            f"\nPeak search ({key}):" + header("workers", "connections", "req/s", "p50 ms", "p99 ms", "load")
        )
        by_workers = intake[key].get("by_workers") or {intake[key]["workers"]: {"runs": intake[key]["runs"]}}
        for w, v in by_workers.items():
            for r in v["runs"]:
                print(
                    row(
                        w,
                        r["connections"],
                        fmt(r["rps"]),
                        fmt(r["p50_ms"]),
                        fmt(r["p99_ms"]),
                        r["loadavg_1m"],
                    )
                )
    for info in data.get("load", {}).values():
        print(
            f"\nLoaded {info['cases']:,} cases ({info['open']:,} open, {info['with_requester']:,} with a "
            f"resident requester), {info['events']:,} events, case table {info['case_table_mb']} MiB, "
            f"load {info['load_s']} s, with VACUUM ANALYZE {info['load_and_analyze_s']} s."
        )
    reads = data.get("reads", {})
    if not reads:
        return
    labels = sorted(reads, key=lambda k: reads[k]["cases"])
    cols = []
    for label in labels:
        n = f"{reads[label]['cases']:,}"
        cols += [f"req/s {n}", f"p50 / p95 / p99 ms {n}", f"CPU ms/req {n}"]
    print(header("page", "c", *cols))
    keys = [k for k in reads[labels[-1]] if k not in ("cases", "workers")]
    for key in keys:
        for i, c in enumerate(READ_CONNECTIONS):
            cells: list[Any] = []
            for label in labels:
                sc = reads[label].get(key)
                r = sc["runs"][i] if sc else None
                if r is None:
                    cells += ["—", "—", "—"]
                    continue
                bad = r["non_2xx_3xx"] + r["socket_errors"]
                cells += [
                    fmt(r["rps"]) + (f" ({bad} errors)" if bad else ""),
                    f"{fmt(r['p50_ms'])} / {fmt(r['p95_ms'])} / {fmt(r['p99_ms'])}",
                    r["app_cpu_ms_per_req"],
                ]
            print(row(reads[labels[-1]][key]["label"], c, *cells))
