#!/usr/bin/env bash
# Migration 36 under the seed workload three ways (lockwise, the naive script, the seed
# guide's method), each with and without an idle-in-transaction blocker, on a fresh
# throwaway cluster per run (plus, with the blocker, the seed method rerun until it
# finishes). Usage: bench/impact/run.sh [BUILD_DIR] [SCALE]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
build=${1:-$repo/build}
scale=${2:-1000000}
out=$here/out
mkdir -p "$out"
common=(--log-format plain demo --examples "$repo/examples" --scale "$scale" --clients 4 --rate 200 --baseline 5s --tail 2s)
for blocker in no yes; do
  extra=()
  [[ $blocker == yes ]] && extra=(--blocker --blocker-hold 8s)
  methods=(lockwise naive seed)
  # With the blocker the seed method fails (5 s DDL lock_timeout, no retry in its exec_ddl);
  # seed-rerun is what its operators did next: run it again, 2 s after each failure.
  [[ $blocker == yes ]] && methods+=(seed-rerun)
  for method in "${methods[@]}"; do
    exec_flag=()
    psql_seed="psql -X -q -v ON_ERROR_STOP=1 -d \"\$DATABASE_URL\" -f $here/seed_method.sql"
    case $method in
      naive) exec_flag=(--exec "psql -X -q -v ON_ERROR_STOP=1 -d \"\$DATABASE_URL\" -f $here/naive.sql") ;;
      seed) exec_flag=(--exec "$psql_seed") ;;
      seed-rerun) exec_flag=(--exec "for attempt in 1 2 3 4 5; do $psql_seed && exit 0; echo \"seed method failed (attempt \$attempt); rerunning in 2 s\" >&2; sleep 2; done; exit 1") ;;
    esac
    name=${method}-blocker-${blocker}
    echo "== $name" >&2
    "$build/lockwise" "${common[@]}" "${extra[@]}" "${exec_flag[@]}" --json "$out/$name.json" --report "$out/$name.html" \
      > "$out/$name.txt" 2> "$out/$name.log" || echo "($name exited $?)" >&2
  done
done
python3 "$here/summarize.py" "$out"
