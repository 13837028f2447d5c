#!/usr/bin/env bash
#{% capture body %}
# cpu-per-request-seed.sh NAME BIN -- create database bisect_NAME on the shared PostgreSQL, migrate with BIN, seed as cache.sh does
set -euo pipefail
NAME=$1 BIN=$2 ARTICLES=10000
# The PostgreSQL server to use (a superuser URL; pg_stat_statements loaded for the CPU script).
ADMIN=${PG_ADMIN_URL:-postgres://postgres@127.0.0.1:55432/postgres}
db=bisect_$NAME
psql "$ADMIN" -q -c "DROP DATABASE IF EXISTS $db"
psql "$ADMIN" -q -c "CREATE DATABASE $db"
url=${ADMIN%/*}/$db
DATABASE_URL="$url" STRATA_AUTH__JWT_SECRET=bench-secret-bench-secret-bench-secret-0 STRATA_LOG__LEVEL=warn "$BIN" migrate
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
echo "seeded $db" #@@{% endcapture %}{{ body | replace: "STRATA_", env_prefix | replace: "strata_", snake_prefix | replace: "strata.db", db_file | replace: "strata.toml", config_file | replace: "5432/strata", pg_db_path | replace: "Strata", project_title | replace: "strata", project_kebab | remove: " #@@" }}
