#!/usr/bin/env bash
#{% capture body %}
# Issue 5's measurements on PostgreSQL with generated data (default 100,000 articles):
#   1. SQL: the article list's page query at page 1 and 10,000 rows deep, with OFFSET and
#      with the keyset cursor (EXPLAIN ANALYZE, best of three).
#   2. HTTP (release build, wrk): GET /api/articles page 1 / offset 10000 / cursor at 10000.
#   3. HTTP: GET /health with the middleware stack and without it (http.middleware=false).
# Timings, not a test: the machine is shared, read them as ratios within one run.
#
#   bash scripts/bench/http-layer.sh [ARTICLES]
#   TEST_DATABASE_URL=postgres://... bash scripts/bench/http-layer.sh   # existing server
#   BENCH_HTTP=0 bash scripts/bench/http-layer.sh   # SQL part only (debug build, quick)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=scripts/lib/postgres.sh
source "$ROOT/scripts/lib/postgres.sh"
ARTICLES=${1:-100000}
DEPTH=10000
DURATION=${BENCH_DURATION:-10s}
CONNECTIONS=${BENCH_CONNECTIONS:-8}
command -v wrk >/dev/null || apt_install wrk

pg_ensure_installed
pg_start
db="strata_bench_http_$$"
url=$(pg_create_database "$db")
if [[ "${PG_EXTERNAL:-0}" == 1 ]]; then on_exit pg_drop_database "$db"; fi

HTTP=${BENCH_HTTP:-1}
if [[ "$HTTP" == 1 ]]; then
  section "release build"
  cargo build -q --release -p api --locked
  api="${CARGO_TARGET_DIR:-$ROOT/target}/release/strata"
else
  cargo build -q -p api --locked
  api="${CARGO_TARGET_DIR:-$ROOT/target}/debug/strata"
fi
export DATABASE_URL="$url" STRATA_AUTH__JWT_SECRET=bench-secret-bench-secret-bench-secret-0 STRATA_LOG__LEVEL=warn
"$api" migrate

section "seed: $ARTICLES articles"
psql "$url" -q -v ON_ERROR_STOP=1 <<SQL
INSERT INTO users (username, email, password_hash, created_at, updated_at)
  SELECT 'u'||i, 'u'||i||'@example.com', 'x', now(), now() FROM generate_series(1, 1000) i;
INSERT INTO articles (author_id, slug, title, description, body, favorites_count, created_at, updated_at)
  SELECT 1 + (i % 1000), 's'||i, 'T'||i, 'd', 'body', 0, now() - (i||' seconds')::interval, now()
  FROM generate_series(1, $ARTICLES) i;
ANALYZE;
SQL

# The page query of SeaOrmArticleRepository (infrastructure/src/db/articles.rs), no viewer.
COLUMNS="a.id, a.author_id, a.slug, a.title, a.description, a.created_at, a.updated_at, a.favorites_count,
  u.username, u.bio, u.image,
  CASE WHEN EXISTS (SELECT 1 FROM favorites f WHERE f.article_id = a.id AND f.user_id = 0) THEN 1 ELSE 0 END AS favorited,
  CASE WHEN EXISTS (SELECT 1 FROM follows fo WHERE fo.followee_id = a.author_id AND fo.follower_id = 0) THEN 1 ELSE 0 END AS following"
FROM="FROM articles a JOIN users u ON u.id = a.author_id WHERE 1 = 1"
ORDER="ORDER BY a.created_at DESC, a.id DESC LIMIT 21"
# The row just before the deep page: the cursor a client holds after 10,000 rows.
read -r at id < <(psql "$url" -At -F ' ' -c \
  "SELECT to_char(created_at, 'YYYY-MM-DD\"T\"HH24:MI:SS.MS'), id FROM articles ORDER BY created_at DESC, id DESC OFFSET $((DEPTH - 1)) LIMIT 1")

