#!/usr/bin/env bash
# Runs every libFuzzer target of a fuzz build for a bounded time on its checked-in seed
# corpus (plus examples/ for the parsers that read migrations and workloads) and prints executions per target. Exit status 1 if any target found a crash.
#   fuzz/run.sh <build-dir> [seconds per target, default 20]
# A crash leaves its input in <build-dir>/artifacts/<target>/; turn it into a regression
# test (tests/unit/...) feeding that input, then fix the parser.
set -uo pipefail
build=${1:?usage: fuzz/run.sh <build-dir> [seconds]}
seconds=${2:-20}
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
status=0
printf '%-28s %12s %10s %s\n' target executions exec/s result
for binary in "$build"/fuzz_*; do
    [ -x "$binary" ] || continue
    name=$(basename "$binary")
    work="$build/corpus-work/$name"
    artifacts="$build/artifacts/$name/"
    mkdir -p "$work" "$artifacts"
    log="$build/$name.log"
    # New inputs go to the work corpus; the seeds are read only: the target's own corpus, and
    # for the SQL and workload parsers the project's examples (migrations 35/36, the workload).
    seeds=()
    [ -d "$here/corpus/$name" ] && seeds+=("$here/corpus/$name")
    case $name in
        fuzz_catalog_directives | fuzz_catalog_file | fuzz_sql_script | fuzz_workload) seeds+=("$repo/examples") ;;
    esac
    "$binary" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=4096 -print_final_stats=1 \
        -artifact_prefix="$artifacts" "$work" "${seeds[@]}" >"$log" 2>&1
    rc=$?
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
    rate=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
    result=ok
    if [ $rc -ne 0 ]; then
        result="CRASH (see $log, input in $artifacts)"
        status=1
        tail -40 "$log" >&2
    fi
    printf '%-28s %12s %10s %s\n' "$name" "${runs:-?}" "${rate:-?}" "$result"
done
exit $status
