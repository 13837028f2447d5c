#!/usr/bin/env bash
#
# Template check (the last stage of scripts/test.sh; only in the template, never in a
# generated project): generate projects from this checkout with cargo-generate and test
# each one the way CI tests the template.
#
#   bash scripts/template-check.sh            # every variant below
#   bash scripts/template-check.sh minimal    # one variant by its label
#
# Per variant: generate -> no template leftovers (Liquid markers, hooks, the template's
# own name) -> the project's own test command (fmt, clippy -D warnings, cargo test on
# SQLite, PostgreSQL and Redis) -> its Hurl script against its running binary -> its
# load-test smoke -> the production queue default it was generated with. The third variant only renders the
# last queue choice and checks its binary's queue (its code is the default's).
#
# Environment: TEST_DATABASE_URL / TEST_REDIS_URL reuse servers (scripts/test.sh passes
# its own); REALWORLD_DIR as for scripts/hurl.sh. Generated projects build into
# <target>/template-check (TEMPLATE_TARGET_DIR), seeded from the template's target dir so
# that registry crates are not compiled again; only the workspace crates are rebuilt.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
# shellcheck source=scripts/lib/postgres.sh
source "$ROOT/scripts/lib/postgres.sh"
# shellcheck source=scripts/lib/redis.sh
source "$ROOT/scripts/lib/redis.sh"

CARGO_GENERATE_VERSION=0.23.10 # 0.24+ need a newer rustc than 1.95
REALWORLD_DIR="${REALWORLD_DIR:-$ROOT/../shared/realworld}"
# The conformance suite lives outside the repository (CI has it): without it the generated
# projects' Hurl step is skipped, said once here; every other check runs.
if [[ -f "$REALWORLD_DIR/run-api-tests-hurl.sh" ]]; then
  REALWORLD_DIR=$(cd "$REALWORLD_DIR" && pwd)
else
  [[ "${CI:-}" != true ]] || die "RealWorld suite not found at $REALWORLD_DIR (CI must run every stage)"
  echo "template: RealWorld conformance suite not found at $REALWORLD_DIR: skipping the generated projects' Hurl stage"
  REALWORLD_DIR=""
fi
ROOT_TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"

