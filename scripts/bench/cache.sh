#!/usr/bin/env bash
#{% capture body %}
# Read-cache benchmark (docs/benchmarks.md, "Cache (issue 3)"): throughput and
# p50/p99 of GET /api/articles/:slug, GET /api/tags and GET /api/articles?limit=20
# with the cache off, in memory, and in memory in front of Redis, next to GET
# /health (the same binary's trivial route: the machine's ceiling), all in one
# run. PostgreSQL seeded with generated rows (default 10,000 articles); a release
# build of `api`; `wrk` on loopback. Timings, not a test: compare the ratios
# measured in one run.
#
#   bash scripts/bench/cache.sh [ARTICLES]
#   DURATION=10s CONNECTIONS=64 THREADS=2 bash scripts/bench/cache.sh
#   TEST_DATABASE_URL=postgres://... TEST_REDIS_URL=redis://... bash scripts/bench/cache.sh
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=scripts/lib/postgres.sh
source "$ROOT/scripts/lib/postgres.sh"
# shellcheck source=scripts/lib/redis.sh
source "$ROOT/scripts/lib/redis.sh"
ARTICLES=${1:-10000}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
command -v wrk >/dev/null 2>&1 || die "wrk is required (apt-get install wrk)"

section "release build of api"
cargo build -q --release -p api --locked
API_BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/strata"

pg_ensure_installed
pg_start
db="strata_bench_cache_$$"
url=$(pg_create_database "$db")
if [[ "${PG_EXTERNAL:-0}" == 1 ]]; then on_exit pg_drop_database "$db"; fi
redis_start
prefix="bench:cache:$$:$RANDOM"
SECRET=bench-secret-bench-secret-bench-secret-0

section "schema and seed: $ARTICLES articles"
DATABASE_URL="$url" STRATA_AUTH__JWT_SECRET=$SECRET STRATA_LOG__LEVEL=warn "$API_BIN" migrate
psql "$url" -q -v ON_ERROR_STOP=1 <<SQL
INSERT INTO users (username, email, password_hash, bio, created_at, updated_at)
  SELECT 'u'||i, 'u'||i||'@example.com', 'x', 'bio of u'||i, now(), now() FROM generate_series(1, 1000) i;
INSERT INTO articles (author_id, slug, title, description, body, favorites_count, created_at, updated_at)
  SELECT 1 + (i % 1000), 's'||i, 'Title '||i, 'description of article '||i, repeat('lorem ipsum ', 150),
         0, now() - (i||' seconds')::interval, now()
  FROM generate_series(1, $ARTICLES) i;
INSERT INTO tags (name) SELECT 'tag'||i FROM generate_series(1, 50) i;
INSERT INTO article_tags (article_id, tag_id, position) SELECT id, 1 + (id % 50), 0 FROM articles;
INSERT INTO article_tags (article_id, tag_id, position) SELECT id, 1 + ((id + 7) % 50), 1 FROM articles;
INSERT INTO favorites (user_id, article_id, created_at)
  SELECT 1 + (i % 1000), 1 + ((i * 7919) % $ARTICLES), now() FROM generate_series(1, 2 * $ARTICLES) i
  ON CONFLICT DO NOTHING;
UPDATE articles a SET favorites_count = (SELECT count(*) FROM favorites f WHERE f.article_id = a.id);
ANALYZE;
SQL

SERVER_PID=""
stop_api() {
  if [[ -n "$SERVER_PID" ]]; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
  fi
}
on_exit stop_api

# start_api ENV... -- serve on a free port with the given extra environment.
start_api() {
  PORT=$(free_port 39080)
  env DATABASE_URL="$url" STRATA_AUTH__JWT_SECRET=$SECRET STRATA_LOG__LEVEL=warn STRATA_HTTP__RATE_LIMIT__ENABLED=false HOST=127.0.0.1 PORT="$PORT" "$@" \
    "$API_BIN" serve >/dev/null 2>&1 &
  SERVER_PID=$!
  local _
  for _ in $(seq 1 100); do
    curl -fsS -o /dev/null "http://127.0.0.1:$PORT/health" 2>/dev/null && return 0
    sleep 0.1
  done
  die "api did not become healthy"
}

# measure PATH -- prints "req/s p50 p99" for PATH after a short warm-up.
measure() {
  local target="http://127.0.0.1:$PORT$1" out
  wrk -t"$THREADS" -c"$CONNECTIONS" -d2s "$target" >/dev/null
  out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$target")
  if grep -q "Non-2xx" <<<"$out"; then die "non-2xx answers from $1: $out"; fi
  local rps p50 p99
  rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  echo "$rps $p50 $p99"
}

ROUTES=("/health" "/api/articles/s5000" "/api/tags" "/api/articles?limit=20")
ROWS=()
for mode in off memory memory+redis; do
  case "$mode" in
    off) start_api STRATA_CACHE__ENABLED=false ;;
    memory) start_api STRATA_CACHE__ENABLED=true ;;
    memory+redis) start_api STRATA_CACHE__ENABLED=true REDIS_URL="$REDIS_URL_TEST" STRATA_CACHE__REDIS_PREFIX="$prefix" ;;
  esac
  section "cache $mode"
  health=""
  for route in "${ROUTES[@]}"; do
    read -r rps p50 p99 <<<"$(measure "$route")"
    [[ -n "$health" ]] || health=$rps
    ratio=$(awk -v a="$rps" -v b="$health" 'BEGIN {printf "%.2f", a / b}')
    row="| $mode | \`GET $route\` | $rps | $p50 | $p99 | $ratio |"
    echo "$row"
    ROWS+=("$row")
  done
  stop_api
done

section "Summary ($ARTICLES articles, wrk -t$THREADS -c$CONNECTIONS -d$DURATION, $(nproc) CPUs)"
echo "| cache | route | req/s | p50 | p99 | ratio to /health |"
echo "|---|---|---|---|---|---|"
printf '%s\n' "${ROWS[@]}" #@@{% endcapture %}{{ body | replace: "STRATA_", env_prefix | replace: "strata_", snake_prefix | replace: "strata.db", db_file | replace: "strata.toml", config_file | replace: "5432/strata", pg_db_path | replace: "Strata", project_title | replace: "strata", project_kebab | remove: " #@@" }}
