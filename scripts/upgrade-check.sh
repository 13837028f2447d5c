#!/usr/bin/env bash
#
# Upgrade check (template only): databases left by an old version (scripts/upgrade/,
# see its README) must keep working with the current binary. Per fixture (SQLite file,
# PostgreSQL dump): restore it -> start the current `strata serve` on it (migrations on
# start) -> the old data is all there (login with the old password, the article and its
# tags, its comment, the favorite, the follow) -> the RealWorld Hurl suite against the
# same server and database -> graceful shutdown.
#
#   bash scripts/upgrade-check.sh
#
# Environment: API_BIN (default: cargo build -p api), TEST_DATABASE_URL, REALWORLD_DIR
# (default ../shared/realworld; absent: the suite step is skipped with one line),
# UPGRADE_FIXTURES (default scripts/upgrade/v0). Ends with "upgrade: N passed, N failed".
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
# shellcheck source=scripts/lib/postgres.sh
source "$ROOT/scripts/lib/postgres.sh"
# shellcheck source=scripts/upgrade/common.sh
source "$ROOT/scripts/upgrade/common.sh"

FIXTURES=${UPGRADE_FIXTURES:-$ROOT/scripts/upgrade/v0}
REALWORLD_DIR=${REALWORLD_DIR:-$ROOT/../shared/realworld}
jq_ensure_installed
if [[ -z "${API_BIN:-}" ]]; then
  cargo build -q -p api --locked
  API_BIN="${CARGO_TARGET_DIR:-$ROOT/target}/debug/strata"
fi
SUITE=1
if [[ ! -f "$REALWORLD_DIR/run-api-tests-hurl.sh" ]]; then
  SUITE=0
  echo "upgrade: RealWorld suite not found at $REALWORLD_DIR/run-api-tests-hurl.sh: skipping its run on the upgraded databases (the old-data checks still run)"
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/strata-upgrade.XXXXXX")
on_exit rm -rf "$WORK"
on_exit srv_stop

PASSED=0
FAILED=0
check() {
  local label=$1
  shift
  if "$@"; then
    PASSED=$((PASSED + 1))
    log "ok: $label"
  else
    FAILED=$((FAILED + 1))
    log "FAILED: $label"
  fi
}

old_login() {
  READER_TOKEN=$(login "$FIX_READER_EMAIL") && login "$FIX_AUTHOR_EMAIL" >/dev/null
}
old_article() {
  local a
  a=$(api GET /api/articles/written-before-the-upgrade "" "$READER_TOKEN") || return 1
  jq -e --arg t "$FIX_TITLE" --arg u "$FIX_AUTHOR" --argjson tags "$FIX_TAGS" \
    '.article | .title == $t and .author.username == $u and (.tagList | sort) == ($tags | sort)' <<<"$a" >/dev/null
}
old_comment() {
  api GET /api/articles/written-before-the-upgrade/comments | jq -e --arg b "$FIX_COMMENT" --arg u "$FIX_READER" \
    '[.comments[] | select(.body == $b and .author.username == $u)] | length == 1' >/dev/null
}
old_favorite() {
  api GET /api/articles/written-before-the-upgrade "" "$READER_TOKEN" |
    jq -e '.article.favorited == true and .article.favoritesCount == 1' >/dev/null
}
old_follow() {
  api GET "/api/profiles/$FIX_AUTHOR" "" "$READER_TOKEN" | jq -e '.profile.following == true' >/dev/null
}
suite() {
  HOST="$SRV_BASE" timeout 900 bash "$REALWORLD_DIR/run-api-tests-hurl.sh" "$REALWORLD_DIR"/hurl/*.hurl >"$WORK/$1-hurl.log" 2>&1 || {
    tail -n 40 "$WORK/$1-hurl.log"
    return 1
  }
}

# upgraded NAME DATABASE_URL -- the checks against one restored fixture.
upgraded() {
  local name=$1 url=$2
  section "upgrade $name: current binary on the old database"
  if ! srv_start "$API_BIN" "$WORK/$name.log" DATABASE_URL="$url" \
    STRATA_JOBS__SQLITE_URL="sqlite://$WORK/$name-jobs.sqlite?mode=rwc"; then
    FAILED=$((FAILED + 1))
    log "FAILED: $name: the current binary starts on the old database"
    return 0
  fi
  PASSED=$((PASSED + 1))
  READER_TOKEN=""
  check "$name: old users log in with their old password" old_login
  check "$name: the old article and its tags" old_article
  check "$name: its comment" old_comment
  check "$name: the favorite" old_favorite
  check "$name: the follow" old_follow
  ((SUITE)) && check "$name: RealWorld Hurl suite on the upgraded database" suite "$name"
  check "$name: graceful shutdown" srv_stop
}

cp "$FIXTURES.sqlite.db" "$WORK/sqlite.db"
upgraded sqlite "sqlite://$WORK/sqlite.db"

section "upgrade postgres: restore the dump"
pg_start
url=$(pg_create_database strata_upgrade_$$)
[[ "$PG_EXTERNAL" == 1 ]] && on_exit pg_drop_database "strata_upgrade_$$"
if "$(_pg_psql_bin)" "$url" -X -q -v ON_ERROR_STOP=1 -f "$FIXTURES.postgres.sql" >"$WORK/restore.log" 2>&1; then
  upgraded postgres "$url"
else
  tail -n 20 "$WORK/restore.log"
  FAILED=$((FAILED + 1))
fi

echo "upgrade: ${PASSED} passed, ${FAILED} failed"
((FAILED == 0))
