#!/usr/bin/env bash
# Benchmarks Tandem's hot paths against their raw limits on this machine, in one run:
#   - the RSVP page and the event page of a 2,000-guest event vs a bare axum handler answering
#     the same bytes; a /pkg asset vs the same bare handler (wrk, 50 connections, second process);
#   - an RSVP POST vs raw sqlx single-row inserts into the same database, on SQLite and PostgreSQL;
#   - a 10,000-contact CSV import; time to interactive in headless Chromium (unthrottled, slow 4G);
#   - invitation delivery through the outbox vs a plain lettre loop (scripts/bench-mail.sh).
# Builds and starts the optimised release the run command serves and writes docs/benchmarks.md.
# BENCH_SMOKE=1: the test build and one-second runs, report in a temporary folder (CI runs this so
# the script does not rot). Timings are never assertions.
source "$(dirname "$0")/lib.sh"

SMOKE="${BENCH_SMOKE:-}"
DURATION="${BENCH_SECONDS:-10}"
[ -n "$SMOKE" ] && DURATION=1
# every read (pages, assets, the bare handlers) runs unmeasured this long first: caches warm, each
# personal link opened once (its first view records "viewed", a write); answers are not warmed up
WARMUP="${BENCH_WARMUP:-2}"
[ -n "$SMOKE" ] && WARMUP=1
CONNECTIONS=50
GUESTS="${BENCH_GUESTS:-2000}"
[ -n "$SMOKE" ] && GUESTS=200
PORT=3300
WORK="$(mktemp -d)"
RESULTS="$WORK/results.jsonl"
: >"$RESULTS"

ensure_rust_tools
ensure_node_deps
ensure_browser
if ! command -v wrk >/dev/null 2>&1; then
  say "Installing wrk (Debian)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk
fi

if [ -n "$SMOKE" ]; then
  build_site
  cargo build -q -p server --bin tandem-bench
  BIN="$(server_binary)"; BENCH="$CARGO_TARGET_DIR/debug/tandem-bench"; SITE=target/site
else
  ensure_wasm_opt
  build_release_site
  cargo build -q --release -p server --bin tandem-bench
  BIN="$(release_binary)"; BENCH="$CARGO_TARGET_DIR/release/tandem-bench"; SITE="$RELEASE_SITE"
fi

PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

wait_for() {
  for _ in $(seq 1 300); do
    if curl -fsS "$1" >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  echo "nothing answers at $1" >&2
  return 1
}

# starts the server on database $1 at port $2
start_server() {
  DATABASE_URL="$1" "$BIN" serve --addr "127.0.0.1:$2" --site-root "$SITE" --seed-demo \
    --trusted-proxy 127.0.0.1 >"$WORK/server-$2.log" 2>&1 &
  PIDS+=($!)
  wait_for "http://127.0.0.1:$2/healthz"
}

start_bare() { # port body content-type [encoding]
  "$BENCH" bare --addr "127.0.0.1:$1" --body "$2" --content-type "$3" ${4:+--content-encoding "$4"} &
  PIDS+=($!)
  wait_for "http://127.0.0.1:$1/"
}

# wrk NAME URL [extra wrk args…]: records one JSON line under NAME (after the warm-up, unless
# BENCH_MODE=answer)
load() {
  local name="$1" url="$2"; shift 2
  local out
  if [ "${BENCH_MODE:-}" != answer ]; then
    wrk -t1 -c"$CONNECTIONS" -d"${WARMUP}s" "$@" "$url" >/dev/null
  fi
  out="$(wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency "$@" "$url")"
  echo "$out" >"$WORK/wrk-$name.txt"
  local json
  json="$(echo "$out" | sed -n 's/^BENCH_JSON //p')"
  echo "{\"name\": \"$name\", \"wrk\": $json}" >>"$RESULTS"
  echo "  $name: $json"
}

start_bare_insert() { # port database-url
  "$BENCH" bare-insert --addr "127.0.0.1:$1" --database-url "$2" &
  PIDS+=($!)
  wait_for "http://127.0.0.1:$1/healthz"
}

