# shellcheck shell=bash
#
# The check counter and the build step shared by the test scripts (scripts/fuzz.sh,
# scripts/loadtest-smoke.sh, scripts/fault-check.sh). Source after scripts/lib/postgres.sh
# (for log), with ROOT set to the repository.
#
#   check NAME CMD...      runs CMD; counts it in PASSED or FAILED and logs
#                          "ok: NAME" or "FAILED: NAME"
#   build BIN PACKAGE      builds PACKAGE (debug, --locked) and prints the path of its
#                          binary BIN
#
# Each script ends with its own "<stage>: $PASSED passed, $FAILED failed" line, which
# .ci/run sums.

PASSED=0
FAILED=0
check() {
  local name=$1
  shift
  if "$@"; then
    PASSED=$((PASSED + 1))
    log "ok: $name"
  else
    FAILED=$((FAILED + 1))
    log "FAILED: $name"
  fi
}

# build BIN_NAME PACKAGE -- build once, print the binary's path.
build() {
  local out bin
  out=$(cargo build -p "$2" --locked --message-format=json-render-diagnostics) || return 1
  bin=$(printf '%s\n' "$out" | sed -n "s/.*\"executable\":\"\([^\"]*\/$1\)\".*/\1/p" | tail -n 1)
  [[ -x "$bin" ]] || bin="${CARGO_TARGET_DIR:-$ROOT/target}/debug/$1"
  [[ -x "$bin" ]] || return 1
  printf '%s\n' "$bin"
}
