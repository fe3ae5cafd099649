#!/usr/bin/env bash
# Install what PantauRB needs on a fresh Debian/Ubuntu machine with Python 3.11.
#   scripts/setup.sh          runtime only (dashboard + CLI)
#   scripts/setup.sh --test   also the test tools, Debian's Chromium, LibreOffice Calc and gnumeric (for
#                             browser and round-trip tests); apt packages are installed only when missing and we are root.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [[ "${1:-}" == "--test" ]]; then
  need=()
  command -v chromium >/dev/null || need+=(chromium)
  command -v soffice >/dev/null || need+=(libreoffice-calc-nogui)
  command -v ssconvert >/dev/null || need+=(gnumeric)      # the band-target round trip (tests/test_band_target.py)
  if (( ${#need[@]} )); then
    if [[ $(id -u) -eq 0 ]]; then
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"
    else
      echo "missing: ${need[*]} (install them with apt-get as root)" >&2
      exit 1
    fi
  fi
  $PY -m pip install -q --disable-pip-version-check -r requirements-test.txt
else
  $PY -m pip install -q --disable-pip-version-check -r requirements.txt
fi