record() { # name json
  echo "{\"name\": \"$1\", \"value\": $2}" >>"$RESULTS"
  echo "  $1: $2"
}

login_cookie() { # base → the session cookie's value
  curl -fsS -c "$WORK/jar" -o /dev/null -H "Origin: $1" \
    --data "email=marketing@demo.test&password=demo-password" "$1/api/login"
  awk '$6 == "tandem_session" { print $7 }' "$WORK/jar"
}

say "SQLite: the server on a fresh file with demo data and a $GUESTS-guest event"
SQLITE_URL="sqlite://$WORK/bench.db?mode=rwc"
start_server "$SQLITE_URL" $PORT
BASE="http://127.0.0.1:$PORT"
EVENT="$("$BENCH" fixture --database-url "$SQLITE_URL" --guests "$GUESTS" --tokens "$WORK/tokens")"
COOKIE="$(login_cookie "$BASE")"
TOKEN="$(head -1 "$WORK/tokens")"
curl -fsS -o "$WORK/rsvp.html" -H "X-Forwarded-For: 10.255.0.1" "$BASE/rsvp/$TOKEN"
curl -fsS -o "$WORK/event.html" -H "Cookie: tandem_session=$COOKIE" "$BASE/events/$EVENT"
WASM="$(cd "$SITE/pkg" && ls tandem*.wasm | head -1)"
if [ -f "$SITE/pkg/$WASM.br" ]; then WASM_BODY="$SITE/pkg/$WASM.br"; WASM_ENC=br; else WASM_BODY="$SITE/pkg/$WASM"; WASM_ENC=; fi
record pages "{\"rsvp_bytes\": $(stat -c %s "$WORK/rsvp.html"), \"event_bytes\": $(stat -c %s "$WORK/event.html"), \"wasm\": \"$WASM\", \"wasm_sent_bytes\": $(stat -c %s "$WASM_BODY"), \"guests\": $GUESTS}"
start_bare 3301 "$WORK/rsvp.html" "text/html; charset=utf-8"
start_bare 3302 "$WORK/event.html" "text/html; charset=utf-8"
start_bare 3303 "$WASM_BODY" "application/wasm" "$WASM_ENC"

say "Pages and assets (wrk, $CONNECTIONS connections, ${DURATION}s each)"
export BENCH_TOKENS="$WORK/tokens" BENCH_ORIGIN="$BASE"
BENCH_MODE=page load rsvp_page "$BASE/" -s scripts/bench/rotate.lua
load rsvp_bare "http://127.0.0.1:3301/" -s scripts/bench/report.lua
BENCH_HEADERS="Cookie: tandem_session=$COOKIE" load event_page "$BASE/events/$EVENT" -s scripts/bench/report.lua
load event_bare "http://127.0.0.1:3302/" -s scripts/bench/report.lua
BENCH_HEADERS="Accept-Encoding: br, gzip" load pkg_wasm "$BASE/pkg/$WASM" -s scripts/bench/report.lua
load pkg_bare "http://127.0.0.1:3303/" -s scripts/bench/report.lua

say "RSVP answers on SQLite vs raw sqlx inserts into the same file"
BENCH_MODE=answer load answer_sqlite "$BASE/" -s scripts/bench/rotate.lua
start_bare_insert 3304 "$SQLITE_URL"
BENCH_MODE=answer load bare_insert_sqlite "http://127.0.0.1:3304/" -s scripts/bench/rotate.lua
record insert_sqlite "$("$BENCH" insert --database-url "$SQLITE_URL" --connections $CONNECTIONS --seconds "$DURATION")"

say "CSV import of 10,000 contacts"
python3 - "$WORK/import.json" <<'PY'
import csv, io, json, sys
out = io.StringIO()
w = csv.writer(out)
w.writerow(["first_name", "last_name", "email", "company", "language"])
for i in range(10000):
    w.writerow([f"Import {i}", "Benchmark", f"import-{i}@bulk.example", f"Bulk Co {i % 250}", "en" if i % 3 else "de"])
