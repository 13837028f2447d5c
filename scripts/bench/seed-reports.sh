#!/usr/bin/env bash
# Bulk-loads activity data for the report benchmark (issue 4) into a FRESH, migrated
# database (run `api migrate` first): users, articles over 2026, favorites, comments,
# follows and tags, with plain SQL (recursive CTE / generate_series), in seconds.
#
#   bash scripts/bench/seed-reports.sh sqlite data/bench.db
#   bash scripts/bench/seed-reports.sh postgres postgres://postgres@127.0.0.1:55999/bench
#
# Sizes (env): USERS=10000 ARTICLES=100000 FAVS_PER_ARTICLE=10 COMMENTS=100000
# FOLLOWS_PER_USER=5. Favorite pairs are distinct as long as 997*(FAVS_PER_ARTICLE-1) < USERS.
# Timestamps are written in the text form sqlx uses for SQLite, so range filters compare
# like the application's own rows.
set -euo pipefail

kind=${1:?usage: seed-reports.sh sqlite|postgres TARGET}
target=${2:?usage: seed-reports.sh sqlite|postgres TARGET}
U=${USERS:-10000}
A=${ARTICLES:-100000}
F=${FAVS_PER_ARTICLE:-10}
C=${COMMENTS:-100000}
FO=${FOLLOWS_PER_USER:-5}
# 2026-01-01T00:00:00Z; offsets spread rows over the year.
EPOCH=1767225600
YEAR=31536000

case "$kind" in
sqlite)
  ts() { echo "strftime('%Y-%m-%dT%H:%M:%S+00:00', $EPOCH + (($1) * 7919) % $YEAR, 'unixepoch')"; }
  n() { echo "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < $1 - 1)"; }
  sqlite3 "$target" <<SQL
PRAGMA synchronous = OFF;
PRAGMA foreign_keys = OFF;
BEGIN;
$(n "$U") INSERT INTO users (id, username, email, password_hash, created_at, updated_at)
  SELECT i + 1, 'bench' || i, 'bench' || i || '@example.com', 'x', '2025-12-01T00:00:00+00:00', '2025-12-01T00:00:00+00:00' FROM n;
$(n 20) INSERT INTO tags (id, name) SELECT i + 1, 'tag' || i FROM n;
$(n "$A") INSERT INTO articles (id, author_id, slug, title, description, body, favorites_count, created_at, updated_at)
  SELECT i + 1, (i % $U) + 1, 'bench-article-' || i, 'Article ' || i, 'd', 'b', $F, $(ts i), $(ts i) FROM n;
$(n "$A") INSERT INTO article_tags (article_id, tag_id, position) SELECT i + 1, (i % 20) + 1, 0 FROM n;
$(n "$((A * F))") INSERT INTO favorites (user_id, article_id, created_at)
  SELECT (((i / $F + 1) * 7 + (i % $F) * 997) % $U) + 1, i / $F + 1, $(ts i) FROM n;
$(n "$C") INSERT INTO comments (article_id, author_id, body, created_at, updated_at)
  SELECT (i % $A) + 1, ((i * 13) % $U) + 1, 'c', $(ts i), $(ts i) FROM n;
$(n "$((U * FO))") INSERT INTO follows (follower_id, followee_id, created_at)
  SELECT (i % $U) + 1, (((i % $U) + (i / $U) + 1) % $U) + 1, $(ts i) FROM n;
COMMIT;
SQL
  ;;
postgres)
  ts() { echo "timestamptz '2026-01-01 00:00:00+00' + ((($1) * 7919) % $YEAR) * interval '1 second'"; }
  psql -q -v ON_ERROR_STOP=1 "$target" <<SQL
BEGIN;
INSERT INTO users (id, username, email, password_hash, created_at, updated_at)
  SELECT i + 1, 'bench' || i, 'bench' || i || '@example.com', 'x', '2025-12-01', '2025-12-01' FROM generate_series(0::bigint, $U - 1) i;
INSERT INTO tags (id, name) SELECT i + 1, 'tag' || i FROM generate_series(0::bigint, 19) i;
INSERT INTO articles (id, author_id, slug, title, description, body, favorites_count, created_at, updated_at)
  SELECT i + 1, (i % $U) + 1, 'bench-article-' || i, 'Article ' || i, 'd', 'b', $F, $(ts i), $(ts i) FROM generate_series(0::bigint, $A - 1) i;
INSERT INTO article_tags (article_id, tag_id, position) SELECT i + 1, (i % 20) + 1, 0 FROM generate_series(0::bigint, $A - 1) i;
INSERT INTO favorites (user_id, article_id, created_at)
  SELECT (((i / $F + 1) * 7 + (i % $F) * 997) % $U) + 1, i / $F + 1, $(ts i) FROM generate_series(0::bigint, $A * $F - 1) i;
INSERT INTO comments (article_id, author_id, body, created_at, updated_at)
  SELECT (i % $A) + 1, ((i * 13) % $U) + 1, 'c', $(ts i), $(ts i) FROM generate_series(0::bigint, $C - 1) i;
INSERT INTO follows (follower_id, followee_id, created_at)
  SELECT (i % $U) + 1, (((i % $U) + (i / $U) + 1) % $U) + 1, $(ts i) FROM generate_series(0::bigint, $U * $FO - 1) i;
SELECT setval(pg_get_serial_sequence('users', 'id'), (SELECT max(id) FROM users));
SELECT setval(pg_get_serial_sequence('articles', 'id'), (SELECT max(id) FROM articles));
SELECT setval(pg_get_serial_sequence('tags', 'id'), (SELECT max(id) FROM tags));
COMMIT;
ANALYZE;
SQL
  ;;
*) echo "unknown database kind $kind (sqlite or postgres)" >&2; exit 2 ;;
esac
echo "seeded $U users, $A articles, $((A * F)) favorites, $C comments, $((U * FO)) follows into $kind"
