#!/usr/bin/env bash
# Lint benchmark, whole process, side by side: lockwise's lint library (through unit_lint's
# corpus test, which calls lint::lint_migrations like the cli) and squawk (npm squawk-cli).
# Usage: bench/lint/run.sh [BUILD_DIR] [FILES] [RUNS]   (defaults: build-lint 1000 5)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build-lint}
count=${2:-1000}
runs=${3:-5}
corpus=$(mktemp -d)
trap 'rm -rf "$corpus" "$corpus.time"' EXIT
python3 "$root/bench/lint/generate_corpus.py" "$corpus" "$count"

squawk=${SQUAWK:-}
if [[ -z "$squawk" ]]; then
    peer=/tmp/lockwise-squawk-peer
    if [[ ! -x "$peer/node_modules/.bin/squawk" ]]; then
        npm install --silent --prefix "$peer" squawk-cli >/dev/null 2>&1 || true
    fi
    # Call the native binary directly: the npm wrapper adds a node start-up.
    squawk=$(ls "$peer"/node_modules/@squawk-cli/*/bin/squawk 2>/dev/null | head -1 || true)
fi

# Prints "<wall s> <cpu s>" of the best (least CPU) of $runs runs of "$@".
best_of() {
    local best_wall="" best_cpu=""
    for _ in $(seq "$runs"); do
        /usr/bin/time -o "$corpus.time" -f "%e %U %S" "$@" >/dev/null 2>&1 || true
        read -r wall user sys < <(tail -1 "$corpus.time")
        local cpu
        cpu=$(echo "$user + $sys" | bc)
        if [[ -z "$best_cpu" ]] || (( $(echo "$cpu < $best_cpu" | bc) )); then
            best_cpu=$cpu
            best_wall=$wall
        fi
    done
    echo "$best_wall $best_cpu"
}

report() {
    local name=$1 wall=$2 cpu=$3
    printf '%-28s %6s s wall  %6s s cpu  %8.0f files/s (cpu)\n' "$name" "$wall" "$cpu" "$(echo "$count / $cpu" | bc -l)"
}

echo "corpus: $count files, $(du -sh "$corpus" | cut -f1), runs: best of $runs"
read -r wall cpu < <(best_of env LOCKWISE_LINT_CORPUS="$corpus" "$build/tests/unit_lint" \
    --gtest_also_run_disabled_tests --gtest_filter=LintCorpus.DISABLED_LintEveryFile)
report "lockwise (lint library)" "$wall" "$cpu"
if [[ -n "$squawk" && -x "$squawk" ]]; then
    read -r wall cpu < <(best_of bash -c "cd '$corpus' && '$squawk' *.sql")
    report "squawk $("$squawk" --version | cut -d' ' -f2)" "$wall" "$cpu"
else
    echo "squawk: not available (npm install squawk-cli failed); no peer run"
fi
