#!/usr/bin/env bash
#{% capture body %}
# Compares, on PostgreSQL, the two ways to answer a list request with its total:
# one query with COUNT(*) OVER () against a LIMIT-ed page query plus a bare COUNT.
# Seeds a throwaway database with generated rows (default 100,000 articles and
# ~200,000 favorites), then prints EXPLAIN ANALYZE execution times (the best of
# three runs) per filter. Timings, not a test: read them as ratios.
#
#   bash scripts/bench/list-queries.sh [ARTICLES]
#   TEST_DATABASE_URL=postgres://... bash scripts/bench/list-queries.sh   # existing server
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=scripts/lib/postgres.sh
source "$ROOT/scripts/lib/postgres.sh"
ARTICLES=${1:-100000}

pg_ensure_installed
pg_start
db="strata_bench_$$"
url=$(pg_create_database "$db")
if [[ "${PG_EXTERNAL:-0}" == 1 ]]; then on_exit pg_drop_database "$db"; fi

section "schema (api migrate)"
cargo build -q -p api --locked
DATABASE_URL="$url" STRATA_AUTH__JWT_SECRET=bench-secret-bench-secret-bench-secret-0 \
  STRATA_LOG__LEVEL=warn "${CARGO_TARGET_DIR:-$ROOT/target}/debug/strata" migrate

section "seed: $ARTICLES articles"
psql "$url" -q -v ON_ERROR_STOP=1 <<SQL
INSERT INTO users (username, email, password_hash, created_at, updated_at)
  SELECT 'u'||i, 'u'||i||'@example.com', 'x', now(), now() FROM generate_series(1, 1000) i;
INSERT INTO articles (author_id, slug, title, description, body, favorites_count, created_at, updated_at)
  SELECT 1 + (i % 1000), 's'||i, 'T'||i, 'd', 'body', 0, now() - (i||' seconds')::interval, now()
  FROM generate_series(1, $ARTICLES) i;
INSERT INTO tags (name) SELECT 'tag'||i FROM generate_series(1, 50) i;
INSERT INTO article_tags (article_id, tag_id, position) SELECT id, 1 + (id % 50), 0 FROM articles;
INSERT INTO favorites (user_id, article_id, created_at)
  SELECT 1 + (i % 1000), 1 + ((i * 7919) % $ARTICLES), now() FROM generate_series(1, 2 * $ARTICLES) i
  ON CONFLICT DO NOTHING;
INSERT INTO follows (follower_id, followee_id, created_at) SELECT 1, 2 + i, now() FROM generate_series(0, 49) i;
ANALYZE;
SQL

# The SQL of SeaOrmArticleRepository (infrastructure/src/db/articles.rs), viewer = user 1.
COLUMNS="a.id, a.author_id, a.slug, a.title, a.description, a.created_at, a.updated_at, a.favorites_count,
  u.username, u.bio, u.image,
  CASE WHEN EXISTS (SELECT 1 FROM favorites f WHERE f.article_id = a.id AND f.user_id = 1) THEN 1 ELSE 0 END AS favorited,
  CASE WHEN EXISTS (SELECT 1 FROM follows fo WHERE fo.followee_id = a.author_id AND fo.follower_id = 1) THEN 1 ELSE 0 END AS following"
FROM="FROM articles a JOIN users u ON u.id = a.author_id WHERE 1 = 1"
ORDER="ORDER BY a.created_at DESC, a.id DESC LIMIT 20"
declare -A FILTERS=(
  [global]=""
  [tag]="AND a.id IN (SELECT at.article_id FROM article_tags at JOIN tags t ON t.id = at.tag_id WHERE t.name = 'tag7')"
  [author]="AND u.username = 'u42'"
  [favorited]="AND a.id IN (SELECT fv.article_id FROM favorites fv JOIN users fu ON fu.id = fv.user_id WHERE fu.username = 'u42')"
  [feed]="AND a.author_id IN (SELECT fo2.followee_id FROM follows fo2 WHERE fo2.follower_id = 1)"
)

# Best of three EXPLAIN ANALYZE execution times, in ms.
best_ms() {
  local best="" ms
  for _ in 1 2 3; do
    ms=$(psql "$url" -Atc "EXPLAIN (ANALYZE, COSTS OFF) $1" | sed -n 's/^Execution Time: \([0-9.]*\) ms$/\1/p')
    if [[ -z "$best" ]] || awk -v a="$ms" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$ms; fi
  done
  echo "$best"
}

section "EXPLAIN ANALYZE, best of 3 (ms)"
printf '| %-9s | %12s | %9s | %9s | %12s | %7s |\n' filter "window query" page count "page + count" speedup
printf '|%s|\n' "-----------|--------------|-----------|-----------|--------------|---------"
for name in global tag author favorited feed; do
  where=${FILTERS[$name]}
  window=$(best_ms "SELECT $COLUMNS, COUNT(*) OVER () AS total $FROM $where $ORDER")
  page=$(best_ms "SELECT $COLUMNS $FROM $where $ORDER")
  count=$(best_ms "SELECT COUNT(*) $FROM $where")
  awk -v n="$name" -v w="$window" -v p="$page" -v c="$count" \
    'BEGIN { printf "| %-9s | %12.3f | %9.3f | %9.3f | %12.3f | %6.1fx |\n", n, w, p, c, p + c, w / (p + c) }'
done #@@{% endcapture %}{{ body | replace: "STRATA_", env_prefix | replace: "strata_", snake_prefix | replace: "strata.db", db_file | replace: "strata.toml", config_file | replace: "5432/strata", pg_db_path | replace: "Strata", project_title | replace: "strata", project_kebab | remove: " #@@" }}
