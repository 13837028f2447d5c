#!/usr/bin/env bash
#{% capture body %}
# Cost of the HTTP middleware stack on GET /health (issue 5 follow-up), release build,
# SQLite, rate limits off (as in production behind a proxy that limits, and /health is
# exempt anyway):
#   1. Instructions per request under callgrind (repeatable on a shared, noisy machine):
#      N sequential keep-alive requests after a warm-up, counters zeroed in between, with
#      the stack and with http.middleware=false.
#   2. wrk, alternating the two servers for ROUNDS rounds (noisy: read ratios per round).
#
#   bash scripts/bench/middleware.sh
#   API=/path/to/api bash scripts/bench/middleware.sh     # an already built binary
#   BENCH_REQUESTS=2000 BENCH_ROUNDS=3 BENCH_DURATION=5s BENCH_WRK=0 ...
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=scripts/lib/postgres.sh
source "$ROOT/scripts/lib/postgres.sh"
REQUESTS=${BENCH_REQUESTS:-2000}
ROUNDS=${BENCH_ROUNDS:-3}
DURATION=${BENCH_DURATION:-5s}
command -v wrk >/dev/null || apt_install wrk
command -v valgrind >/dev/null || apt_install valgrind

api=${API:-}
if [[ -z "$api" ]]; then
  section "release build"
  cargo build -q --release -p api --locked
  api="${CARGO_TARGET_DIR:-$ROOT/target}/release/strata"
fi
work=$(mktemp -d)
on_exit rm -rf "$work"
export STRATA_AUTH__JWT_SECRET=bench-secret-bench-secret-bench-secret-0 STRATA_LOG__LEVEL=error \
  STRATA_HTTP__RATE_LIMIT__ENABLED=false STRATA_JOBS__EMBEDDED_WORKER=false

pids=()
stop_all() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
on_exit stop_all
# start_api NAME PORT [ENV=VALUE...] [-- WRAPPER...]: the server in the background.
start_api() {
  local name=$1 port=$2
  shift 2
  local envs=() wrapper=()
  while (($#)); do
    if [[ "$1" == -- ]]; then shift; wrapper=("$@"); break; fi
    envs+=("$1"); shift
  done
  env DATABASE_URL="sqlite://$work/${name// /-}.db" STRATA_SERVER__PORT="$port" "${envs[@]}" \
    "${wrapper[@]}" "$api" >"$work/${name// /-}.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 600); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && return; sleep 0.1; done
  cat "$work/${name// /-}.log" >&2
  die "api $name did not start"
}

# Instructions per request of one configuration, counted by callgrind in every thread.
instructions() {
  local name=$1 slug=${1// /-} port total
  shift
  port=$(free_port 38700)
  start_api "$slug" "$port" "$@" -- valgrind -q --tool=callgrind --callgrind-out-file="$work/$slug.cg"
  local pid=${pids[-1]}
  curl -sf -o /dev/null "http://127.0.0.1:$port/health?warm=[1-200]"
  callgrind_control -z "$pid" >/dev/null 2>&1
  curl -sf -o /dev/null "http://127.0.0.1:$port/health?n=[1-$REQUESTS]"
  callgrind_control -d "$pid" >/dev/null 2>&1
  # That dump holds only the N requests (plus the idle runtime's polls in between).
  total=$(awk '/^(summary|totals):/ { print $2; exit }' "$work/$slug".cg*)
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  awk -v t="$total" -v n="$REQUESTS" -v l="$name" 'BEGIN { printf "| %-22s | %14d | %10.0f |\n", l, t, t / n }'
  rm -f "$work/$slug".cg*
}

section "callgrind: instructions for $REQUESTS sequential GET /health (keep-alive)"
printf '| %-22s | %14s | %10s |\n' server instructions "per request"
printf '|%s|\n' "------------------------|----------------|------------"
instructions "full stack"
instructions "no middleware" STRATA_HTTP__MIDDLEWARE=false

[[ "${BENCH_WRK:-1}" == 1 ]] || exit 0
section "wrk -t1 -c4 -d$DURATION, alternating, $ROUNDS rounds"
full=$(free_port 38601)
start_api full "$full"
none=$(free_port $((full + 1)))
start_api none "$none" STRATA_HTTP__MIDDLEWARE=false
printf '| round | %-13s | %9s | %9s | %9s |\n' stack "req/s" p50 p99
printf '|%s|\n' "-------|---------------|-----------|-----------|-----------"
for round in $(seq "$ROUNDS"); do
  for config in "full stack:$full" "none:$none"; do
    wrk -t1 -c4 -d"$DURATION" --latency "http://127.0.0.1:${config##*:}/health" >"$work/wrk" 2>&1
    awk -v r="$round" -v l="${config%:*}" '
      /Requests\/sec/ { rps = $2 } /^ +50%/ { p50 = $2 } /^ +99%/ { p99 = $2 }
      / Non-2xx/ { bad = $NF }
      END { printf "| %5s | %-13s | %9s | %9s | %9s | %s\n", r, l, rps, p50, p99, (bad ? "NON-2XX: " bad : "") }' "$work/wrk"
  done
done #@@{% endcapture %}{{ body | replace: "STRATA_", env_prefix | replace: "strata_", snake_prefix | replace: "strata.db", db_file | replace: "strata.toml", config_file | replace: "5432/strata", pg_db_path | replace: "Strata", project_title | replace: "strata", project_kebab | remove: " #@@" }}
