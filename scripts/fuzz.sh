#!/usr/bin/env bash
#{% capture body %}
# Contract fuzzing: schemathesis generates requests from the served OpenAPI
# document and checks every answer against it (all checks: no 5xx, documented
# status codes, content types and headers, response schemas, invalid input
# refused, valid input accepted, auth enforced...).
#
#   - a throwaway PostgreSQL database and Redis (scripts/lib), the debug `api`
#     binary on 127.0.0.1 (rate limits and the report quota off: schemathesis
#     sends thousands of requests from one address);
#   - one registered user whose token is sent as `Authorization: Token ...`;
#   - schemathesis 4.32.5 in a virtualenv (installed on first use), for a
#     bounded time (FUZZ_MAX_TIME seconds, default 100), against loopback only;
#   - every failure must be listed in scripts/fuzz-exceptions.txt (one
#     reviewed line per accepted failure, with the reason), else the stage fails.
#
#   bash scripts/fuzz.sh
#
# Environment: API_BIN uses a prebuilt binary; FUZZ_VENV the virtualenv
# (default: target/fuzz-venv); FUZZ_MAX_TIME, FUZZ_SEED, FUZZ_WORKERS; TEST_DATABASE_URL /
# TEST_REDIS_URL existing servers instead of throwaway ones.
# Ends with "fuzz: N passed, N failed" (N = operations without / with an
# unaccepted failure, plus the setup checks).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
# shellcheck source=scripts/lib/postgres.sh
source "$ROOT/scripts/lib/postgres.sh"
# shellcheck source=scripts/lib/redis.sh
source "$ROOT/scripts/lib/redis.sh"
# shellcheck source=scripts/lib/check.sh
source "$ROOT/scripts/lib/check.sh"

SCHEMATHESIS_VERSION=4.32.5
HEALTH_TIMEOUT=60
MIGRATE_TIMEOUT=120
MAX_TIME=${FUZZ_MAX_TIME:-100}
SEED=${FUZZ_SEED:-$RANDOM}
VENV=${FUZZ_VENV:-${CARGO_TARGET_DIR:-$ROOT/target}/fuzz-venv}
EXCEPTIONS="$ROOT/scripts/fuzz-exceptions.txt"

section "tools"
for tool in curl jq python3; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    if is_root; then apt_install "$tool" ca-certificates; else die "$tool is required"; fi
  fi
done
if [[ "$("$VENV/bin/st" --version 2>/dev/null || true)" != *"$SCHEMATHESIS_VERSION"* ]]; then
  if ! python3 -m venv "$VENV" >/dev/null 2>&1; then
    if is_root; then apt_install python3-venv; else die "python3-venv is required"; fi
    python3 -m venv "$VENV" || die "cannot create a virtualenv in $VENV"
  fi
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION" ||
    die "cannot install schemathesis $SCHEMATHESIS_VERSION"
fi
"$VENV/bin/st" --version
# CPython before 3.11.8 / 3.12.2 shares one AST recursion counter between threads
# (python/cpython#106905): hypothesis parses filter lambdas with `ast` in each generating
# thread, and two workers then crash cases with "AST constructor recursion depth
# mismatch" (an error inside schemathesis, not an answer of the server). One worker on
# such a Python; two on a fixed one.
WORKERS=${FUZZ_WORKERS:-$("$VENV/bin/python" -c 'import sys; v = sys.version_info[:3]; print(1 if (3, 11) <= v[:2] <= (3, 12) and v < ((3, 11, 8) if v[:2] == (3, 11) else (3, 12, 2)) else 2)')}
log "schemathesis workers: $WORKERS (python $("$VENV/bin/python" -c 'import platform; print(platform.python_version())'))"

section "build"
API_BIN=${API_BIN:-$(build strata api)} || die "api build failed"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/strata-fuzz.XXXXXX")
on_exit rm -rf "$WORK"

section "PostgreSQL and Redis"
pg_start || die "could not start PostgreSQL"
DB="strata_fuzz_$$_$RANDOM"
DB_URL=$(pg_create_database "$DB") || die "could not create database"
if [[ "$PG_EXTERNAL" == 1 ]]; then on_exit pg_drop_database "$DB"; fi
redis_start || die "could not start Redis"

