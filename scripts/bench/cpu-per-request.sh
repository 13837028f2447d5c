#!/usr/bin/env bash
#{% capture body %}
# cpu-per-request.sh NAME BIN -- serve BIN on database bisect_NAME (cache off), then for /health and
# /api/articles/s5000: 2 s warm-up, wrk -t2 -c64 -d${DURATION:-10s}; CPU of the API process and of the
# PostgreSQL backends of bisect_NAME from /proc/PID/stat (utime+stime) before and after.
set -euo pipefail
NAME=$1 BIN=$2 DURATION=${DURATION:-10s}
# The PostgreSQL server to use (a superuser URL; pg_stat_statements loaded for the CPU script).
ADMIN=${PG_ADMIN_URL:-postgres://postgres@127.0.0.1:55432/postgres}
db=bisect_$NAME
url=${ADMIN%/*}/$db
PORT=${PORT:-39311}
env DATABASE_URL="$url" STRATA_AUTH__JWT_SECRET=bench-secret-bench-secret-bench-secret-0 STRATA_LOG__LEVEL=warn \
  STRATA_HTTP__RATE_LIMIT__ENABLED=false STRATA_CACHE__ENABLED=false HOST=127.0.0.1 PORT=$PORT ${EXTRA_ENV:-} \
  "$BIN" serve >${TMPDIR:-/tmp}/cpu-per-request-server-$NAME.log 2>&1 &
SPID=$!
trap 'kill -TERM $SPID 2>/dev/null; wait $SPID 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -fsS -o /dev/null "http://127.0.0.1:$PORT/health" 2>/dev/null && break; sleep 0.1; done
ticks() { local t=0 p; for p in "$@"; do if [[ -r /proc/$p/stat ]]; then t=$((t + $(sed 's/.*) //' /proc/$p/stat | awk '{print $12+$13}'))); fi; done; echo $t; }
PM=$(head -1 ${PGDATA:?set PGDATA to the cluster data dir}/postmaster.pid)
# whole cluster: every live postgres process plus the postmaster's reaped children (cutime+cstime)
pgcpu() { local t=0 p; for p in $(ps -o pid= --ppid $PM); do [[ -r /proc/$p/stat ]] && t=$((t + $(sed 's/.*) //' /proc/$p/stat | awk '{print $12+$13}'))); done; echo $((t + $(sed 's/.*) //' /proc/$PM/stat | awk '{print $12+$13+$14+$15}'))); }
pss() { psql "$ADMIN" -Atc "select coalesce(sum(calls),0), round(coalesce(sum(total_exec_time),0)::numeric,1) from pg_stat_statements s join pg_database d on d.oid=s.dbid where d.datname='$db' and query not like '%pg_stat_statements%'" ; }
for route in /health /api/articles/s5000; do
  target="http://127.0.0.1:$PORT$route"
  wrk -t2 -c64 -d2s "$target" >/dev/null
  psql "$ADMIN" -Atqc "select pg_stat_statements_reset()" >/dev/null
  s0=$(ticks $SPID); p0=$(pgcpu); l0=$(cut -d' ' -f1 /proc/loadavg)
  out=$(wrk -t2 -c64 -d"$DURATION" "$target")
  s1=$(ticks $SPID); p1=$(pgcpu); nb=$(psql "$url" -Atc "select count(*) from pg_stat_activity where datname='$db'")
  read -r calls exec_ms <<<"$(pss | tr '|' ' ')"
  grep -q Non-2xx <<<"$out" && { echo "non-2xx: $out" >&2; exit 1; }
  n=$(awk '/requests in/ {print $1}' <<<"$out"); rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
  awk -v name=$NAME -v r=$route -v n=$n -v rps=$rps -v s=$((s1-s0)) -v p=$((p1-p0)) -v l=$l0 -v nb="$nb" -v calls=$calls -v ex=$exec_ms \
    'BEGIN {printf "%s %-22s n=%d req/s=%s api_cpu_us/req=%.1f pg_cpu_us/req=%.1f stmts/req=%.2f pg_exec_us/req=%.1f (api %d ticks, pg %d ticks, %d backends, load %s)\n", name, r, n, rps, s*10000/n, p*10000/n, calls/n, ex*1000/n, s, p, nb, l}'
done #@@{% endcapture %}{{ body | replace: "STRATA_", env_prefix | replace: "strata_", snake_prefix | replace: "strata.db", db_file | replace: "strata.toml", config_file | replace: "5432/strata", pg_db_path | replace: "Strata", project_title | replace: "strata", project_kebab | remove: " #@@" }}
