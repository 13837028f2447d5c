#!/usr/bin/env bash
#
# Generate a project from this checkout (template only; never copied into a project):
#
#   bash scripts/new-project.sh --name my-service [--define realworld=false] [--silent] ...
#
# Arguments go to `cargo generate`; `--path` is this checkout and, unless given,
# `--destination` is the folder that holds it (the project never lands inside the template,
# whose workspace Cargo.toml would then claim it).
#
# Why a script instead of `cargo generate --path .`: cargo-generate 0.23 deletes the hook
# scripts (template/pre.rhai, template/post.rhai) by their relative paths in the directory
# it is run from. Run inside a checkout, that deletes the checkout's own hooks and the next
# generation fails with "Cannot open script file". This script runs it from an empty
# temporary directory, so nothing of the checkout is touched. (Already bitten? `git
# checkout -- template` restores the hooks.)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
args=("$@")
has_destination=0
for a in "${args[@]}"; do
  [[ "$a" == --destination || "$a" == --destination=* ]] && has_destination=1
done
if ((has_destination == 0)); then
  args+=(--destination "$(dirname "$ROOT")")
fi
# Relative destinations mean relative to where the caller stands.
for i in "${!args[@]}"; do
  if [[ "${args[$i]}" == --destination && $((i + 1)) -lt ${#args[@]} ]]; then
    args[i + 1]=$(cd "${args[$((i + 1))]}" && pwd)
  fi
done

scratch=$(mktemp -d "${TMPDIR:-/tmp}/new-project.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
cd "$scratch"
cargo generate --path "$ROOT" "${args[@]}"
