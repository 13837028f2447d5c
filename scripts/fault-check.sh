#!/usr/bin/env bash
#{% capture body %}
# Fault tests against the real `api` binary, on loopback only, in bounded time:
#
#   a. PostgreSQL restart under writes: a client registers users (POST /api/users,
#      a route every rendering has) in a loop with a per-request timeout while
#      PostgreSQL is stopped with `pg_ctl stop -m immediate` and started again.
#      Checks: every registration answered 2xx is in the database afterwards, the
#      same API process serves writes again (no restart), and no request ran into
#      the client's timeout (each one was answered, even if with an error).
#   b. Rolling restart behind HAProxy: two instances behind the example proxy
#      configuration (deploy/haproxy/haproxy.cfg, with loopback addresses and
#      ports substituted), which health-checks GET /ready. Under a steady client
#      load, instance 1 gets SIGTERM, is started again and waits until the proxy
#      sees it up, then instance 2. Check: zero failed requests.
#
#   bash scripts/fault-check.sh
#
# Root on a fresh Debian machine: PostgreSQL, HAProxy, curl and jq are installed
# via scripts/lib/postgres.sh. The PostgreSQL server is always a private one
# (TEST_DATABASE_URL is ignored: this script stops it).
# Environment: API_BIN uses a prebuilt binary instead of building;
# FAULT_DRAIN_DELAY_SECS sets the instances' server.drain_delay_secs (default 5; with 0
# and a proxy without `option redispatch`, the rolling restart fails requests).
# Ends with "fault-check: N passed, N failed" (N = checks).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
# shellcheck source=scripts/lib/postgres.sh
source "$ROOT/scripts/lib/postgres.sh"
# shellcheck source=scripts/lib/check.sh
source "$ROOT/scripts/lib/check.sh"
unset TEST_DATABASE_URL

READY_TIMEOUT=60      # seconds for an instance (or the proxy's view of it) to become ready
REQUEST_TIMEOUT=10    # the client's per-request timeout (curl --max-time)
OUTAGE_SECS=2         # how long PostgreSQL stays down
DRAIN_DELAY_SECS=${FAULT_DRAIN_DELAY_SECS:-5} # server.drain_delay_secs: the default, sized for the proxy's checks
STOP_TIMEOUT=45       # drain delay + shutdown grace (30 s) + margin

for tool in curl jq; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    if is_root; then apt_install "$tool" ca-certificates; else die "$tool is required"; fi
  fi
done
if ! command -v haproxy >/dev/null 2>&1; then
  if is_root; then apt_install haproxy; else die "haproxy is required (apt-get install haproxy)"; fi
fi
# The Debian package may start its own proxy (init.d, no systemd): stop it, ours is private.
if is_root && [[ -x /etc/init.d/haproxy ]]; then /etc/init.d/haproxy stop >/dev/null 2>&1 || true; fi

section "build"
API_BIN=${API_BIN:-$(build strata api)} || die "api build failed"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/strata-fault.XXXXXX")
on_exit rm -rf "$WORK"

section "postgresql"
pg_start || die "PostgreSQL did not start"
# The throwaway cluster runs with synchronous_commit=off (lib/postgres.sh), which loses
# the last acknowledged commits on an immediate stop: turn it back on for this database,
# so a lost write is the application's, not the test cluster's.
DATABASE_URL=$(pg_create_database strata_fault) || die "cannot create the database"
pg_psql -c "ALTER DATABASE strata_fault SET synchronous_commit = on" >/dev/null
# The same options pg_start used, to start the cluster again after the crash.
PG_OPTS="-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"

