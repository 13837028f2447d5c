#!/usr/bin/env bash
#{% capture body %}
# Run the official RealWorld Hurl suite against the real `api` binary, once
# per backend, and check graceful shutdown after each run. The read cache is on
# in every mode (in memory alone, or in memory in front of Redis).
#
#   bash scripts/hurl.sh                  # SQLite, PostgreSQL, PostgreSQL + Redis
#   bash scripts/hurl.sh sqlite           # only SQLite
#   bash scripts/hurl.sh postgres         # only PostgreSQL
#   bash scripts/hurl.sh postgres-redis   # only PostgreSQL with Redis (REDIS_URL set)
#
# Environment:
#   REALWORLD_DIR      the RealWorld repo copy (default: <repo>/../shared/realworld)
#   API_BIN            use this prebuilt `api` binary instead of building one
#   TEST_DATABASE_URL  admin URL of an existing PostgreSQL server to use instead
#                      of a throwaway cluster (a fresh database is created on it
#                      and dropped afterwards)
#   TEST_REDIS_URL     an existing Redis to use instead of a throwaway one (the
#                      run uses its own key prefix and never flushes it)
#
# Each backend: fresh database -> `api migrate` -> `api serve` on a free
# 127.0.0.1 port -> wait for GET /health -> run the suite -> SIGTERM -> the
# server must exit 0 within 15 s. Server logs are kept in a temp dir and
# printed when something fails.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
# shellcheck source=scripts/lib/postgres.sh
source "$ROOT/scripts/lib/postgres.sh"
# shellcheck source=scripts/lib/redis.sh
source "$ROOT/scripts/lib/redis.sh"

REALWORLD_DIR="${REALWORLD_DIR:-$ROOT/../shared/realworld}"
HURL_VERSION=8.0.1
HEALTH_TIMEOUT=60   # seconds to wait for /health after start
SHUTDOWN_TIMEOUT=15 # seconds the server gets to exit after SIGTERM
MIGRATE_TIMEOUT=120 # seconds for `api migrate`
SUITE_TIMEOUT=900   # seconds for the whole Hurl suite

case "${1:-all}" in
  all) BACKENDS=(sqlite postgres postgres-redis) ;;
  sqlite | postgres | postgres-redis) BACKENDS=("$1") ;;
  -h | --help)
    sed -n '3,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    exit 0
    ;;
  *) die "unknown argument '$1' (expected: sqlite, postgres, postgres-redis or nothing for all)" ;;
esac

# hurl_ensure_installed -- hurl on PATH, or build it with cargo.
hurl_ensure_installed() {
  # cargo installs into ~/.cargo/bin, which non-login CI shells may lack.
  local cargo_bin="${CARGO_HOME:-${HOME:-/root}/.cargo}/bin"
  if ! command -v hurl >/dev/null 2>&1 && [[ -x "$cargo_bin/hurl" ]]; then
    export PATH="$cargo_bin:$PATH"
  fi
  if command -v hurl >/dev/null 2>&1; then
    return 0
  fi
  section "Installing hurl $HURL_VERSION (cargo install)"
  # hurl links libcurl, OpenSSL (via the curl crate) and libxml2, found with
  # pkg-config, and generates bindings with bindgen (libclang). These are the
  # Debian build dependencies from hurl's install docs.
  local deps=(libclang-dev libxml2-dev libcurl4-openssl-dev libssl-dev pkg-config)
  if is_root; then
    apt_install "${deps[@]}"
  else
    log "not root: assuming ${deps[*]} are installed"
  fi
  cargo install hurl --version "$HURL_VERSION" --locked
  export PATH="$cargo_bin:$PATH"
  command -v hurl >/dev/null 2>&1 || die "hurl still not found after cargo install"
}

