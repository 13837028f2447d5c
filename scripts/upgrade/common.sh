# shellcheck shell=bash
# Shared by scripts/upgrade/make-fixtures.sh and scripts/upgrade-check.sh (template only):
# the data the fixtures hold, and starting/stopping a service binary on a database.
# Source after scripts/lib/postgres.sh (log, free_port, on_exit, apt_install).

# What the fixtures hold, written through the old binary's API. The upgrade check reads
# it back through the new one.
FIX_AUTHOR=fixture-author
FIX_AUTHOR_EMAIL=fixture-author@example.com
FIX_READER=fixture-reader
FIX_READER_EMAIL=fixture-reader@example.com
FIX_PASSWORD='fixture-password-1'
FIX_TITLE='Written before the upgrade'
FIX_DESCRIPTION='An article the old binary stored'
FIX_BODY='It must survive every later migration.'
FIX_TAGS='["upgrade","fixture"]' # sorted, as the API returns them
FIX_COMMENT='A comment the old binary stored'

# A JWT secret for PostgreSQL (production mode refuses the development one). Tokens are
# not part of the fixtures, so any secret works.
FIX_JWT_SECRET=upgrade-check-secret-of-at-least-32-characters

SRV_PID=""
SRV_BASE=""

# srv_start BIN LOG VAR=VALUE... -- start `BIN serve` on a free loopback port with the
# given environment and wait (bounded) for GET /health. Sets SRV_BASE and SRV_PID.
srv_start() {
  local bin=$1 log_file=$2 port i
  shift 2
  port=$(free_port $((20000 + RANDOM % 10000))) || return 1 # below the ephemeral range
  env "$@" HOST=127.0.0.1 PORT="$port" STRATA_HTTP__RATE_LIMIT__ENABLED=false \
    STRATA_AUTH__JWT_SECRET="$FIX_JWT_SECRET" "$bin" serve >"$log_file" 2>&1 &
  SRV_PID=$!
  SRV_BASE="http://127.0.0.1:$port"
  for ((i = 0; i < 120; i++)); do
    if curl -fsS -o /dev/null --max-time 2 "$SRV_BASE/health" 2>/dev/null; then
      return 0
    fi
    kill -0 "$SRV_PID" 2>/dev/null || break
    sleep 0.5
  done
  log "server did not become healthy; its log:"
  tail -n 40 "$log_file" >&2
  srv_stop || true
  return 1
}

# srv_stop -- SIGTERM the server; true only when it exits 0 within 15 s (killed otherwise).
srv_stop() {
  local pid=$SRV_PID rc=0 i
  [[ -n "$pid" ]] || return 0
  SRV_PID=""
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 150; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    log "server did not stop within 15 s after SIGTERM"
    return 1
  fi
  wait "$pid" || rc=$?
  ((rc == 0)) || log "server exited with status $rc after SIGTERM (want 0)"
  return "$rc"
}

# api METHOD PATH [JSON] [TOKEN] -- one request; prints the body, fails on a non-2xx status.
api() {
  local method=$1 path=$2 body=${3:-} token=${4:-} args=()
  [[ -n "$body" ]] && args+=(-H 'Content-Type: application/json' --data "$body")
  [[ -n "$token" ]] && args+=(-H "Authorization: Token $token")
  curl -fsS --max-time 10 -X "$method" "${args[@]}" "$SRV_BASE$path"
}

# login EMAIL -- print a token for the fixture password.
login() {
  api POST /api/users/login "{\"user\":{\"email\":\"$1\",\"password\":\"$FIX_PASSWORD\"}}" | jq -er .user.token
}

jq_ensure_installed() {
  command -v jq >/dev/null 2>&1 && return 0
  apt_install jq
}
