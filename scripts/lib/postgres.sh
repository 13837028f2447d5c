# shellcheck shell=bash
#{% capture body %}
# Sourceable helpers for the test scripts: a throwaway PostgreSQL cluster plus
# the few generic pieces every script needs (section headers, exit hooks,
# free-port search, apt installs).
#
#   source scripts/lib/postgres.sh
#   pg_start                 # or reuse $TEST_DATABASE_URL if the user set it
#   echo "$PG_ADMIN_URL"     # postgres://postgres@127.0.0.1:PORT/postgres
#   pg_create_database foo   # prints a URL for the new database
#   pg_stop                  # also runs automatically when the script exits
#
# Why a hand-rolled cluster: CI and dev machines have no Docker and no systemd,
# and Debian's postgres refuses to run as root, so we initdb a private cluster
# in a temp dir (owned by `postgres` when we are root), listen on 127.0.0.1
# only, on a free port, with the unix socket inside the temp dir.
#
# Everything here is written to work under `set -euo pipefail` in the caller.

# Guard against double sourcing (the exit-hook list must not be reset).
if [[ -n "${_STRATA_LIB_POSTGRES_LOADED:-}" ]]; then
  return 0
fi
_STRATA_LIB_POSTGRES_LOADED=1

# ---------------------------------------------------------------------------
# Generic helpers
# ---------------------------------------------------------------------------

# Loud section header so CI logs are easy to scan.
section() {
  printf '\n==== %s ====\n' "$*"
}

log() {
  printf '[%s] %s\n' "${0##*/}" "$*" >&2
}

die() {
  log "ERROR: $*"
  exit 1
}

is_root() {
  [[ "$(id -u)" -eq 0 ]]
}

# Exit hooks: a single EXIT trap runs every registered command, newest first,
# so that e.g. the API server is stopped before the database it talks to.
# (A plain `trap ... EXIT` in each function would overwrite the previous one.)
_STRATA_EXIT_HOOKS=()

# on_exit CMD [ARGS...] -- run CMD ARGS when the script exits, for any reason.
on_exit() {
  _STRATA_EXIT_HOOKS+=("$(printf '%q ' "$@")")
}