# label | project name | cargo generate --define flags | expected production queue | depth
# (full: leftovers, its test command, its Hurl run, the queue; quick: leftovers and the
# queue only, for the remaining option value)
VARIANTS=(
  "default|acme-shop||postgres|full"
  "minimal|tiny-api|realworld=false queue=redis|redis|full"
  "sqlite-queue|solo-box|queue=sqlite|sqlite|quick"
)
if [[ $# -gt 0 ]]; then
  wanted=()
  for variant in "${VARIANTS[@]}"; do
    [[ "${variant%%|*}" == "$1" ]] && wanted+=("$variant")
  done
  [[ ${#wanted[@]} -gt 0 ]] || die "unknown variant '$1'"
  VARIANTS=("${wanted[@]}")
fi

cargo_generate_ensure_installed() {
  local cargo_bin="${CARGO_HOME:-${HOME:-/root}/.cargo}/bin"
  if ! cargo generate --version >/dev/null 2>&1 && [[ -x "$cargo_bin/cargo-generate" ]]; then
    export PATH="$cargo_bin:$PATH"
  fi
  if cargo generate --version 2>/dev/null | grep -q "$CARGO_GENERATE_VERSION"; then
    return 0
  fi
  section "Installing cargo-generate $CARGO_GENERATE_VERSION (cargo install)"
  if is_root; then
    apt_install libssl-dev pkg-config
  else
    log "not root: assuming libssl-dev and pkg-config are installed"
  fi
  cargo install cargo-generate --version "$CARGO_GENERATE_VERSION" --locked
  export PATH="$cargo_bin:$PATH"
  cargo generate --version >/dev/null 2>&1 || die "cargo generate still not found after cargo install"
}

# Generated projects have the template's package names and relative paths, and cargo
# derives artifact names from exactly those (not from the absolute path). Built in the
# template's own target dir they would overwrite its crates, and cargo, which judges
# freshness by file times, would then link the template's binaries against a generated
# project's libraries (seen: a test binary of one generated copy reused by the next).
# So generated projects share a target dir of their own, seeded once with a copy of the
# template's: the registry crates, most of the build, are compiled once for all.
GEN_TARGET="${TEMPLATE_TARGET_DIR:-$ROOT_TARGET/template-check}"
if [[ ! -d "$GEN_TARGET/debug" && -d "$ROOT_TARGET/debug" ]]; then
  section "Template: seed $GEN_TARGET from $ROOT_TARGET/debug"
  mkdir -p "$GEN_TARGET/debug"
  tar -C "$ROOT_TARGET/debug" --exclude=./incremental -cf - . | tar -C "$GEN_TARGET/debug" -xf -
fi
export CARGO_TARGET_DIR="$GEN_TARGET"

section "Template: tools and servers"
cargo_generate_ensure_installed
cargo generate --version
pg_start
redis_start
export TEST_DATABASE_URL="$PG_ADMIN_URL" TEST_REDIS_URL="$REDIS_URL_TEST"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/strata-template.XXXXXX")
on_exit rm -rf "$WORK"

# cargo-generate copies the whole folder it is given, target/ included, before it applies
# the ignore list: give it the files a clone would have (tracked + new, not ignored).
section "Template: export the checkout"
mkdir -p "$WORK/template"
if git -C "$ROOT" rev-parse --git-dir >/dev/null 2>&1; then
  git -C "$ROOT" ls-files -z --cached --others --exclude-standard |
    while IFS= read -r -d '' f; do [[ -e "$f" ]] && printf '%s\0' "$f"; done |
    tar --null -cf - -T - | tar -xf - -C "$WORK/template"
else
  tar --exclude=./target --exclude=./data -cf - . | tar -xf - -C "$WORK/template"
fi

PASSED=0
FAILED=0
SUMMARY=()
# check LABEL COMMAND... -- run one step, log its outcome, never stop the script.
check() {
  local label=$1
  shift
  section "template $label"
  if "$@"; then
    PASSED=$((PASSED + 1))
    SUMMARY+=("PASS  $label")
  else
    FAILED=$((FAILED + 1))
    SUMMARY+=("FAIL  $label")
    return 1
  fi
}

generate() {
  local name=$1 defines=$2 args=() d
  for d in $defines; do args+=(--define "$d"); done
  (cd "$WORK" && cargo generate --path "$WORK/template" --name "$name" --silent --vcs none "${args[@]}")
}

# The rendered project must not contain template machinery or the template's name.
no_leftovers() {
  local dir=$1 bad=0 hits
  for path in cargo-generate.toml template scripts/template-check.sh; do
    if [[ -e "$dir/$path" ]]; then
      log "left over: $path"
      bad=1
    fi
  done
  # Liquid tags, Liquid output of our variables, and the whole-file capture markers.
  # Grafana's own `{{label}}` in a panel's legendFormat (e.g. `{{queue}}`, a job queue's
  # label) is not Liquid: the dashboard is copied verbatim.
  hits=$(grep -rInE '\{%|%\}|\{\{ *(nl|project[-_a-z]*|env_prefix|worker_bin|queue[_a-z]*|realworld|body|snake_prefix|db_file|config_file|pg_db_path|crate_name) *(\||\}\})|#@@|capture body' \
    --exclude-dir=target --exclude-dir=.git "$dir" | grep -vE '\.json:[0-9]+: *"legendFormat": ' || true)
  if [[ -n "$hits" ]]; then
    log "Liquid markers left:"
    printf '%s\n' "$hits" | head -n 20
    bad=1
  fi
  hits=$(grep -rIin 'strata' --exclude-dir=target --exclude-dir=.git "$dir" || true)
  if [[ -n "$hits" ]]; then
    log "the template's own name is left:"
    printf '%s\n' "$hits" | head -n 20
    bad=1
  fi
  # Nothing may be left empty-handed by the sentinels: a lone comment opener.
  hits=$(grep -rInE '^\s*(//|#|<!--)\s*$' --include='*.rs' --include='*.toml' "$dir" --exclude-dir=target || true)
  if [[ -n "$hits" ]]; then
    log "empty comment lines left by sentinels:"
    printf '%s\n' "$hits" | head -n 20
    bad=1
  fi
  return "$bad"
}

# The project's own test command, as its README gives it, on our servers.
project_tests() {
  (cd "$1" && bash scripts/test.sh) >"$WORK/$2-test.log" 2>&1 || {
    tail -n 80 "$WORK/$2-test.log"
    return 1
  }
  # Indented, so that CI's totals (lines starting with "cargo test:") count them once.
  grep -E '^cargo test: [0-9]+ passed' "$WORK/$2-test.log" | sed "s/^/  $2 /"
}

project_hurl() {
  if [[ -z "$REALWORLD_DIR" ]]; then
    log "skipped: no RealWorld conformance suite (see above)"
    return 0
  fi
  (cd "$1" && REALWORLD_DIR="$REALWORLD_DIR" bash scripts/hurl.sh sqlite) >"$WORK/$2-hurl.log" 2>&1 || {
    tail -n 60 "$WORK/$2-hurl.log"
    return 1
  }
  grep -E '^hurl: [0-9]+ passed' "$WORK/$2-hurl.log" | sed "s/^/  $2 /"
}

project_smoke() {
  (cd "$1" && bash scripts/loadtest-smoke.sh) >"$WORK/$2-smoke.log" 2>&1 || {
    tail -n 60 "$WORK/$2-smoke.log"
    return 1
  }
  grep -E '^loadtest-smoke: [0-9]+ passed' "$WORK/$2-smoke.log" | sed "s/^/  $2 /"
}

# With a PostgreSQL database and jobs.backend left at its default, the service must use
# the queue chosen at generation: read it from the start-up line of the real binary.
production_queue() {
  local dir=$1 name=$2 expected=$3 prefix db url log pid line=""
  prefix=$(sed -n 's/^pub const ENV_PREFIX: &str = "\(.*\)";$/\1/p' "$dir/application/src/identity.rs")
  [[ -n "$prefix" ]] || {
    log "no ENV_PREFIX in $dir/application/src/identity.rs"
    return 1
  }
  (cd "$dir" && cargo build -q -p api --locked) || return 1
  db="tpl_queue_$$_${RANDOM}"
  url=$(pg_create_database "$db") || return 1
  log="$WORK/$name-queue.log"
  # From the work dir: the sqlite choice creates its queue file under ./data.
  env -C "$WORK" DATABASE_URL="$url" REDIS_URL="$REDIS_URL_TEST" HOST=127.0.0.1 PORT=0 \
    "${prefix}AUTH__JWT_SECRET=template-check-secret-of-at-least-32-characters" \
    "${prefix}JOBS__EMBEDDED_WORKER=false" \
    "$CARGO_TARGET_DIR/debug/$name" serve >"$log" 2>&1 &
  pid=$!
  for _ in $(seq 1 120); do
    line=$(grep -m1 "listening on" "$log" || true)
    [[ -n "$line" ]] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  pg_drop_database "$db" || true
  log "start-up line: ${line:-<none>}"
  if [[ "$line" != *"jobs=$expected "* ]]; then
    log "expected jobs=$expected; server log:"
    tail -n 20 "$log"
    return 1
  fi
}

# The pre-hook refuses names that cannot become a binary, an identifier and a prefix.
bad_name_refused() {
  local out
  if out=$(cd "$WORK" && cargo generate --path "$WORK/template" --name 9lives --silent --vcs none 2>&1); then
    log "a name starting with a digit was accepted"
    return 1
  fi
  grep -q "must start with a letter" <<<"$out" || {
    printf '%s\n' "$out" | tail -n 5
    return 1
  }
}

# Generating from inside a checkout (scripts/new-project.sh, as the README says) twice in a
# row works and leaves the checkout as it was: cargo-generate 0.23 deletes the hook files
# relative to the directory it runs in, which must never be the checkout.
generate_from_checkout_twice() {
  local clone="$WORK/checkout" out="$WORK/from-checkout" status
  rm -rf "$clone" "$out"
  cp -a "$WORK/template" "$clone"
  mkdir -p "$out"
  git -C "$clone" init -q && git -C "$clone" add -A &&
    git -C "$clone" -c user.name=check -c user.email=check@localhost commit -qm export || return 1
  (cd "$clone" && bash scripts/new-project.sh --name first-copy --destination "$out" --silent --vcs none) || return 1
  (cd "$clone" && bash scripts/new-project.sh --name second-copy --destination "$out" --silent --vcs none) || return 1
  [[ -f "$out/first-copy/Cargo.toml" && -f "$out/second-copy/Cargo.toml" ]] || {
    log "a project is missing under $out"
    return 1
  }
  status=$(git -C "$clone" status --porcelain)
  [[ -z "$status" ]] || {
    log "the checkout changed:"
    printf '%s\n' "$status"
    return 1
  }
}

if [[ $# -eq 0 ]]; then
  check "a project name starting with a digit is refused" bad_name_refused || true
  check "generating twice from inside a checkout leaves it unchanged" generate_from_checkout_twice || true
fi

# The minimal rendering must be the full one minus files and lines: render the same name
# and queue with the example and check that every file of the minimal project is in it
# and differs from it only by deleted lines (code hidden in sentinel comments fails).
# Files that still hold minimal-only lines in a Liquid else branch, each with its reason.
# The list may only shrink: any other file that differs by more than deleted lines fails.
declare -A MINIMAL_ONLY_LINES=(
  [./README.md]="the generated README is written per option (template/README.md)"
  [./scripts/hurl.sh]="the minimal project runs only the suite's account files"
  [./xtask/src/load/scenario.rs]="the minimal load mix reads and writes the account"
)
minimal_is_full_minus_lines() {
  local min=$1 name=$2 defines=$3 full="$WORK/full-of-$2" f bad=0 args=() d
  for d in ${defines/realworld=false/realworld=true}; do args+=(--define "$d"); done
  mkdir -p "$full"
  (cd "$full" && cargo generate --path "$WORK/template" --name "$name" --silent --vcs none "${args[@]}") >/dev/null || return 1
  while IFS= read -r -d '' f; do
    if [[ -n "${MINIMAL_ONLY_LINES[$f]:-}" ]]; then
      log "known exception: $f (${MINIMAL_ONLY_LINES[$f]})"
      continue
    fi
    if [[ ! -f "$full/$name/$f" ]]; then
      log "only in the minimal rendering: $f"
      bad=$((bad + 1))
    elif diff "$full/$name/$f" "$min/$f" | grep -q '^>'; then
      log "lines added or changed in the minimal rendering: $f"
      diff "$full/$name/$f" "$min/$f" | grep -E '^[0-9]|^>' | head -n 10 >&2
      bad=$((bad + 1))
    fi
  done < <(cd "$min" && find . -type f -print0)
  log "$bad file(s) of the minimal rendering are not the full one minus lines"
  ((bad == 0))
}

# A project without the example carries none of its text in its docs: the example's chapters
# are docs/realworld/ (removed with it) and the platform's chapters link them only inside
# a realworld block. The words are the example's nouns and the names of its report jobs
# ("report" alone is also the load test's report, so only its job-specific names count).
# What may stay, each with its reason: the conformance suite's folder (../shared/realworld)
# and the RealWorld spec the account API follows (its error shape, its Hurl suite);
# docs/template.md, which records the options a project was generated with (an upgrade
# re-generates with the same `--define realworld=false`).
MINIMAL_DOCS_WORDS='article|comment|favorit|realworld|conduit|/api/reports|report job|reports\.|\[reports\]|report_lines|report-worker'
MINIMAL_DOCS_ALLOWED='shared/realworld|RealWorld (shape|spec|Hurl suite|conformance)'
# Settings the platform's code still defines with the example's names: a minimal project
# has them, so its docs test requires their rows. Remove a name when its setting moves to
# the example's own section (docs/realworld/configuration.md); the list may only shrink.
MINIMAL_DOCS_SETTINGS='cache\.article_ttl_secs|cache\.list_ttl_secs'
minimal_docs_without_example() {
  local dir=$1 hits
  hits=$(grep -rniE "$MINIMAL_DOCS_WORDS" "$dir/docs" "$dir/README.md" --exclude=template.md |
    grep -vE "$MINIMAL_DOCS_ALLOWED" | grep -vE "^$dir/docs/configuration.md:[0-9]+:\| \`($MINIMAL_DOCS_SETTINGS)\` " || true)
  if [[ -n "$hits" ]]; then
    log "the minimal rendering's docs still speak of the example:"
    printf '%s\n' "$hits" | head -n 30
    return 1
  fi
}

for variant in "${VARIANTS[@]}"; do
  IFS='|' read -r label name defines queue depth <<<"$variant"
  dir="$WORK/$name"
  check "$label: generate $name ${defines:-(defaults)}" generate "$name" "$defines" || continue
  check "$label: no template leftovers" no_leftovers "$dir" || true
  if [[ "$defines" == *realworld=false* ]]; then
    check "$label: the full rendering minus files and lines" minimal_is_full_minus_lines "$dir" "$name" "$defines" || true
    check "$label: its docs carry no RealWorld text" minimal_docs_without_example "$dir" || true
  fi
  if [[ "$depth" == full ]]; then
    check "$label: its scripts/test.sh" project_tests "$dir" "$name" || true
    check "$label: its scripts/hurl.sh sqlite" project_hurl "$dir" "$name" || true
    check "$label: its scripts/loadtest-smoke.sh" project_smoke "$dir" "$name" || true
  fi
  check "$label: production queue is $queue" production_queue "$dir" "$name" "$queue" || true
done

section "Template summary"
printf '  %s\n' "${SUMMARY[@]}"
echo "template: ${PASSED} passed, ${FAILED} failed"
((FAILED == 0))
