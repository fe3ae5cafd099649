#!/usr/bin/env bash
# Set up and run the whole test suite (unit, property, AppTest, LibreOffice round trips, Chromium e2e).
#   bash scripts/test.sh                         every test, one process (what CI runs)
#   PANTAURB_TEST_WORKERS=2 bash scripts/test.sh every test on 2 pytest-xdist workers (--dist loadgroup: a file's
#                                                tests share a worker, all browser tests one worker)
#   bash scripts/test.sh -m "not slow"           the fast subset (extra arguments go to pytest)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
export PANTAURB_REQUIRE_BROWSER=1 PANTAURB_REQUIRE_SOFFICE=1
parallel=()
if [[ -n "${PANTAURB_TEST_WORKERS:-}" && "${PANTAURB_TEST_WORKERS}" != "0" ]]; then
  parallel=(-n "$PANTAURB_TEST_WORKERS" --dist loadgroup)
fi
exec ${PYTHON:-python3} -m pytest -q -p no:cacheprovider "${parallel[@]}" "$@"