# build_api -- build once and print the path of the `api` binary. Asking cargo
# for the path honours CARGO_TARGET_DIR and any .cargo/config target-dir.
build_api() {
  local out bin
  out=$(cargo build -p api --locked --message-format=json-render-diagnostics) || return 1
  bin=$(printf '%s\n' "$out" | sed -n 's/.*"executable":"\([^"]*\/strata\)".*/\1/p' | tail -n 1)
  if [[ -z "$bin" ]]; then
    bin="${CARGO_TARGET_DIR:-$ROOT/target}/debug/strata"
  fi
  [[ -x "$bin" ]] || {
    log "api binary not found at $bin"
    return 1
  }
  printf '%s\n' "$bin"
}

print_file() {
  local title=$1 file=$2
  [[ -f "$file" ]] || return 0
  log "---- $title ($file, last 200 lines) ----"
  tail -n 200 "$file" >&2 || true
  log "---- end of $title ----"
}

# The server and the bounded command currently running, so the exit hook can
# stop them if we are interrupted or fail half-way. Cleared once they are
# reaped, so a recycled PID is never signalled.
SERVER_PID=""
BOUNDED_PID=""

# shellcheck disable=SC2317 # only called indirectly, from the exit hooks
stop_leftovers() {
  if [[ -n "$BOUNDED_PID" ]]; then
    # timeout(1) forwards the signal to the command it runs.
    kill -TERM "$BOUNDED_PID" 2>/dev/null || true
    wait "$BOUNDED_PID" 2>/dev/null || true
    BOUNDED_PID=""
  fi
  if [[ -n "$SERVER_PID" ]]; then
    stop_server || true
  fi
}

# run_bounded SECONDS CMD... -- run CMD with a time limit. Runs it in the
# background and `wait`s, because `wait` (unlike a foreground command) is
# interrupted by Ctrl-C/SIGTERM, letting the exit hooks clean up at once.
run_bounded() {
  local secs=$1 rc=0
  shift
  timeout "$secs" "$@" &
  BOUNDED_PID=$!
  wait "$BOUNDED_PID" || rc=$?
  BOUNDED_PID=""
  if ((rc == 124)); then
    log "timed out after ${secs}s: $*"
  fi
  return "$rc"
}

# stop_server -- SIGTERM the server, give it SHUTDOWN_TIMEOUT seconds, and
# return 0 only if it exited by itself with status 0. Kills it otherwise.
stop_server() {
  local pid=$SERVER_PID i rc=0
  [[ -n "$pid" ]] || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < SHUTDOWN_TIMEOUT * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "server still running ${SHUTDOWN_TIMEOUT}s after SIGTERM; killing it"
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    SERVER_PID=""
    return 1
  fi
  wait "$pid" || rc=$?
  SERVER_PID=""
  if ((rc != 0)); then
    log "server exited with status $rc after SIGTERM (want 0)"
    return 1
  fi
  log "server exited 0"
}