# PostgreSQL means production mode: the built-in development JWT secret is refused.
# Schemathesis sends thousands of requests from one address: per-IP rate limits
# (http.rate_limit) and the per-user report quota would answer 429 and fuzz the
# limiter, not the app. Builds without reports ignore the variable.
SERVER_ENV=("DATABASE_URL=$DB_URL" "REDIS_URL=$REDIS_URL_TEST" "STRATA_CACHE__REDIS_PREFIX=fuzz:$$:$RANDOM"
  "STRATA_AUTH__JWT_SECRET=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  "STRATA_HTTP__RATE_LIMIT__ENABLED=false" "STRATA_REPORTS__MAX_PENDING_PER_USER=0")

section "api migrate"
timeout "$MIGRATE_TIMEOUT" env "${SERVER_ENV[@]}" "$API_BIN" migrate >"$WORK/migrate.log" 2>&1 || {
  cat "$WORK/migrate.log" >&2
  die "api migrate failed"
}

SERVER_PID=""
stop_server() {
  [[ -n "$SERVER_PID" ]] || return 0
  kill -TERM "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}
on_exit stop_server

PORT=$(free_port 39180) || die "no free port"
section "api serve on 127.0.0.1:$PORT"
env "${SERVER_ENV[@]}" HOST=127.0.0.1 PORT="$PORT" "$API_BIN" serve >"$WORK/server.log" 2>&1 &
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

check "the OpenAPI document is served" curl -fsS -o "$WORK/openapi.json" --max-time 10 "$URL/api-docs/openapi.json"
TOKEN=$(curl -fsS --max-time 10 -H 'Content-Type: application/json' \
  -d '{"user":{"username":"fuzzer","email":"fuzzer@example.com","password":"fuzzer-password"}}' \
  "$URL/api/users" | jq -r '.user.token // empty') || true
check "a user registers and gets a token" test -n "$TOKEN"

section "schemathesis (${MAX_TIME}s, seed $SEED)"
rc=0
# --url pins every request to this loopback server, whatever the document says. Run in
# $WORK: schemathesis keeps state (.schemathesis/) in the current directory.
(cd "$WORK" && exec timeout $((MAX_TIME + 120)) "$VENV/bin/st" run "$WORK/openapi.json" --url "$URL" \
  --checks all --max-time "$MAX_TIME" --seed "$SEED" --workers "$WORKERS" --request-timeout 10 \
  --header "Authorization: Token $TOKEN" --suppress-health-check all --no-color --generation-database none \
  --report junit --report-junit-path "$WORK/junit.xml") >"$WORK/st.log" 2>&1 || rc=$?
cat "$WORK/st.log"
log "schemathesis exited $rc"
check "schemathesis wrote its report" test -s "$WORK/junit.xml"

# One line per failed (operation, failure code): "METHOD /path ST103". Codes:
# ST101 server error, ST103 undocumented status, ST104/ST105 content type, ST107
# missing header, ST108 response schema, ST201 invalid data accepted, ST202 valid data
# rejected, ST203 missing header accepted, ST204/ST205 unsupported method / Allow,
# ST301/ST302 stateful checks, ST401 auth ignored; "error" when a case crashed.
python3 - "$WORK/junit.xml" >"$WORK/failures.txt" <<'PY'
import sys
import xml.etree.ElementTree as ET

lines = set()
for case in ET.parse(sys.argv[1]).getroot().iter("testcase"):
    for failure in case.iter("failure"):
        for code in (failure.get("message") or "unknown").split(","):
            lines.add(f"{case.get('name')} {code.strip()}")
    for _ in case.iter("error"):
        lines.add(f"{case.get('name')} error")
print("\n".join(sorted(lines)))
PY
ACCEPTED=$(sed 's/[[:space:]]*#.*$//; s/[[:space:]]*$//' "$EXCEPTIONS" | grep -v '^$' || true)
CASES=$(grep -o 'tests="[0-9]*"' "$WORK/junit.xml" | head -n 1 | tr -dc 0-9)
log "operations tested: ${CASES:-0}"
# schemathesis's own count, e.g. "497 generated, 9 found 9 unique failures, 32 skipped".
log "test cases: $(grep -A1 '^Test cases:' "$WORK/st.log" | tail -n 1 | sed 's/^[[:space:]]*//')"
UNACCEPTED=0
while IFS= read -r failure; do
  [[ -n "$failure" ]] || continue
  if grep -qxF -- "$failure" <<<"$ACCEPTED"; then
    log "accepted (scripts/fuzz-exceptions.txt): $failure"
  else
    log "FAILURE: $failure"
    UNACCEPTED=$((UNACCEPTED + 1))
  fi
done <"$WORK/failures.txt"
check "every failure is a reviewed exception" test "$UNACCEPTED" -eq 0
if ((rc != 0)) && [[ ! -s "$WORK/failures.txt" ]]; then
  check "schemathesis ran without errors of its own" false
fi
check "the server survived the run" kill -0 "$SERVER_PID"
if ((FAILED > 0)); then
  log "---- server log (last 50 lines) ----"
  tail -n 50 "$WORK/server.log" >&2 || true
fi
stop_server
echo "fuzz: $PASSED passed, $FAILED failed"
((FAILED == 0)) #@@{% endcapture %}{{ body | replace: "STRATA_", env_prefix | replace: "strata_", snake_prefix | replace: "strata.db", db_file | replace: "strata.toml", config_file | replace: "5432/strata", pg_db_path | replace: "Strata", project_title | replace: "strata", project_kebab | remove: " #@@" }}