json.dump({"csv": out.getvalue()}, open(sys.argv[1], "w"))
PY
started=$(date +%s.%N)
JOB="$(curl -fsS -H "Cookie: tandem_session=$COOKIE" -H "Origin: $BASE" -H "Content-Type: application/json" \
  --data @"$WORK/import.json" "$BASE/api/start_import")"
while :; do
  STATUS="$(curl -fsS -H "Cookie: tandem_session=$COOKIE" -H "Origin: $BASE" --data "job_id=$JOB" "$BASE/api/import_progress")"
  if echo "$STATUS" | grep -q '"finished":true'; then break; fi
  sleep 0.05
done
finished=$(date +%s.%N)
record csv_import "{\"rows\": 10000, \"seconds\": $(python3 -c "print(round($finished - $started, 3))"), \"status\": $STATUS}"

say "Time to interactive in headless Chromium"
RSVP_LINK="$BASE/rsvp/$(sed -n 2p "$WORK/tokens")"
record tti "$(cd end2end && BENCH_RSVP="$RSVP_LINK" BENCH_EVENT="$BASE/events/$EVENT" BENCH_COOKIE="$COOKIE" \
  BENCH_RUNS="$([ -n "$SMOKE" ] && echo 1 || echo 5)" BENCH_NETWORKS="$([ -n "$SMOKE" ] && echo fast || echo fast,slow4g)" \
  node bench-tti.mjs)"

if [ -n "${TEST_DATABASE_URL:-}" ] && command -v psql >/dev/null 2>&1 && psql "$TEST_DATABASE_URL" -qc 'select 1' >/dev/null 2>&1; then
  say "PostgreSQL: RSVP answers vs raw sqlx inserts into the same database"
  psql "$TEST_DATABASE_URL" -qc 'DROP DATABASE IF EXISTS tandem_bench' -qc 'CREATE DATABASE tandem_bench' >/dev/null
  PG_URL="${TEST_DATABASE_URL%/*}/tandem_bench"
  start_server "$PG_URL" 3310
  "$BENCH" fixture --database-url "$PG_URL" --guests "$GUESTS" --tokens "$WORK/pg-tokens" >/dev/null
  BENCH_TOKENS="$WORK/pg-tokens" BENCH_ORIGIN="http://127.0.0.1:3310" BENCH_MODE=answer \
    load answer_postgres "http://127.0.0.1:3310/" -s scripts/bench/rotate.lua
  start_bare_insert 3311 "$PG_URL"
  BENCH_TOKENS="$WORK/pg-tokens" BENCH_ORIGIN="http://127.0.0.1:3310" BENCH_MODE=answer \
    load bare_insert_postgres "http://127.0.0.1:3311/" -s scripts/bench/rotate.lua
  record insert_postgres "$("$BENCH" insert --database-url "$PG_URL" --connections $CONNECTIONS --seconds "$DURATION")"
else
  echo "PostgreSQL skipped: set TEST_DATABASE_URL to a reachable server (with psql installed) to compare there too."
fi
cleanup
PIDS=()

say "Invitation delivery: outbox vs plain lettre"
if [ -n "$SMOKE" ]; then
  BENCH_COUNT=20 bash scripts/bench-mail.sh --debug | tee "$WORK/mail.txt"
else
  bash scripts/bench-mail.sh | tee "$WORK/mail.txt"
fi
record mail "$(sed -n 's/^BENCH_JSON //p' "$WORK/mail.txt" | tail -1)"

REPORT=docs/benchmarks.md
[ -n "$SMOKE" ] && REPORT="$WORK/benchmarks.md"
python3 scripts/bench/report.py "$RESULTS" "$REPORT" "$([ -n "$SMOKE" ] && echo smoke || echo full)" "$DURATION" "$CONNECTIONS"
say "Report: $REPORT"
