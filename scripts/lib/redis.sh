#!/usr/bin/env bash
# shellcheck shell=bash{% capture body %}
#
# Throwaway Redis servers for tests, on a free loopback port. Source after
# scripts/lib/postgres.sh (for log, die, is_root, apt_install, free_port, on_exit).
#
#   redis_ensure_installed          install Debian's redis-server when missing (root)
#   redis_start                     start one; sets REDIS_URL_TEST, REDIS_PORT, REDIS_DIR
#                                   (reuses TEST_REDIS_URL when set: nothing started)
#   redis_stop                      stop it (registered with on_exit by redis_start)

REDIS_DIR=""
REDIS_PORT=""
REDIS_URL_TEST=""

redis_ensure_installed() {
  if command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1; then
    return 0
  fi
  if ! is_root; then
    log "redis-server not found. Install it (sudo apt-get install redis-server) or point"
    log "TEST_REDIS_URL at an existing server, e.g. redis://127.0.0.1:6379"
    return 1
  fi
  # Like PostgreSQL: the package may try to start a default server on 6379 via
  # init.d; we only want the binaries, so stop any that appeared.
  apt_install redis-server || {
    log "apt-get install redis-server failed"
    return 1
  }
  if [[ -x /etc/init.d/redis-server ]]; then
    /etc/init.d/redis-server stop >/dev/null 2>&1 || true
  fi
  command -v redis-server >/dev/null 2>&1
}

redis_start() {
  if [[ -n "${TEST_REDIS_URL:-}" ]]; then
    REDIS_URL_TEST="$TEST_REDIS_URL"
    export REDIS_URL_TEST
    log "using existing Redis from TEST_REDIS_URL"
    return 0
  fi
  if [[ -n "$REDIS_DIR" ]]; then
    return 0
  fi
  redis_ensure_installed || return 1
  REDIS_DIR=$(mktemp -d "${TMPDIR:-/tmp}/strata-redis.XXXXXX") || return 1
  on_exit redis_stop
  local attempt port=56379
  for attempt in 1 2 3 4 5; do
    port=$(free_port "$port") || return 1
    # No persistence: a throwaway server for tests.
    if redis-server --bind 127.0.0.1 --port "$port" --save '' --appendonly no --daemonize yes \
      --pidfile "$REDIS_DIR/redis.pid" --logfile "$REDIS_DIR/redis.log" --dir "$REDIS_DIR" >/dev/null 2>&1; then
      local _
      for _ in $(seq 1 50); do
        if [[ "$(redis-cli -p "$port" ping 2>/dev/null)" == PONG ]]; then
          REDIS_PORT=$port
          break 2
        fi
        sleep 0.1
      done
    fi
    log "redis-server on port $port did not start (attempt $attempt)"
    cat "$REDIS_DIR/redis.log" >&2 2>/dev/null || true
    port=$((port + 1))
  done
  [[ -n "$REDIS_PORT" ]] || {
    log "could not start Redis"
    return 1
  }
  REDIS_URL_TEST="redis://127.0.0.1:$REDIS_PORT"
  export REDIS_URL_TEST REDIS_PORT
  log "Redis listening on 127.0.0.1:$REDIS_PORT"
}

redis_stop() {
  [[ -n "$REDIS_DIR" ]] || return 0
  if [[ -n "$REDIS_PORT" ]]; then
    redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
  fi
  if [[ -f "$REDIS_DIR/redis.pid" ]]; then
    kill "$(cat "$REDIS_DIR/redis.pid")" 2>/dev/null || true
  fi
  rm -rf "$REDIS_DIR"
  REDIS_DIR=""
  REDIS_PORT=""
} #@@{% endcapture %}{{ body | replace: "STRATA_", env_prefix | replace: "strata_", snake_prefix | replace: "strata.db", db_file | replace: "strata.toml", config_file | replace: "5432/strata", pg_db_path | replace: "Strata", project_title | replace: "strata", project_kebab | remove: " #@@" }}
