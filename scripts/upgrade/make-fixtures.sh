#!/usr/bin/env bash
#
# Remake the upgrade fixtures (template only; see scripts/upgrade/README.md) with the
# debug binary of an OLD commit: a SQLite database and a PostgreSQL plain-SQL dump, each
# migrated by that binary and holding data written through its API.
#
#   bash scripts/upgrade/make-fixtures.sh /path/to/old/strata   # writes scripts/upgrade/v0.*
#
# Environment: TEST_DATABASE_URL reuses a PostgreSQL server (admin URL); OUT_PREFIX
# changes the output names (default: scripts/upgrade/v0).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
# shellcheck source=scripts/lib/postgres.sh
source "$ROOT/scripts/lib/postgres.sh"
# shellcheck source=scripts/upgrade/common.sh
source "$ROOT/scripts/upgrade/common.sh"

OLD_BIN=${1:?usage: make-fixtures.sh OLD_BINARY}
[[ -x "$OLD_BIN" ]] || die "$OLD_BIN is not an executable"
OUT_PREFIX=${OUT_PREFIX:-$ROOT/scripts/upgrade/v0}
jq_ensure_installed

WORK=$(mktemp -d "${TMPDIR:-/tmp}/strata-fixtures.XXXXXX")
on_exit rm -rf "$WORK"
on_exit srv_stop

# write_data -- the fixture's content, through the running server's API.
write_data() {
  local author reader slug
  api POST /api/users "{\"user\":{\"username\":\"$FIX_AUTHOR\",\"email\":\"$FIX_AUTHOR_EMAIL\",\"password\":\"$FIX_PASSWORD\"}}" >/dev/null
  api POST /api/users "{\"user\":{\"username\":\"$FIX_READER\",\"email\":\"$FIX_READER_EMAIL\",\"password\":\"$FIX_PASSWORD\"}}" >/dev/null
  author=$(login "$FIX_AUTHOR_EMAIL")
  reader=$(login "$FIX_READER_EMAIL")
  slug=$(api POST /api/articles "{\"article\":{\"title\":\"$FIX_TITLE\",\"description\":\"$FIX_DESCRIPTION\",\"body\":\"$FIX_BODY\",\"tagList\":$FIX_TAGS}}" "$author" | jq -er .article.slug)
  api POST "/api/articles/$slug/comments" "{\"comment\":{\"body\":\"$FIX_COMMENT\"}}" "$reader" >/dev/null
  api POST "/api/articles/$slug/favorite" "" "$reader" >/dev/null
  api POST "/api/profiles/$FIX_AUTHOR/follow" "" "$reader" >/dev/null
  log "wrote: 2 users, article $slug with tags $FIX_TAGS, a comment, a favorite, a follow"
}

section "SQLite fixture"
db="$WORK/sqlite.db"
srv_start "$OLD_BIN" "$WORK/sqlite.log" DATABASE_URL="sqlite://$db?mode=rwc" \
  STRATA_JOBS__SQLITE_URL="sqlite://$WORK/jobs.sqlite?mode=rwc"
write_data
srv_stop
# One self-contained file: fold the WAL into it.
sqlite3 "$db" 'PRAGMA journal_mode=DELETE; VACUUM;' >/dev/null
cp "$db" "$OUT_PREFIX.sqlite.db"

section "PostgreSQL fixture"
pg_start
url=$(pg_create_database strata_fixture)
srv_start "$OLD_BIN" "$WORK/pg.log" DATABASE_URL="$url"
write_data
srv_stop
# Plain SQL without owners or grants: restores into any database with psql.
"$(_pg_psql_bin | sed 's/psql$/pg_dump/')" --no-owner --no-privileges "$url" >"$OUT_PREFIX.postgres.sql"
[[ "$PG_EXTERNAL" == 1 ]] && pg_drop_database strata_fixture
ls -l "$OUT_PREFIX".*