# Instances: PID and port per slot (1, 2, ...), each in its own directory (data/ for the
# job queue's default SQLite file).
declare -A PIDS PORTS
# start_instance SLOT PORT -- start the binary on 127.0.0.1:PORT, wait for /ready.
start_instance() {
  local slot=$1 port=$2 dir="$WORK/instance-$1" deadline
  mkdir -p "$dir"
  (cd "$dir" && exec env HOST=127.0.0.1 PORT="$port" DATABASE_URL="$DATABASE_URL" \
    STRATA_HTTP__RATE_LIMIT__ENABLED=false STRATA_SERVER__DRAIN_DELAY_SECS="$DRAIN_DELAY_SECS" \
    STRATA_AUTH__JWT_SECRET=fault-check-secret-that-is-long-enough-0123 \
    STRATA_AUTH__ARGON2_MEMORY_KIB=64 STRATA_AUTH__ARGON2_ITERATIONS=1 \
    "$API_BIN" serve >>"$dir/server.log" 2>&1) &
  PIDS[$slot]=$!
  PORTS[$slot]=$port
  deadline=$((SECONDS + READY_TIMEOUT))
  until curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$port/ready" 2>/dev/null; do
    if ! kill -0 "${PIDS[$slot]}" 2>/dev/null; then
      tail -n 30 "$dir/server.log" >&2
      log "instance $slot exited before becoming ready"
      return 1
    fi
    ((SECONDS < deadline)) || { log "instance $slot not ready after ${READY_TIMEOUT}s"; return 1; }
    sleep 0.2
  done
}

# stop_instance SLOT -- SIGTERM, wait for the exit; returns the exit status.
stop_instance() {
  local pid=${PIDS[$1]:-} rc=0
  [[ -n "$pid" ]] || return 0
  kill -TERM "$pid" 2>/dev/null || true
  if ! timeout "$STOP_TIMEOUT" tail --pid="$pid" -f /dev/null; then
    log "instance $1 still running ${STOP_TIMEOUT}s after SIGTERM"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || rc=$?
  unset "PIDS[$1]"
  return "$rc"
}

stop_all() {
  local slot
  for slot in "${!PIDS[@]}"; do stop_instance "$slot" || true; done
}
on_exit stop_all

# writer FILE URL -- until $WORK/stop exists, register a new user per request and append
# "<n> <username> <http code>" to FILE (code 000 = no answer within the timeout).
writer() {
  local file=$1 url=$2 n=0 name code
  while [[ ! -e "$WORK/stop" ]]; do
    n=$((n + 1))
    name="w${BASHPID}x$n"
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time "$REQUEST_TIMEOUT" \
      -H 'Content-Type: application/json' \
      -d "{\"user\":{\"username\":\"$name\",\"email\":\"$name@example.com\",\"password\":\"password123\"}}" \
      "$url/api/users" || true)
    printf '%s %s %s\n' "$n" "$name" "${code:-000}" >>"$file"
    sleep 0.05
  done
}

# reader FILE URL -- until $WORK/stop exists: register, then read the account with the
# token; one line per request, "<what> <http code>".
reader() {
  local file=$1 url=$2 n=0 name body token code
  while [[ ! -e "$WORK/stop" ]]; do
    n=$((n + 1))
    name="r${BASHPID}x$n"
    body=$(curl -s -w '\n%{http_code}' --max-time "$REQUEST_TIMEOUT" -H 'Content-Type: application/json' \
      -d "{\"user\":{\"username\":\"$name\",\"email\":\"$name@example.com\",\"password\":\"password123\"}}" \
      "$url/api/users" || true)
    code=${body##*$'\n'}
    printf 'register %s\n' "${code:-000}" >>"$file"
    token=$(printf '%s' "${body%$'\n'*}" | jq -r '.user.token // empty' 2>/dev/null || true)
    [[ -n "$token" ]] || continue
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time "$REQUEST_TIMEOUT" \
      -H "Authorization: Token $token" "$url/api/user" || true)
    printf 'user %s\n' "${code:-000}" >>"$file"
  done
}

# count FILE AWK-CONDITION -- lines of FILE matching the condition on the last field.
count() {
  awk "\$NF $2 { n++ } END { print n + 0 }" "$1"
}

wait_for_lines() { # wait_for_lines FILE N -- until FILE has N lines (bounded)
  local deadline=$((SECONDS + 60))
  until [[ -s "$1" ]] && (($(wc -l <"$1") >= $2)); do
    ((SECONDS < deadline)) || return 1
    sleep 0.2
  done
}

