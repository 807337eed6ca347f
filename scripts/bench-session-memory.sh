#!/usr/bin/env bash
# Memory of the default session store (MemoryStore) under churn: every
# request of a `wrk` run against examples/bench's `GET /visits` carries no
# cookie, so each one creates a session, stores `{"cookie":...,"visits":1}`
# and answers with a new `Set-Cookie`.
#
# 1. Bytes per live session: sessions that outlive the run (a 10-minute
#    maxAge); the server's RSS growth divided by the sessions created.
# 2. Reclaiming: sessions with a 1 s maxAge, churned in CHURNS runs with a
#    pause after each. The purge task deletes expired sessions whether or
#    not anyone asks for them again, so each run reuses the memory the ones
#    before freed: RSS after each pause stays where the first left it.
#
# Only 127.0.0.1 is targeted; the server is stopped on exit.
#
# Settings (environment):
#   DURATION=3  CONNECTIONS=64  PORT=18095  CHURNS=4
#   SKIP_BUILD=1, NESTLING_BIN=path   as in bench-http.sh
#
# Usage: scripts/bench-session-memory.sh
set -euo pipefail

DURATION=${DURATION:-3}
CONNECTIONS=${CONNECTIONS:-64}
PORT=${PORT:-18095}
CHURNS=${CHURNS:-4}

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

for tool in wrk curl; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "$tool is missing; installing it with apt-get" >&2
        apt-get update -qq && apt-get install -y -qq "$tool" >/dev/null
    fi
done
if [ -z "${SKIP_BUILD:-}" ] && [ -z "${NESTLING_BIN:-}" ]; then
    cargo build --release -p bench --bin bench
fi
target_dir=$(cargo metadata --format-version 1 --no-deps 2>/dev/null |
    sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
target_dir=${target_dir:-$root/target}
bin=${NESTLING_BIN:-$target_dir/release/bench}

server=""
stop_server() {
    if [ -n "$server" ]; then
        kill "$server" 2>/dev/null || true
        wait "$server" 2>/dev/null || true
        server=""
    fi
}
trap stop_server EXIT
trap 'exit 130' INT TERM

port_open() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# start MAX_AGE_MS: the bench app with sessions of that maxAge.
start() {
    if port_open "$PORT"; then
        echo "port $PORT is already in use; set PORT to a free one" >&2
        exit 1
    fi
    SESSION_MAX_AGE_MS=$1 PORT=$PORT taskset -c 0 "$bin" >/dev/null 2>&1 &
    server=$!
    for _ in $(seq 100); do
        port_open "$PORT" && break
        sleep 0.05
    done
    # One request first, so that start-up allocations are not counted.
    curl -s -o /dev/null "http://127.0.0.1:$PORT/visits"
}

rss_kib() {
    awk '/^VmRSS:/ { print $2 }' "/proc/$server/status"
}

# churn: prints the requests completed by one wrk run without cookies.
churn() {
    taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d"$DURATION" "http://127.0.0.1:$PORT/visits" |
        awk '/requests in/ { print $1 }'
}

start 600000
before=$(rss_kib)
sessions=$(churn)
after=$(rss_kib)
stop_server
per_session=$(( (after - before) * 1024 / sessions ))
echo "live sessions:  $sessions created, RSS ${before} -> ${after} KiB: $per_session bytes per live session"

start 1000
echo "1 s maxAge:     RSS at start $(rss_kib) KiB"
first_rest=""
for run in $(seq "$CHURNS"); do
    created=$(churn)
    peak=$(rss_kib)
    sleep 2
    rest=$(rss_kib)
    first_rest=${first_rest:-$rest}
    echo "  churn $run:      $created sessions, RSS ${peak} KiB at the end, ${rest} KiB 2 s later"
done
stop_server
echo "  growth from the first pause to the last: $(( rest - first_rest )) KiB"
