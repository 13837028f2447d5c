#!/usr/bin/env bash
#{% capture body %}
# The project's test command (see README): formatting, lints, and the whole
# Rust test suite on both databases.
#
#   bash scripts/test.sh                 # everything
#   bash scripts/test.sh -p domain       # extra args go to `cargo test`
#   SKIP_LINT=1 bash scripts/test.sh     # skip fmt + clippy for quick local loops
#{% if false %} The template check (projects generated from this checkout, tested likewise):
#   SKIP_TEMPLATE=1 bash scripts/test.sh # skip it (it takes longer than everything else)
#{% endif %} Servers:
#   TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres bash scripts/test.sh
#                                        # reuse an existing server (admin URL;
#                                        # tests create/drop their own databases)
#   TEST_REDIS_URL=redis://127.0.0.1:6379 bash scripts/test.sh
#                                        # likewise for Redis (tests use their own
#                                        # key prefixes / databases)
#
# Without TEST_DATABASE_URL / TEST_REDIS_URL a throwaway PostgreSQL cluster and
# Redis server are started on 127.0.0.1 (installing the Debian packages first
# when running as root) and removed again on exit, whatever the outcome.
#
# No pkg-config / -dev packages are needed: the crate set uses rustls (ring)
# and bundled SQLite, which only need the C compiler Rust itself uses.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
# shellcheck source=scripts/lib/postgres.sh
source "$ROOT/scripts/lib/postgres.sh"
# shellcheck source=scripts/lib/redis.sh
source "$ROOT/scripts/lib/redis.sh"

# ring and libsqlite3-sys compile C code; rustup-based images have cc, but
# say so clearly instead of failing deep inside a build script.
if ! command -v cc >/dev/null 2>&1; then
  if is_root; then
    apt_install gcc libc6-dev
  else
    die "no C compiler (cc) found; install gcc (needed by ring and bundled SQLite)"
  fi
fi

# Fail fast on a broken environment (e.g. apt problems) before spending
# minutes in clippy; the cluster itself is started right before cargo test.
if [[ -z "${TEST_DATABASE_URL:-}" ]]; then
  section "PostgreSQL: ensure installed"
  pg_ensure_installed
fi
if [[ -z "${TEST_REDIS_URL:-}" ]]; then
  section "Redis: ensure installed"
  redis_ensure_installed
fi

if [[ "${SKIP_LINT:-0}" == 1 ]]; then
  section "Lints skipped (SKIP_LINT=1)"
else
  # Minimal rustup profiles lack rustfmt/clippy; add them when we can.
  if ! cargo fmt --version >/dev/null 2>&1 || ! cargo clippy --version >/dev/null 2>&1; then
    if command -v rustup >/dev/null 2>&1; then
      section "rustup component add rustfmt clippy"
      rustup component add rustfmt clippy
    else
      die "cargo fmt / cargo clippy not available and no rustup to install them"
    fi
  fi

  section "cargo fmt --check"
  cargo fmt --all -- --check

  section "cargo clippy"
  cargo clippy --workspace --all-targets --locked -- -D warnings
fi

section "PostgreSQL: start"
pg_start # registers its own cleanup; reuses TEST_DATABASE_URL when set
export TEST_DATABASE_URL="$PG_ADMIN_URL"

section "Redis: start"
redis_start # registers its own cleanup; reuses TEST_REDIS_URL when set
export TEST_REDIS_URL="$REDIS_URL_TEST"

section "cargo test"
# Keep a copy of the output to total the per-binary "test result" lines: the last
# of them is a doc-test run with 0 tests, which says nothing about the suite.
TEST_LOG=$(mktemp "${TMPDIR:-/tmp}/strata-test.XXXXXX")
on_exit rm -f "$TEST_LOG"
cargo test --workspace --locked "$@" 2>&1 | tee "$TEST_LOG"
read -r PASSED FAILED < <(awk '/^test result:/ { p += $4; f += $6 } END { print p + 0, f + 0 }' "$TEST_LOG")

section "Deployment files and the runtime contract"
bash "$ROOT/scripts/deploy-check.sh"

#{% if false %} Template only: projects generated from this checkout must build and pass too.
if [[ "${SKIP_TEMPLATE:-0}" == 1 ]]; then
  section "Template check skipped (SKIP_TEMPLATE=1)"
else
  bash "$ROOT/scripts/template-check.sh"
fi
#{% endif %} Totals of the Rust test binaries.
section "All tests passed"
echo "cargo test: ${PASSED} passed, ${FAILED} failed" #@@{% endcapture %}{{ body | replace: "STRATA_", env_prefix | replace: "strata_", snake_prefix | replace: "strata.db", db_file | replace: "strata.toml", config_file | replace: "5432/strata", pg_db_path | replace: "Strata", project_title | replace: "strata", project_kebab | remove: " #@@" }}
