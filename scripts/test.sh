#!/usr/bin/env bash
# Set up and run the whole test suite (unit, property, AppTest, LibreOffice round trips, Chromium e2e).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
export PANTAURB_REQUIRE_BROWSER=1 PANTAURB_REQUIRE_SOFFICE=1
exec ${PYTHON:-python3} -m pytest -q -p no:cacheprovider "$@"
