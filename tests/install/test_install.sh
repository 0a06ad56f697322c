#!/usr/bin/env bash
# The Debian package as a user gets it: extracted into a temporary root (dpkg-deb -x, no root
# privileges or dpkg database needed), then the installed binary is run from /tmp, where no
# source tree is in sight: --version, --help, the man page, and `lockwise demo` on the installed
# seed scenario. Usage: tests/install/test_install.sh <build dir holding lockwise_*.deb>
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
deb=$(ls "$build"/lockwise_*.deb)
root=$(mktemp -d /tmp/lockwise-install.XXXXXX)
trap 'rm -rf "$root"' EXIT
fail() { echo "test_install: FAIL: $*" >&2; exit 1; }

dpkg-deb -x "$deb" "$root"
depends=$(dpkg-deb -f "$deb" Depends)
echo "test_install: $(basename "$deb"): Depends: $depends"
for library in libpq5 libc6 libstdc++6; do
    [[ $depends == *"$library"* ]] || fail "Depends lacks $library (dpkg-shlibdeps)"
done
lockwise="$root/usr/bin/lockwise"
[ -x "$lockwise" ] || fail "no usr/bin/lockwise in the package"
# Every library the binary links directly comes from a package that Depends names: the Dockerfile's
# runtime stage installs nothing else (tests/cli/test_cli_ops_deploy.cpp).
package_of() { # the Debian package a library file belongs to (usrmerge: try both spellings)
    local path candidate
    path=$(readlink -f "$1")
    for candidate in "$1" "$path" "/usr$1" "/usr$path" "${1#/usr}" "${path#/usr}"; do
        dpkg -S "$candidate" 2>/dev/null | head -1 | cut -d: -f1 && return 0
    done
    return 1
}
for soname in $(objdump -p "$lockwise" | awk '/NEEDED/ {print $2}'); do
    # "libpq.so.5 => /lib/.../libpq.so.5 (0x...)", or for the loader "/lib64/ld-linux-x86-64.so.2 (0x...)"
    path=$(ldd "$lockwise" | awk -v name="$soname" '$1 == name {print $3} $1 ~ ("/" name "$") {print $1}' | head -1)
    [ -n "$path" ] || fail "ldd does not resolve $soname"
    package=$(package_of "$path") || fail "$path belongs to no Debian package"
    [[ ", $depends," == *", $package "* || ", $depends," == *", $package,"* ]] ||
        fail "$soname comes from $package, which Depends does not name"
done
[ -f "$root/usr/share/man/man1/lockwise.1" ] || fail "no man page"
[ -f "$root/usr/share/lockwise/examples/workload.sql" ] || fail "no seed scenario under usr/share/lockwise/examples"
[ -f "$root/usr/share/doc/lockwise/docs/architecture.md" ] || fail "no docs"

cd /tmp
version=$("$lockwise" --version) || fail "--version exited $?"
[[ $version == "lockwise "* && $version == *"libpq"* && $version == *"PostgreSQL"* ]] || fail "--version printed: $version"
"$lockwise" --help | grep -q "migrate" || fail "--help does not list migrate"
grep -q 'lockwise demo' "$root/usr/share/man/man1/lockwise.1" || fail "the man page does not list demo"

output=$("$lockwise" --log-format plain demo --leads 2000 --baseline 1s --tail 300ms 2>&1) || fail "demo exited $?: $output"
[[ $output == *"$root/usr/share/lockwise/examples"* ]] || fail "demo did not use the installed seed scenario: $output"
[[ $output == *"Impact report: lockwise demo: migration 36 on 2000 leads"* ]] || fail "no impact report: $output"
# Not a terminal: every event stays a plain line, the per-partition ones included.
[[ $output == *"info  backfill partition 1: "* ]] || fail "plain output lost the per-partition lines: $output"
echo "test_install: ok (installed into a temporary root, ran from /tmp)"
