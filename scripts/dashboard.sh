#!/usr/bin/env bash
# Set up, build the embedded demo database when none exists, and start the dashboard.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
${PYTHON:-python3} -m loaders demo --if-missing
exec ${PYTHON:-python3} -m streamlit run dashboard.py "$@"
