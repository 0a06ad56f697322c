#!/usr/bin/env bash
# The one entry point for building lockwise from a fresh Debian 12 clone.
#   ./dev.sh demo [args]   install what is missing, build, run `lockwise demo`
#   ./dev.sh test          install what is missing, build (-Werror), run the whole suite,
#                          then the same suite again under ASan+UBSan, the libFuzzer targets
#                          (fuzz/, 20 s each) and ThreadSanitizer over the multi-threaded tests
#   ./dev.sh build         install and build only
# Environment: LOCKWISE_SKIP_SANITIZE=1 skips the sanitizer, fuzz and TSan passes (local iteration only);
#              LOCKWISE_FUZZ_SECONDS sets the time per fuzz target (default 20).
set -euo pipefail
cd "$(dirname "$0")"

packages=(cmake ninja-build g++ pkg-config libpq-dev libpg-query-dev libcli11-dev libfmt-dev
          libtomlplusplus-dev nlohmann-json3-dev libssl-dev libgtest-dev libgmock-dev libbenchmark-dev
          postgresql-15 postgresql-client-15 pgbouncer clang libclang-rt-14-dev openssl)

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
    fuzz/run.sh build-fuzz "${LOCKWISE_FUZZ_SECONDS:-20}"
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

command=${1:-test}
shift || true
install_missing
case "$command" in
    build) build build ;;
    demo) build build; exec ./build/lockwise demo "$@" ;;
    test)
        build build
        run_suite build
        if [ "${LOCKWISE_SKIP_SANITIZE:-0}" != 1 ]; then
            build build-asan -DLOCKWISE_SANITIZE=ON -DLOCKWISE_BENCH=OFF
            ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 run_suite build-asan
            fuzz_pass
            tsan_pass
        fi
        ;;
    *) echo "usage: ./dev.sh demo|test|build" >&2; exit 2 ;;
esac