# run_backend NAME DATABASE_URL [VAR=VALUE...] -- one full cycle against one
# database. Returns non-zero on any failure (reason in FAIL_REASON). Written
# with explicit checks because it is called from an `if`, where `set -e`
# does not apply.
run_backend() {
  local name=$1 db_url=$2
  shift 2
  # The suite registers and logs in far more often than a real client may from one IP:
  # rate limits are tested by the API's own tests, not here.
  local server_env=("DATABASE_URL=$db_url" "STRATA_HTTP__RATE_LIMIT__ENABLED=false" "$@")
  local server_log="$WORK/$name-server.log" migrate_log="$WORK/$name-migrate.log"

  section "$name: api migrate"
  if ! run_bounded "$MIGRATE_TIMEOUT" env "${server_env[@]}" "$API_BIN" migrate >"$migrate_log" 2>&1; then
    FAIL_REASON="api migrate failed"
    print_file "migrate log" "$migrate_log"
    return 1
  fi

  local port
  port=$(free_port 38080) || {
    FAIL_REASON="no free port"
    return 1
  }
  section "$name: api serve on 127.0.0.1:$port"
  # (Re-)register the server cleanup now, so it runs before hooks registered
  # earlier, such as pg_stop: stop the server before its database. Idempotent.
  on_exit stop_leftovers
  env "${server_env[@]}" HOST=127.0.0.1 PORT="$port" "$API_BIN" serve >"$server_log" 2>&1 &
  SERVER_PID=$!

  # Wait (bounded) for /health; stop early if the process died.
  local deadline=$((SECONDS + HEALTH_TIMEOUT))
  until curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$port/health" 2>/dev/null; do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      local rc=0
      wait "$SERVER_PID" 2>/dev/null || rc=$?
      SERVER_PID=""
      FAIL_REASON="server exited (status $rc) before becoming healthy"
      log "$name: $FAIL_REASON"
      print_file "server log" "$server_log"
      return 1
    fi
    if ((SECONDS >= deadline)); then
      FAIL_REASON="/health not OK after ${HEALTH_TIMEOUT}s"
      log "$name: $FAIL_REASON"
      stop_server || true
      print_file "server log" "$server_log"
      return 1
    fi
    sleep 0.5
  done
  log "$name: server healthy (pid $SERVER_PID)"

  section "$name: Hurl suite (${#HURL_FILES[@]} files)"
  local suite_ok=1
  if ! HOST="http://127.0.0.1:$port" run_bounded "$SUITE_TIMEOUT" \
    bash "$REALWORLD_DIR/run-api-tests-hurl.sh" "${HURL_FILES[@]}"; then
    suite_ok=0
    log "$name: Hurl suite FAILED"
  fi

  # Graceful shutdown is a requirement, checked even when the suite failed.
  section "$name: graceful shutdown (SIGTERM, ${SHUTDOWN_TIMEOUT}s)"
  local shutdown_ok=1
  stop_server || shutdown_ok=0

  if ((suite_ok && shutdown_ok)); then
    return 0
  fi
  if ((!suite_ok && !shutdown_ok)); then
    FAIL_REASON="hurl suite failed; no graceful shutdown"
  elif ((!suite_ok)); then
    FAIL_REASON="hurl suite failed"
  else
    FAIL_REASON="no graceful shutdown"
  fi
  print_file "server log" "$server_log"
  return 1
}

