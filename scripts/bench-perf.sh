#!/usr/bin/env bash
# Where a request's CPU time goes on the real CPU: `perf record` of a server
# of examples/bench under load, by function. Unlike callgrind
# (scripts/bench-callgrind.sh) it counts time, kernel included, with the
# CPU's own instructions (SHA extensions, AVX-512), so it shows what the
# hardware spends; its figures are samples, so compare shares within one
# profile rather than across runs.
#
# The server is built with frame pointers into its own target folder
# (target/perf: other builds are left alone), pinned to core 0, loaded by
# wrk on core 1 for DURATION seconds against 127.0.0.1 only, and sampled
# with the `cpu-clock` event, which works on virtual machines where the
# cycle counter is not available. The `visits` endpoints reuse one session
# cookie, as in bench-http.sh. The server is stopped on exit.
#
# It prints the kernel's and each binary's share, the user-space functions
# with the largest share of the samples by themselves ("self") and with what
# they call ("with callees"), then keeps the profile for `perf report -i`.
#
# Settings (environment):
#   DURATION=6  CONNECTIONS=64  PORT=18093  TOP=40
#   SERVER=bench|baseline   which binary (default bench, the nestling app)
#   SESSION_BACKEND=cookie  the bench app serves /visits on encrypted cookies
#   OUT=perf.data           where the profile is kept
#   SKIP_BUILD=1            use the binary already in target/perf
#
# Usage: scripts/bench-perf.sh ENDPOINT     (e.g. plaintext, json, visits)
set -euo pipefail

ENDPOINT=${1:?usage: scripts/bench-perf.sh ENDPOINT (plaintext, json, page, visits)}
DURATION=${DURATION:-6}
CONNECTIONS=${CONNECTIONS:-64}
PORT=${PORT:-18093}
TOP=${TOP:-40}
SERVER=${SERVER:-bench}
OUT=${OUT:-perf.data}

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

for tool in perf wrk; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        package=$tool
        [ "$tool" = perf ] && package=linux-perf
        echo "$tool is missing; installing $package with apt-get" >&2
        apt-get update -qq && apt-get install -y -qq "$package" >/dev/null
    fi
done

target_dir=$root/target/perf
if [ -z "${SKIP_BUILD:-}" ]; then
    # RUSTFLAGS replaces the workspace's .cargo/config.toml flags: keep its
    # portable Poly1305 so the cookie backend is profiled as it is built.
    RUSTFLAGS="-C force-frame-pointers=yes --cfg poly1305_force_soft" \
        CARGO_TARGET_DIR=$target_dir cargo build --release -p bench --bins
fi
binary=$target_dir/release/$SERVER

port_open() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

if port_open "$PORT"; then
    echo "port $PORT is already in use; set PORT to a free one" >&2
    exit 1
fi

server=""
cleanup() {
    if [ -n "$server" ]; then
        kill "$server" 2>/dev/null || true
        wait "$server" 2>/dev/null || true
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

PORT=$PORT taskset -c 0 "$binary" >/dev/null 2>&1 &
server=$!
for _ in $(seq 100); do
    port_open "$PORT" && break
    sleep 0.1
done
if ! port_open "$PORT"; then
    echo "$binary did not start on port $PORT" >&2
    exit 1
fi

headers=()
if [[ $ENDPOINT == *visits ]]; then
    cookie=$(exec 3<>"/dev/tcp/127.0.0.1/$PORT" &&
        printf 'GET /%s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' "$ENDPOINT" >&3 &&
        cat <&3 | grep -i '^set-cookie:' | head -n1)
    cookie=${cookie#*: }
    headers=(-H "Cookie: ${cookie%%;*}")
fi

url="http://127.0.0.1:$PORT/$ENDPOINT"
# Warm-up, unrecorded.
taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d1s "${headers[@]}" "$url" >/dev/null
perf record -e cpu-clock -F 10000 -g -p "$server" -o "$OUT" -- sleep "$DURATION" \
    >/dev/null 2>&1 &
recorder=$!
taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" "${headers[@]}" "$url" |
    grep -E 'Requests/sec|requests in'
wait "$recorder"

# `head` may close a pipe before perf has written everything.
report() {
    perf report -i "$OUT" "$@" 2>/dev/null | grep -E '^ +[0-9]' || true
}
echo
echo "== by binary: the kernel's share is the system time"
report --no-children --sort dso -g none | head -n 5 || true
echo
echo "== self, user space: the share of samples in each function itself"
report --no-children --sort dso,sym -g none --percent-limit 0.2 |
    grep -v '\[kernel' | head -n "$TOP" || true
echo
echo "== with callees: the share of samples in each function and what it calls"
echo "   (user space, without the frames every sample passes through: main, the runtime)"
report --children --sort sym -g none --percent-limit 0.5 |
    awk '$1 + 0 < 90 && /\[\.\]/' | head -n "$TOP" || true
echo
echo "profile kept in $OUT: perf report -i $OUT --children (callers with -G)"