_strata_run_exit_hooks() {
  local rc=$? i
  trap - EXIT
  for ((i = ${#_STRATA_EXIT_HOOKS[@]} - 1; i >= 0; i--)); do
    # A failing cleanup step must not prevent the others from running.
    eval "${_STRATA_EXIT_HOOKS[i]}" || log "cleanup step failed: ${_STRATA_EXIT_HOOKS[i]}"
  done
  _STRATA_EXIT_HOOKS=()
  if ((rc != 0)); then
    log "FAILED (exit status $rc)"
  fi
  exit "$rc"
}
trap _strata_run_exit_hooks EXIT
# Turn signals into a normal exit so the EXIT trap (cleanup) runs.
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# port_in_use PORT -- true when something accepts connections on 127.0.0.1:PORT.
# Uses bash's /dev/tcp so no iproute2 (`ss`) is needed on minimal images.
port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# free_port START -- print the first port >= START (up to START+500) that
# nobody is listening on. Racy by nature; callers retry or fail loudly.
free_port() {
  local port=$1 last=$(($1 + 500))
  while ((port <= last)); do
    if ! port_in_use "$port"; then
      printf '%s\n' "$port"
      return 0
    fi
    port=$((port + 1))
  done
  log "no free port in $1..$last on 127.0.0.1"
  return 1
}

# apt_install PKG... -- install Debian packages (root only), running
# `apt-get update` once per run: fresh CI images have empty package lists.
# STRATA_APT_UPDATED=1 is exported so child scripts (and .ci/run, which
# updates up front) do not repeat it.
apt_install() {
  is_root || {
    log "need root to apt-get install: $*"
    return 1
  }
  if [[ "${STRATA_APT_UPDATED:-}" != 1 ]]; then
    log "apt-get update"
    apt-get update || return 1
    export STRATA_APT_UPDATED=1
  fi
  log "apt-get install $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" </dev/null
}

# ---------------------------------------------------------------------------
# PostgreSQL
# ---------------------------------------------------------------------------

# Set by pg_start:
PG_ADMIN_URL="${PG_ADMIN_URL:-}" # admin URL (database "postgres")
PG_DIR=""                        # temp dir of our cluster (empty: none/external)
PG_PORT=""
PG_EXTERNAL=0 # 1 when TEST_DATABASE_URL points at a server we don't own
PG_BIN=""

# Newest installed server's bin dir, e.g. /usr/lib/postgresql/15/bin.
_pg_find_bin() {
  local f v best="" best_v=0
  for f in /usr/lib/postgresql/*/bin/initdb; do
    [[ -x "$f" ]] || continue
    v=${f#/usr/lib/postgresql/}
    v=${v%%/*}
    [[ "$v" =~ ^[0-9]+$ ]] || continue
    if ((v > best_v)); then
      best_v=$v
      best=${f%/initdb}
    fi
  done
  printf '%s\n' "$best"
}

pg_ensure_installed() {
  PG_BIN=$(_pg_find_bin)
  if [[ -n "$PG_BIN" ]]; then
    return 0
  fi
  if ! is_root; then
    log "PostgreSQL server binaries not found (/usr/lib/postgresql/*/bin/initdb)."
    log "Install them (sudo apt-get install postgresql) or point TEST_DATABASE_URL"
    log "at an existing server, e.g. postgres://postgres@127.0.0.1:5432/postgres"
    return 1
  fi
  # Installing the Debian package normally creates and starts a "main"
  # cluster on port 5432 (via init.d when there is no systemd): a stray
  # background server we never asked for. Disable that; we only need the
  # binaries, and our clusters are private and throwaway.
  mkdir -p /etc/postgresql-common/createcluster.d
  printf '# written by strata scripts/lib/postgres.sh: binaries only, no default cluster\ncreate_main_cluster = false\n' \
    >/etc/postgresql-common/createcluster.d/50-strata-no-main-cluster.conf
  apt_install postgresql || {
    log "apt-get install postgresql failed"
    return 1
  }
  PG_BIN=$(_pg_find_bin)
  [[ -n "$PG_BIN" ]] || {
    log "postgresql installed but no /usr/lib/postgresql/*/bin/initdb found"
    return 1
  }
}

# Run a server binary as the cluster owner: `postgres` when we are root
# (PostgreSQL refuses to run as root), otherwise ourselves. Runs from the
# cluster dir so `postgres` never needs access to the caller's cwd.
_pg_as_owner() {
  if is_root; then
    (cd "$PG_DIR" && runuser -u postgres -- "$@")
  else
    (cd "$PG_DIR" && "$@")
  fi
}

_pg_print_log() {
  if [[ -n "$PG_DIR" && -f "$PG_DIR/server.log" ]]; then
    log "---- PostgreSQL server log ($PG_DIR/server.log) ----"
    tail -n 100 "$PG_DIR/server.log" >&2 || true
    log "---- end of PostgreSQL server log ----"
  fi
}

# pg_start -- start a throwaway cluster, or adopt $TEST_DATABASE_URL.
# Exports PG_ADMIN_URL. Registers pg_stop as an exit hook.
pg_start() {
  if [[ -n "${TEST_DATABASE_URL:-}" ]]; then
    # The user brought their own server: use it, never start/stop anything.
    PG_EXTERNAL=1
    PG_ADMIN_URL="$TEST_DATABASE_URL"
    export PG_ADMIN_URL
    log "using existing PostgreSQL server from TEST_DATABASE_URL"
    return 0
  fi
  if [[ -n "$PG_DIR" ]]; then
    log "pg_start: cluster already running in $PG_DIR"
    return 0
  fi

  pg_ensure_installed || return 1
  if is_root && ! id postgres >/dev/null 2>&1; then
    log "running as root but there is no 'postgres' user to own the cluster"
    log "(the Debian postgresql package creates it)"
    return 1
  fi

  # As root the dir must be reachable by `postgres`: use /tmp, not a
  # possibly private $TMPDIR.
  local tmp_root="${TMPDIR:-/tmp}"
  if is_root; then
    tmp_root=/tmp
  fi
  PG_DIR=$(mktemp -d "$tmp_root/strata-pg.XXXXXX") || return 1
  on_exit pg_stop # from here on, any failure still removes the temp dir
  chmod 700 "$PG_DIR"
  if is_root; then
    chown postgres:postgres "$PG_DIR"
  fi

  log "initdb in $PG_DIR/data ($("$PG_BIN/postgres" --version))"
  # UTF8 + C locale explicitly: a CI shell without LANG would otherwise give
  # a SQL_ASCII cluster, and C.UTF-8 is not guaranteed to exist everywhere.
  if ! _pg_as_owner "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres --auth=trust \
    --encoding=UTF8 --locale=C --no-sync >"$PG_DIR/initdb.log" 2>&1; then
    log "initdb failed:"
    cat "$PG_DIR/initdb.log" >&2 || true
    return 1
  fi

  # Pick a free port and start; if we lose a race for the port, try the next.
  local attempt port=55432
  for attempt in 1 2 3 4 5; do
    port=$(free_port "$port") || return 1
    # fsync/full_page_writes off: a throwaway test cluster, speed over
    # durability. max_connections raised because tests run in parallel and
    # each opens its own pool.
    if _pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" \
      -w -t 60 -o "-c listen_addresses=127.0.0.1 -p $port -k $PG_DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
      start >"$PG_DIR/pg_ctl.log" 2>&1; then
      PG_PORT=$port
      break
    fi
    log "pg_ctl start on port $port failed (attempt $attempt):"
    cat "$PG_DIR/pg_ctl.log" >&2 || true
    _pg_print_log
    # Make sure a half-started server from this attempt is gone before retrying.
    _pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w -t 15 stop >/dev/null 2>&1 || true
    port=$((port + 1))
  done
  if [[ -z "$PG_PORT" ]]; then
    log "could not start PostgreSQL"
    return 1
  fi

  PG_ADMIN_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres"
  export PG_ADMIN_URL
  log "PostgreSQL listening on 127.0.0.1:$PG_PORT ($PG_ADMIN_URL)"
}

# pg_stop -- stop our cluster and delete it. Idempotent; no-op for an
# external server.
pg_stop() {
  if [[ "$PG_EXTERNAL" == 1 || -z "$PG_DIR" ]]; then
    return 0
  fi
  if [[ -f "$PG_DIR/data/postmaster.pid" ]]; then
    log "stopping PostgreSQL (port ${PG_PORT:-?})"
    if ! _pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w -t 30 stop >/dev/null 2>&1; then
      # Last resort so we never leave a server behind: kill the postmaster.
      local pid
      pid=$(head -n 1 "$PG_DIR/data/postmaster.pid" 2>/dev/null || true)
      if [[ "$pid" =~ ^[0-9]+$ ]]; then
        log "pg_ctl stop failed; killing postmaster $pid"
        kill -KILL "$pid" 2>/dev/null || true
      fi
    fi
  fi
  rm -rf "$PG_DIR"
  PG_DIR=""
  PG_PORT=""
}

# psql against the admin database: no ~/.psqlrc, stop on error, bounded connect.
pg_psql() {
  local psql
  psql=$(_pg_psql_bin) || return 1
  PGCONNECT_TIMEOUT=10 PGOPTIONS="-c client_min_messages=warning" "$psql" "$PG_ADMIN_URL" -X -q -A -t -v ON_ERROR_STOP=1 "$@"
}

_pg_psql_bin() {
  if [[ -n "$PG_BIN" && -x "$PG_BIN/psql" ]]; then
    printf '%s\n' "$PG_BIN/psql"
  elif command -v psql >/dev/null 2>&1; then
    command -v psql
  else
    # External server but no client installed: the server package brings psql.
    pg_ensure_installed >&2 || return 1
    printf '%s\n' "$PG_BIN/psql"
  fi
}

# pg_url_for_db URL DB -- URL with its database (path) replaced by DB,
# keeping user, password, host, port and any ?query.
pg_url_for_db() {
  local url=$1 db=$2 base query="" rest
  base=${url%%\?*}
  if [[ "$url" == *\?* ]]; then
    query="?${url#*\?}"
  fi
  rest=${base#*://}
  if [[ "$rest" == */* ]]; then
    base=${base%%://*}://${rest%%/*}
  fi
  printf '%s/%s%s\n' "$base" "$db" "$query"
}

# pg_create_database NAME -- create a fresh database (dropping a leftover of
# the same name) and print its URL. NAME must be a plain identifier.
pg_create_database() {
  local db=$1
  [[ "$db" =~ ^[a-z_][a-z0-9_]*$ ]] || {
    log "bad database name: $db"
    return 1
  }
  # Separate statements: CREATE DATABASE cannot run inside a multi-statement string.
  pg_psql -c "DROP DATABASE IF EXISTS $db" >/dev/null || return 1
  pg_psql -c "CREATE DATABASE $db" >/dev/null || return 1
  pg_url_for_db "$PG_ADMIN_URL" "$db"
}

# pg_drop_database NAME -- best effort; used to tidy up external servers.
pg_drop_database() {
  pg_psql -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" >/dev/null
} #@@{% endcapture %}{{ body | replace: "STRATA_", env_prefix | replace: "strata_", snake_prefix | replace: "strata.db", db_file | replace: "strata.toml", config_file | replace: "5432/strata", pg_db_path | replace: "Strata", project_title | replace: "strata", project_kebab | remove: " #@@" }}
