#!/usr/bin/env bash
# Lint and type-check (settings in pyproject.toml): ruff on the whole tree, mypy on indicators/ and loaders/.
#   bash scripts/lint.sh          check only (exit 1 on any finding)
#   bash scripts/lint.sh --fix    let ruff fix what it safely can, then check
# Not yet part of scripts/test.sh or CI: it is switched on once the tree is clean.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [[ "${1:-}" == "--fix" ]]; then
  $PY -m ruff check --fix .
fi
status=0
$PY -m ruff check . || status=1
$PY -m mypy || status=1
exit $status
