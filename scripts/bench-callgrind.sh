#!/usr/bin/env bash
# Instructions per request, examples/bench (nestling) against its hyper
# baseline, counted by valgrind's callgrind: unlike CPU time, the count does
# not move when other work shares the machine, so it shows small changes that
# scripts/bench-http.sh's timings cannot (it counts user-space instructions
# only: the kernel's share of a request, the same for both, is left out).
#
# Each server runs under callgrind with instrumentation off; after a warm-up,
# instrumentation is switched on for a wrk run of DURATION seconds against
# 127.0.0.1 only, then off again, and the instructions counted are divided by
# the requests wrk completed. The servers are stopped on exit.
#
# Settings (environment):
#   DURATION=3  CONNECTIONS=16  ENDPOINTS="plaintext json"  PORT=18091
#   SKIP_BUILD=1, NESTLING_BIN=path, BASELINE_BIN=path   as in bench-http.sh
#   KEEP=dir    keep the callgrind profiles there (for callgrind_annotate)
#   SESSION_BACKEND=cookie   the bench app serves /visits on encrypted cookie sessions
#
# Usage: scripts/bench-callgrind.sh
set -euo pipefail

DURATION=${DURATION:-3}
CONNECTIONS=${CONNECTIONS:-16}
ENDPOINTS=${ENDPOINTS:-plaintext json}
PORT=${PORT:-18091}

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

for tool in valgrind wrk; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "$tool is missing; installing it with apt-get" >&2
        apt-get update -qq && apt-get install -y -qq "$tool" >/dev/null
    fi
done

if [ -z "${SKIP_BUILD:-}" ] && [ -z "${NESTLING_BIN:-}${BASELINE_BIN:-}" ]; then
    cargo build --release -p bench --bins
fi
target_dir=$(cargo metadata --format-version 1 --no-deps 2>/dev/null |
    sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
target_dir=${target_dir:-$root/target}
bin_nestling=${NESTLING_BIN:-$target_dir/release/bench}
bin_baseline=${BASELINE_BIN:-$target_dir/release/baseline}

work=$(mktemp -d)
server=""
cleanup() {
    if [ -n "$server" ]; then
        kill "$server" 2>/dev/null || true
        wait "$server" 2>/dev/null || true
    fi
    if [ -n "${KEEP:-}" ]; then
        mkdir -p "$KEEP" && cp "$work"/*.out.* "$KEEP"/ 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port_open() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# count NAME BINARY ENDPOINT: prints "endpoint name instructions/request".
count() {
    local name=$1 binary=$2 endpoint=$3
    local out=$work/$name.$endpoint.out
    if port_open "$PORT"; then
        echo "port $PORT is already in use; set PORT to a free one" >&2
        exit 1
    fi
    PORT=$PORT valgrind --tool=callgrind --instr-atstart=no \
        --callgrind-out-file="$out" "$binary" >"$work/$name.log" 2>&1 &
    server=$!
    for _ in $(seq 200); do
        port_open "$PORT" && break
        kill -0 "$server" 2>/dev/null || break
        sleep 0.1
    done
    if ! port_open "$PORT"; then
        echo "$name did not start:" >&2
        cat "$work/$name.log" >&2
        exit 1
    fi
    local url=http://127.0.0.1:$PORT/$endpoint headers=()
    if [ "$endpoint" = visits ]; then
        # One session for every request, as in bench-http.sh.
        local cookie
        cookie=$(exec 3<>"/dev/tcp/127.0.0.1/$PORT" &&
            printf 'GET /visits HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' >&3 &&
            cat <&3 | grep -i '^set-cookie:' | head -n1)
        cookie=${cookie#*: }
        headers=(-H "Cookie: ${cookie%%;*}")
    fi
    timeout 60 wrk -t1 -c"$CONNECTIONS" -d1s "${headers[@]}" "$url" >/dev/null
    callgrind_control -i on "$server" >/dev/null 2>&1
    local requests
    requests=$(timeout $((DURATION + 60)) wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" "${headers[@]}" "$url" |
        awk '/requests in/ { print $1 }')
    callgrind_control -i off "$server" >/dev/null 2>&1
    callgrind_control -d "$server" >/dev/null 2>&1
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
    server=""
    local total
    total=$(callgrind_annotate "$out.1" 2>/dev/null |
        awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1 }')
    echo "$endpoint $name $((total / requests))"
    echo "$endpoint $name: $requests requests, $total instructions" >&2
}

for endpoint in $ENDPOINTS; do
    count nestling "$bin_nestling" "$endpoint" >>"$work/results"
    count baseline "$bin_baseline" "$endpoint" >>"$work/results"
done

echo
awk -v endpoints="$ENDPOINTS" '
    { ir[$1, $2] = $3 }
    END {
        printf "%-10s %18s %18s %8s\n", "endpoint", "nestling instr/req", "baseline instr/req", "ratio"
        n = split(endpoints, eps, " ")
        for (i = 1; i <= n; i++) {
            e = eps[i]
            printf "%-10s %18d %18d %7.3fx\n", e, ir[e, "nestling"], ir[e, "baseline"], ir[e, "nestling"] / ir[e, "baseline"]
        }
    }' "$work/results"