# run_postgres LABEL [VAR=VALUE...] -- one cycle on a fresh PostgreSQL database,
# with extra server environment; records the result in SUMMARY.
run_postgres() {
  local label=$1 ok=0 db db_url jwt_secret
  shift
  section "$label: database"
  if pg_start; then
    db="strata_hurl_$$_$RANDOM"
    if db_url=$(pg_create_database "$db"); then
      # Our throwaway cluster vanishes anyway; on a user's server, tidy up.
      if [[ "$PG_EXTERNAL" == 1 ]]; then on_exit pg_drop_database "$db"; fi
      # PostgreSQL means production mode: the built-in dev JWT secret is
      # refused, so give it a random 48-character one.
      jwt_secret=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
      if run_backend "$label" "$db_url" "STRATA_AUTH__JWT_SECRET=$jwt_secret" "$@"; then
        ok=1
      fi
    else
      FAIL_REASON="could not create database"
    fi
  else
    FAIL_REASON="could not start PostgreSQL"
  fi
  if ((ok)); then
    SUMMARY+=("hurl $label: PASS (${#HURL_FILES[@]} files)")
    FILES_PASSED=$((FILES_PASSED + ${#HURL_FILES[@]}))
  else
    FILES_FAILED=$((FILES_FAILED + ${#HURL_FILES[@]}))
    SUMMARY+=("hurl $label: FAIL ($FAIL_REASON)")
    FAILED=1
  fi
  # Free the cluster now rather than at exit (no-op for an external server).
  pg_stop
}

# ---------------------------------------------------------------------------

# The suite stays outside the repository. A clone without it skips this stage with one
# line (nothing else needs it); CI, which has it, must run it.
if [[ ! -f "$REALWORLD_DIR/run-api-tests-hurl.sh" ]]; then
  [[ "${CI:-}" != true ]] || die "RealWorld suite not found: $REALWORLD_DIR/run-api-tests-hurl.sh (set REALWORLD_DIR)"
  echo "hurl: skipped: RealWorld conformance suite not found at $REALWORLD_DIR (set REALWORLD_DIR to run it)"
  exit 0
fi
REALWORLD_DIR=$(cd "$REALWORLD_DIR" && pwd)
shopt -s nullglob
#{% if realworld %} The whole suite: this project serves the RealWorld example.
HURL_FILES=("$REALWORLD_DIR"/hurl/*.hurl)
#{% else %} Without the RealWorld example: the files that use nothing but users and auth.{{ nl }}HURL_FILES=("$REALWORLD_DIR"/hurl/auth.hurl "$REALWORLD_DIR"/hurl/errors_auth.hurl)
#{% endif %} The files must exist (a wrong REALWORLD_DIR fails here, not in hurl).
shopt -u nullglob
((${#HURL_FILES[@]} > 0)) || die "no .hurl files in $REALWORLD_DIR/hurl"

section "Tools"
if ! command -v curl >/dev/null 2>&1; then
  if is_root; then apt_install curl ca-certificates; else die "curl is required"; fi
fi
hurl_ensure_installed
hurl --version | head -n 1

if [[ -n "${API_BIN:-}" ]]; then
  [[ -x "$API_BIN" ]] || die "API_BIN=$API_BIN is not an executable"
else
  section "cargo build -p api"
  API_BIN=$(build_api) || die "build failed"
fi
log "api binary: $API_BIN"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/strata-hurl.XXXXXX")
on_exit rm -rf "$WORK"
on_exit stop_leftovers # hooks run newest first: stop processes, then rm

SUMMARY=()
FAILED=0
FILES_PASSED=0
FILES_FAILED=0
for backend in "${BACKENDS[@]}"; do
  FAIL_REASON="setup failed"
  case "$backend" in
    sqlite)
      mkdir -p "$WORK/sqlite"
      if run_backend sqlite "sqlite://$WORK/sqlite/hurl.db?mode=rwc"; then
        SUMMARY+=("hurl sqlite: PASS (${#HURL_FILES[@]} files)")
        FILES_PASSED=$((FILES_PASSED + ${#HURL_FILES[@]}))
      else
        FILES_FAILED=$((FILES_FAILED + ${#HURL_FILES[@]}))
        SUMMARY+=("hurl sqlite: FAIL ($FAIL_REASON)")
        FAILED=1
      fi
      ;;
    postgres) run_postgres postgres ;;
    postgres-redis)
      section "postgres+redis: Redis"
      if redis_start; then
        # Its own key prefix: the server may be shared (TEST_REDIS_URL).
        run_postgres "postgres+redis" "REDIS_URL=$REDIS_URL_TEST" "STRATA_CACHE__REDIS_PREFIX=hurl:$$:$RANDOM"
      else
        FILES_FAILED=$((FILES_FAILED + ${#HURL_FILES[@]}))
        SUMMARY+=("hurl postgres+redis: FAIL (could not start Redis)")
        FAILED=1
      fi
      ;;
  esac
done

section "Summary"
printf '%s\n' "${SUMMARY[@]}"
# Counted per file and database: a failed run counts all of its files as failed.
echo "hurl: ${FILES_PASSED} passed, ${FILES_FAILED} failed"
exit "$FAILED" #@@{% endcapture %}{{ body | replace: "STRATA_", env_prefix | replace: "strata_", snake_prefix | replace: "strata.db", db_file | replace: "strata.toml", config_file | replace: "5432/strata", pg_db_path | replace: "Strata", project_title | replace: "strata", project_kebab | remove: " #@@" }}
