#!/usr/bin/env bash
#{% capture body %}
# Smoke run of the load-test tooling against the real `api` binary on SQLite:
# seed a tiny dataset with `cargo xtask seed`, serve it, run
# `cargo xtask loadtest` for a few seconds at a low fixed rate, then check the
# results, never a timing (at 40 requests/s for 3 s every scenario of the mix
# shows up; a scenario missing by chance has odds of about 1 in 300,000):
#
#   - an account made by the seed logs in with the documented password;
#   - the run exits 0 and has zero errors (overall and per scenario);
#   - results.json has the documented fields (overall, scenarios, latency
#     percentiles, ceiling and ratio, open-model schedule counts);
#   - report.md has the results table;
#   - a second run against the first as --baseline writes a comparison and
#     stays within a budget no timing can break;
#   - a run against an impossible baseline (p95 of 1 us, budget 0%) exits 3.
#
#   bash scripts/loadtest-smoke.sh
#
# Environment: API_BIN / XTASK_BIN use prebuilt binaries instead of building.
# Ends with "loadtest-smoke: N passed, N failed" (N = checks).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
# shellcheck source=scripts/lib/postgres.sh
source "$ROOT/scripts/lib/postgres.sh"
# shellcheck source=scripts/lib/check.sh
source "$ROOT/scripts/lib/check.sh"

HEALTH_TIMEOUT=60
RUN_TIMEOUT=120
LOAD_ARGS=(--rps 40 --duration 3 --warmup 1 --ceiling 1 --connections 4 --users 3 --quiet
  --scenario "read=8,write=1,login=1")
# Operations results.json must list by name: reading and updating one's own account
# are the reads and writes.
EXPECTED_OPS='["user", "bio", "login"]'
#{% if realworld %} With the example, only its most frequent read is sure to show up in 120 requests.
EXPECTED_OPS='["list", "login"]'
#{% endif %} Every other check holds for any mix.

for tool in curl jq; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    if is_root; then apt_install "$tool" ca-certificates; else die "$tool is required"; fi
  fi
done

section "build"
API_BIN=${API_BIN:-$(build strata api)} || die "api build failed"
XTASK_BIN=${XTASK_BIN:-$(build xtask xtask)} || die "xtask build failed"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/strata-loadtest.XXXXXX")
on_exit rm -rf "$WORK"
export DATABASE_URL="sqlite://$WORK/smoke.db?mode=rwc"

section "seed (tiny)"
timeout "$RUN_TIMEOUT" "$XTASK_BIN" seed --scale tiny