# ---------------------------------------------------------------------------
section "a. PostgreSQL restarted under writes"
P1=$(free_port 39180) || die "no free port"
start_instance 1 "$P1" || die "instance did not start"
A_PID=${PIDS[1]}
W="$WORK/writes.txt"
rm -f "$WORK/stop"
writer "$W" "http://127.0.0.1:$P1" &
WRITER=$!
wait_for_lines "$W" 10 || die "the writer made no progress"
log "pg_ctl stop -m immediate (after $(wc -l <"$W") writes)"
_pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w -t 30 stop >/dev/null
sleep "$OUTAGE_SECS"
before_start=$(wc -l <"$W")
_pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 -o "$PG_OPTS" start >/dev/null ||
  die "PostgreSQL did not start again"
log "PostgreSQL started again (after $before_start writes)"
# Recovery: the same process answers /ready again, then writes succeed again.
recovered=0
deadline=$((SECONDS + READY_TIMEOUT))
while ((SECONDS < deadline)); do
  if curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$P1/ready" 2>/dev/null; then
    recovered=1
    break
  fi
  sleep 0.2
done
after_ready=$(wc -l <"$W")
wait_for_lines "$W" $((after_ready + 20)) || true
touch "$WORK/stop"
wait "$WRITER" || true

tried=$(wc -l <"$W")
ok=$(count "$W" '~ /^2/')
hung=$(count "$W" '== "000"')
late_ok=$(awk -v from="$after_ready" 'NR > from && $3 ~ /^2/ { n++ } END { print n + 0 }' "$W")
awk '$3 ~ /^2/ { print $2 }' "$W" | sort >"$WORK/acknowledged.txt"
# pg_psql connects to the admin database; ask the application's own.
PG_ADMIN_URL="$DATABASE_URL" pg_psql -c "SELECT username FROM users" | sort >"$WORK/stored.txt"
lost=$(comm -23 "$WORK/acknowledged.txt" "$WORK/stored.txt" | wc -l)
log "a: $tried requests tried, $ok answered 2xx, $((tried - ok)) failed ($hung without an answer within ${REQUEST_TIMEOUT}s), $lost acknowledged writes lost"
log "a: statuses: $(awk '{ print $3 }' "$W" | sort | uniq -c | tr -s ' ' | tr '\n' ',' | sed 's/,$//')"
check "every write answered 2xx is stored ($lost lost)" test "$lost" -eq 0
check "the same API process answers /ready again after the restart" test "$recovered" -eq 1
check "the API process was not restarted" kill -0 "$A_PID"
check "writes succeed again after the restart ($late_ok after /ready)" test "$late_ok" -gt 0
check "no request ran into the ${REQUEST_TIMEOUT}s client timeout ($hung)" test "$hung" -eq 0
check "instance exits 0 on SIGTERM" stop_instance 1

# ---------------------------------------------------------------------------
section "b. rolling restart of two instances behind HAProxy"
P1=$(free_port 39200) || die "no free port"
P2=$(free_port $((P1 + 1))) || die "no free port"
PH=$(free_port $((P2 + 1))) || die "no free port"
PS=$(free_port $((PH + 1))) || die "no free port"
start_instance 1 "$P1" || die "instance 1 did not start"
start_instance 2 "$P2" || die "instance 2 did not start"

# The shipped configuration with loopback addresses: no Docker DNS, our ports, and a
# stats page to see what the proxy thinks of each instance.
CFG="$WORK/haproxy.cfg"
sed -e '/^resolvers docker/,/^$/d' \
  -e 's/ resolvers docker init-addr [^ ]*//' \
  -e "s/^\( *bind \):8080/\1127.0.0.1:$PH/" \
  -e "s/^\( *server api-1 \)api-1:8080/\1127.0.0.1:$P1/" \
  -e "s/^\( *server api-2 \)api-2:8080/\1127.0.0.1:$P2/" \
  deploy/haproxy/haproxy.cfg >"$CFG"
