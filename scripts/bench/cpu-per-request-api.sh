#!/usr/bin/env bash
#{% capture body %}
# cpu-per-request-api.sh NAME BIN PORT -- serve BIN on database bisect_NAME (seeded by
# cpu-per-request-seed.sh, cache off) and print the API process's CPU-µs per request of
# ROUTE (default /api/articles/s5000): 2 s warm-up, wrk -t2 -c64 -d${DURATION:-8s}, utime+stime
# from /proc/PID/stat. Needs no pg_stat_statements (cpu-per-request.sh also measures PostgreSQL).
set -euo pipefail
NAME=$1 BIN=$2 PORT=$3 DURATION=${DURATION:-8s}
ADMIN=${PG_ADMIN_URL:-postgres://postgres@127.0.0.1:55432/postgres}
url=${ADMIN%/*}/bisect_$NAME
env DATABASE_URL="$url" STRATA_AUTH__JWT_SECRET=bench-secret-bench-secret-bench-secret-0 STRATA_LOG__LEVEL=warn \
  STRATA_HTTP__RATE_LIMIT__ENABLED=false STRATA_CACHE__ENABLED=false STRATA_SERVER__PORT=$PORT ${EXTRA_ENV:-} \
  "$BIN" serve >/tmp/cpu-$NAME.log 2>&1 &
SPID=$!
trap 'kill -TERM $SPID 2>/dev/null; wait $SPID 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -fsS -o /dev/null "http://127.0.0.1:$PORT/health" 2>/dev/null && break; sleep 0.1; done
ticks() { sed 's/.*) //' /proc/$1/stat | awk '{print $12+$13}'; }
target="http://127.0.0.1:$PORT${ROUTE:-/api/articles/s5000}"
wrk -t2 -c64 -d2s "$target" >/dev/null
s0=$(ticks $SPID)
out=$(wrk -t2 -c64 -d"$DURATION" "$target")
s1=$(ticks $SPID)
grep -q Non-2xx <<<"$out" && { echo "non-2xx: $out" >&2; exit 1; }
n=$(awk '/requests in/ {print $1}' <<<"$out"); rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
awk -v name=$NAME -v n=$n -v rps=$rps -v s=$((s1-s0)) -v l="$(cut -d' ' -f1 /proc/loadavg)" 'BEGIN {printf "%-8s n=%d req/s=%s api_cpu_us/req=%.1f load=%s\n", name, n, rps, s*10000/n, l}' #@@{% endcapture %}{{ body | replace: "STRATA_", env_prefix | replace: "strata_", snake_prefix | replace: "strata.db", db_file | replace: "strata.toml", config_file | replace: "5432/strata", pg_db_path | replace: "Strata", project_title | replace: "strata", project_kebab | remove: " #@@" }}