best_ms() {
  local best="" ms
  for _ in 1 2 3; do
    ms=$(psql "$url" -Atc "EXPLAIN (ANALYZE, COSTS OFF) $1" | sed -n 's/^Execution Time: \([0-9.]*\) ms$/\1/p')
    if [[ -z "$best" ]] || awk -v a="$ms" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$ms; fi
  done
  echo "$best"
}

section "SQL page query, EXPLAIN ANALYZE best of 3 (ms)"
printf '| %-28s | %9s |\n' query ms
printf '|%s|\n' "------------------------------|-----------"
printf '| %-28s | %9s |\n' "page 1 (OFFSET 0)" "$(best_ms "SELECT $COLUMNS $FROM $ORDER OFFSET 0")"
printf '| %-28s | %9s |\n' "OFFSET $DEPTH" "$(best_ms "SELECT $COLUMNS $FROM $ORDER OFFSET $DEPTH")"
printf '| %-28s | %9s |\n' "cursor after row $DEPTH" \
  "$(best_ms "SELECT $COLUMNS $FROM AND (a.created_at, a.id) < ('$at'::timestamptz, $id) $ORDER OFFSET 0")"

[[ "$HTTP" == 1 ]] || exit 0
port=$(free_port 38500)
server_pid=""
start_api() {
  STRATA_SERVER__PORT=$port STRATA_HTTP__RATE_LIMIT__ENABLED=false "$@" "$api" &
  server_pid=$!
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && return; sleep 0.1; done
  die "api did not start"
}
stop_api() { kill "$server_pid"; wait "$server_pid" || true; }
on_exit stop_api_if_running
stop_api_if_running() { if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then kill "$server_pid"; fi; }

# wrk's summary: requests/s and latency percentiles.
run_wrk() {
  local label=$1 path=$2
  wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency "http://127.0.0.1:$port$path" >/tmp/wrk.$$ 2>&1
  awk -v l="$label" '
    /Requests\/sec/ { rps = $2 }
    /^ +50%/ { p50 = $2 } /^ +90%/ { p90 = $2 } /^ +99%/ { p99 = $2 }
    / Non-2xx/ { bad = $NF }
    END { printf "| %-30s | %10s | %9s | %9s | %9s | %s\n", l, rps, p50, p90, p99, (bad ? "NON-2XX: " bad : "") }' /tmp/wrk.$$
  rm -f /tmp/wrk.$$
}
header() {
  printf '| %-30s | %10s | %9s | %9s | %9s |\n' request "req/s" p50 p90 p99
  printf '|%s|\n' "--------------------------------|------------|-----------|-----------|-----------"
}

section "HTTP: article list, $CONNECTIONS connections, $DURATION each"
start_api env
cursor=$(curl -sf "http://127.0.0.1:$port/api/articles?limit=20&offset=$((DEPTH - 20))" |
  sed -n 's/.*"nextCursor":"\([^"]*\)".*/\1/p')
[[ -n "$cursor" ]] || die "no nextCursor"
header
run_wrk "page 1" "/api/articles?limit=20"
run_wrk "offset $DEPTH" "/api/articles?limit=20&offset=$DEPTH"
run_wrk "cursor after row $DEPTH" "/api/articles?limit=20&cursor=$cursor"

section "HTTP: GET /health with and without the middleware stack"
header
run_wrk "/health, full stack" "/health"
stop_api
start_api env STRATA_HTTP__MIDDLEWARE=false
run_wrk "/health, no middleware" "/health"
stop_api
start_api env
run_wrk "/health, full stack (again)" "/health"
stop_api #@@{% endcapture %}{{ body | replace: "STRATA_", env_prefix | replace: "strata_", snake_prefix | replace: "strata.db", db_file | replace: "strata.toml", config_file | replace: "5432/strata", pg_db_path | replace: "Strata", project_title | replace: "strata", project_kebab | remove: " #@@" }}