printf '\nlisten stats\n    bind 127.0.0.1:%s\n    stats enable\n    stats uri /stats\n' "$PS" >>"$CFG"
haproxy -c -f "$CFG" >/dev/null || die "haproxy rejects $CFG"
haproxy -db -f "$CFG" >"$WORK/haproxy.log" 2>&1 &
HAPROXY_PID=$!
on_exit kill -TERM "$HAPROXY_PID"

# proxy_status SERVER -- UP, DOWN, ... as the proxy's stats say.
proxy_status() {
  curl -fsS --max-time 2 "http://127.0.0.1:$PS/stats;csv" 2>/dev/null |
    awk -F, -v s="$1" '$1 == "api" && $2 == s { print $18 }'
}
# wait_proxy SERVER STATUS -- until the proxy reports exactly STATUS (UP, DOWN) for SERVER.
wait_proxy() {
  local deadline=$((SECONDS + READY_TIMEOUT))
  until [[ "$(proxy_status "$1")" == "$2" ]]; do
    ((SECONDS < deadline)) || { log "$1 not $2 in the proxy after ${READY_TIMEOUT}s"; return 1; }
    sleep 0.2
  done
}
wait_proxy api-1 UP || die "proxy does not see api-1"
wait_proxy api-2 UP || die "proxy does not see api-2"

L="$WORK/load"
mkdir -p "$L"
rm -f "$WORK/stop"
LOADERS=()
for i in 1 2; do
  reader "$L/reader-$i.txt" "http://127.0.0.1:$PH" &
  LOADERS+=($!)
done
wait_for_lines "$L/reader-1.txt" 10 || die "no load through the proxy"
rolled=1
for slot in 1 2; do
  log "rolling api-$slot: SIGTERM"
  rc=0
  stop_instance "$slot" || rc=$?
  [[ "$rc" -eq 0 ]] || { log "api-$slot exited $rc"; rolled=0; }
  # The drain delay outlasts the proxy's detection (fall 2 x inter 2 s): it took the
  # instance out before the listener closed.
  wait_proxy "api-$slot" DOWN || rolled=0
  start_instance "$slot" "${PORTS[$slot]}" || { rolled=0; break; }
  wait_proxy "api-$slot" UP || { rolled=0; break; }
  log "api-$slot is back in the proxy"
done
# A little steady load after the last restart, then stop the clients.
wait_for_lines "$L/reader-1.txt" $(($(wc -l <"$L/reader-1.txt") + 10)) || true
touch "$WORK/stop"
for pid in "${LOADERS[@]}"; do wait "$pid" || true; done

cat "$L"/reader-*.txt >"$L/all.txt"
tried=$(wc -l <"$L/all.txt")
failed=$(awk '($1 == "register" && $2 != "201") || ($1 == "user" && $2 != "200") { n++ } END { print n + 0 }' "$L/all.txt")
log "b: $tried requests tried, $failed failed"
log "b: statuses: $(sort "$L/all.txt" | uniq -c | tr -s ' ' | tr '\n' ',' | sed 's/,$//')"
check "both instances were restarted in turn, each exiting 0" test "$rolled" -eq 1
check "requests were sent during the rolling restart ($tried)" test "$tried" -gt 0
check "zero failed requests during the rolling restart ($failed)" test "$failed" -eq 0

if ((FAILED > 0)); then
  for f in "$WORK"/instance-*/server.log "$WORK/haproxy.log"; do
    log "---- $f (last 30 lines) ----"
    tail -n 30 "$f" >&2 || true
  done
fi
stop_all
echo "fault-check: $PASSED passed, $FAILED failed"
((FAILED == 0)) #@@{% endcapture %}{{ body | replace: "STRATA_", env_prefix | replace: "strata_", snake_prefix | replace: "strata.db", db_file | replace: "strata.toml", config_file | replace: "5432/strata", pg_db_path | replace: "Strata", project_title | replace: "strata", project_kebab | remove: " #@@" }}
