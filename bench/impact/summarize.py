#!/usr/bin/env python3
"""Prints the comparison table of bench/impact/run.sh from its JSON reports."""
import json, pathlib, sys
out = pathlib.Path(sys.argv[1])
print("| method | blocker | migration s | backfill rows/s | p99 before ms | p99 during ms | max before ms | max during ms | failed tx | error |")
print("|---|---|---|---|---|---|---|---|---|---|")
for blocker in ("no", "yes"):
    for method in ("lockwise", "naive", "seed", "seed-rerun"):
        path = out / f"{method}-blocker-{blocker}.json"
        if not path.exists():
            continue
        r = json.loads(path.read_text())
        phases = {p["name"]: p for p in r["phases"]}
        b, d = phases.get("baseline", {}), phases.get("migration", {})
        rate = max((s["rows_per_second"] for s in r["steps"] if s["kind"] == "backfill"), default=None)
        if rate is None:
            rows = 0
            rate = "-"
        print(f"| {method} | {blocker} | {r['migration_ms']/1000:.1f} | {rate} | {b.get('p99_ms',0):.1f} | {d.get('p99_ms',0):.1f} | "
              f"{b.get('max_ms',0):.1f} | {d.get('max_ms',0):.1f} | {r['failed_total']} | {r['migration_error'] or '-'} |")
