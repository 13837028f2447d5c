#!/usr/bin/env bash
# Report benchmark (issue 4) against a database seeded by seed-reports.sh, with the{% capture body %}
# release binaries. Prints the enqueue latency of POST /api/reports under load (wrk,
# own-scope and site-scope requests, i.e. tiny and huge reports) and the generation
# time and peak RSS of one `worker` process producing a site-wide report.
#
#   cargo build --release -p api -p worker
#   bash scripts/bench/reports.sh sqlite:///tmp/bench/bench.db /tmp/bench
#   bash scripts/bench/reports.sh postgres://postgres@127.0.0.1:55999/bench /tmp/bench
set -euo pipefail

db_url=${1:?usage: reports.sh DATABASE_URL WORKDIR}
work=${2:?usage: reports.sh DATABASE_URL WORKDIR}
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=${BIN:-$root/target/release}
port=${PORT:-18950}
duration=${DURATION:-10s}
mkdir -p "$work"
base=http://127.0.0.1:$port

export STRATA_DATABASE__URL=$db_url
export STRATA_JOBS__SQLITE_URL=sqlite://$work/jobs.sqlite
export STRATA_JOBS__EMBEDDED_WORKER=false
export STRATA_SERVER__PORT=$port
export STRATA_AUTH__JWT_SECRET=bench-secret-that-is-long-enough-0123456789
export STRATA_LOG__LEVEL=warn
if [[ $db_url == postgres* ]]; then export STRATA_JOBS__BACKEND=postgres; fi

"$bin/strata" > "$work/api.log" 2>&1 &
api=$!
trap 'kill $api 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -sf "$base/health" > /dev/null && break; sleep 0.1; done

token() {
  curl -sf "$base/api/users" -H 'content-type: application/json' \
    -d "{\"user\":{\"username\":\"$1\",\"email\":\"$1@bench.io\",\"password\":\"password123\"}}" |
    python3 -c 'import sys, json; print(json.load(sys.stdin)["user"]["token"])'
}
suffix=$RANDOM$RANDOM
boss=$(token "boss$suffix")
"$bin/strata" admin grant "boss$suffix" > /dev/null 2>&1

# Enqueue latency: the same endpoint for a one-author report and a site-wide one.
for scope in own site; do
  cat > "$work/post-$scope.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Token $boss"
wrk.body = '{"report":{"kind":"activity","scope":"$scope","from":"2026-01-01","to":"2026-12-31"}}'
LUA
  echo "== enqueue, scope=$scope (wrk -t2 -c8 -d$duration --latency)"
  wrk -t2 -c8 -d"$duration" --latency -s "$work/post-$scope.lua" "$base/api/reports" |
    grep -E "Latency|50%|75%|90%|99%|Requests/sec|Non-2xx"
done

# Generation: clear the queue of the load test's jobs, enqueue one site-wide report,
# and let one worker produce it under /usr/bin/time.
if [[ $db_url == postgres* ]]; then
  psql -q "$db_url" -c "DELETE FROM apalis.jobs" 2> /dev/null || true
else
  rm -f "$work"/jobs.sqlite*
  kill $api; wait $api 2>/dev/null || true
  "$bin/strata" > "$work/api.log" 2>&1 &
  api=$!
  for _ in $(seq 100); do curl -sf "$base/health" > /dev/null && break; sleep 0.1; done
fi
id=$(curl -sf "$base/api/reports" -H "authorization: Token $boss" -H 'content-type: application/json' \
  -d '{"report":{"kind":"activity","scope":"site","from":"2026-01-01","to":"2026-12-31"}}' |
  python3 -c 'import sys, json; print(json.load(sys.stdin)["report"]["id"])')
/usr/bin/time -v "$bin/strata-worker" > "$work/worker.log" 2> "$work/worker.time" &
timer=$!
while :; do
  status=$(curl -sf "$base/api/reports/$id" -H "authorization: Token $boss")
  case "$status" in *'"succeeded"'*|*'"failed"'*) break ;; esac
  sleep 0.5
done
kill -TERM "$(pgrep -P $timer)"; wait $timer || true
echo "== generation of site-wide report $id"
echo "$status" | python3 -c '
import sys, json
from datetime import datetime
r = json.load(sys.stdin)["report"]
t = lambda k: datetime.fromisoformat(r[k].replace("Z", "+00:00"))
print("status", r["status"], "attempts", r["attempts"], "error", r["error"])
print("generation seconds", (t("finishedAt") - t("startedAt")).total_seconds())
print("summary", json.dumps(r["summary"]))'
grep -E "Maximum resident set size|Elapsed \(wall clock\)" "$work/worker.time"
curl -sf "$base/api/reports/$id/download" -H "authorization: Token $boss" | wc -l | sed 's/^/csv lines /' #@@{% endcapture %}{{ body | replace: "STRATA_", env_prefix | replace: "strata_", snake_prefix | replace: "strata.db", db_file | replace: "strata.toml", config_file | replace: "5432/strata", pg_db_path | replace: "Strata", project_title | replace: "strata", project_kebab | remove: " #@@" }}