SERVER_PID=""
stop_server() {
  [[ -n "$SERVER_PID" ]] || return 0
  kill -TERM "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}
on_exit stop_server

PORT=$(free_port 39080) || die "no free port"
section "api serve on 127.0.0.1:$PORT"
# All load comes from one IP: per-IP rate limits (http.rate_limit) would answer 429
# and measure the limiter, not the app. Likewise each virtual user requests reports
# faster than the worker finishes them, which the per-user pending-report quota
# (reports.max_pending_per_user) answers with 429: 0 turns it off. Builds without
# a limiter or without reports ignore the variables.
HOST=127.0.0.1 PORT=$PORT STRATA_HTTP__RATE_LIMIT__ENABLED=false STRATA_REPORTS__MAX_PENDING_PER_USER=0 "$API_BIN" serve >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
deadline=$((SECONDS + HEALTH_TIMEOUT))
until curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$PORT/health" 2>/dev/null; do
  kill -0 "$SERVER_PID" 2>/dev/null || {
    tail -n 50 "$WORK/server.log" >&2
    die "server exited before becoming healthy"
  }
  ((SECONDS < deadline)) || die "/health not OK after ${HEALTH_TIMEOUT}s"
  sleep 0.5
done
URL="http://127.0.0.1:$PORT"

check "a seeded account logs in with the documented password" curl -fsS -o /dev/null --max-time 10 \
  -H 'Content-Type: application/json' -d '{"user":{"email":"user1@example.com","password":"password123"}}' \
  "$URL/api/users/login"

section "loadtest"
rc=0
timeout "$RUN_TIMEOUT" "$XTASK_BIN" loadtest --url "$URL" "${LOAD_ARGS[@]}" \
  --output "$WORK/results.json" --report "$WORK/report.md" >"$WORK/stdout.md" || rc=$?
check "loadtest exits 0" test "$rc" -eq 0
R="$WORK/results.json"
# shellcheck disable=SC2016 # $ops and $op are jq variables.
check "results.json is JSON with the documented fields" jq -e --argjson ops "$EXPECTED_OPS" >/dev/null '
  (.overall | has("requests") and has("errors") and has("error_rate") and has("throughput_rps") and has("statuses"))
  and (.overall.latency_us | has("min") and has("avg") and has("p50") and has("p90") and has("p95") and has("p99") and has("max"))
  and (.scenarios | has("read") and has("write") and has("login"))
  and ([$ops[] as $op | .operations | has($op)] | all)
  and (.ceiling.requests > 0) and (.overall.ratio_to_ceiling != null)
  and (.open_model | has("scheduled") and has("sent") and has("dropped") and has("late"))' "$R"
check "requests were measured" jq -e >/dev/null '.overall.requests > 0 and .scenarios.read.requests > 0' "$R"
check "zero errors overall" jq -e >/dev/null '.overall.errors == 0 and .ceiling.errors == 0 and .unfinished == 0' "$R"
check "zero errors in every scenario" jq -e >/dev/null '[.scenarios[] | .errors] | all(. == 0)' "$R"
check "report.md has the results table" grep -q '^| scenario | requests | req/s | x ceiling |' "$WORK/report.md"
check "report.md has the overall row" grep -q '^| \*\*overall\*\* |' "$WORK/report.md"

section "loadtest against the baseline"
rc=0
timeout "$RUN_TIMEOUT" "$XTASK_BIN" loadtest --url "$URL" "${LOAD_ARGS[@]}" --baseline "$R" \
  --max-p95-regression 1e12 --max-error-rate-increase 100 \
  --output "$WORK/again.json" --report "$WORK/again.md" >/dev/null || rc=$?
check "a run within budget exits 0" test "$rc" -eq 0
check "the comparison is written" jq -e >/dev/null '(.comparison | length) > 0 and (.budget_violations | length) == 0' "$WORK/again.json"
check "report.md has the comparison" grep -q '^## Against the baseline' "$WORK/again.md"

jq '.overall.latency_us.p95 = 1' "$R" >"$WORK/impossible.json"
rc=0
timeout "$RUN_TIMEOUT" "$XTASK_BIN" loadtest --url "$URL" "${LOAD_ARGS[@]}" --baseline "$WORK/impossible.json" \
  --max-p95-regression 0 >/dev/null 2>&1 || rc=$?
check "a p95 regression beyond the budget exits 3" test "$rc" -eq 3

#{% if realworld %} The account operations (a minimal project's reads and writes) on their own.
section "loadtest: account scenario"
rc=0
timeout "$RUN_TIMEOUT" "$XTASK_BIN" loadtest --url "$URL" --rps 40 --duration 2 --warmup 0 --ceiling 0 --users 2 \
  --quiet --scenario account --output "$WORK/account.json" >/dev/null || rc=$?
check "the account scenario exits 0" test "$rc" -eq 0
check "the account scenario (GET and PUT /api/user) has zero errors" jq -e >/dev/null '
  .operations.user.requests > 0 and .operations.bio.requests > 0 and .overall.errors == 0 and .unfinished == 0' \
  "$WORK/account.json"
#{% endif %} On failure, the report and the server's log say why.
if ((FAILED > 0)); then
  log "---- report.md ----"
  cat "$WORK/report.md" >&2 || true
  log "---- server log (last 50 lines) ----"
  tail -n 50 "$WORK/server.log" >&2 || true
fi
stop_server
echo "loadtest-smoke: $PASSED passed, $FAILED failed"
((FAILED == 0)) #@@{% endcapture %}{{ body | replace: "STRATA_", env_prefix | replace: "strata_", snake_prefix | replace: "strata.db", db_file | replace: "strata.toml", config_file | replace: "5432/strata", pg_db_path | replace: "Strata", project_title | replace: "strata", project_kebab | remove: " #@@" }}
