"""End-to-end fixtures: a demo database, a real `streamlit run` server, and Debian's Chromium.

* `e2e_server` (session): builds a small demo database in a temporary folder with
  `python -m loaders demo --agencies 8 --years 2023-2024 --db <tmp>/pantaurb.duckdb`, starts
  `streamlit run dashboard.py` on a free port with PANTAURB_DB pointing at it, waits for
  `/_stcore/health` and stops the server at the end. Its log is kept so a failing test can show the
  server-side traceback (the dashboard is configured to show no error details to users).
* pytest-playwright's `browser` is pointed at /usr/bin/chromium (never `playwright install`).
  When Chromium is missing the tests are skipped, or fail when PANTAURB_REQUIRE_BROWSER=1 or CI is set.
* Waiting is for state, never for time: every Playwright wait and `expect` defaults to WAIT_MS (a ceiling for
  a busy machine, not a pace), and each page counts its finished script runs (`window.__pantaurbRuns`, see
  RUN_COUNTER) so a test can wait for the rerun its own action started (test_browser.wait_rerun).
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import expect

from servers import REPO, WAIT_MS, streamlit_server
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
DEMO_ARGS = ["--agencies", "8", "--years", "2023-2024"]
DEMO_TIMEOUT = 900      # seconds, a ceiling against a hung build; about 12-30 s on the quiet 2-core machine, >240 s
                        # measured with two CPU burners and a full suite beside it
expect.set_options(timeout=WAIT_MS)

# Counts the app's finished script runs: +1 each time stApp's data-test-script-state becomes "notRunning".
# The attribute alone cannot tell "the rerun my click asked for is over" from "it has not started yet".
RUN_COUNTER = """
(() => {
  window.__pantaurbRuns = 0;
  let watched = null, last = null;
  const watch = (_, observer) => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app || app === watched) return;
    watched = app;
    observer.disconnect();       // stApp lives as long as the page
    const step = (state) => {
      if (state === 'notRunning' && last !== 'notRunning') window.__pantaurbRuns += 1;
      last = state;
    };
    step(app.getAttribute('data-test-script-state'));
    // several changes can arrive in one callback: each record's new value is the next one's oldValue
    new MutationObserver((records) => {
      records.forEach((r, i) => step(i + 1 < records.length ? records[i + 1].oldValue
                                                            : app.getAttribute('data-test-script-state')));
    }).observe(app, {attributes: true, attributeOldValue: true, attributeFilter: ['data-test-script-state']});
  };
  new MutationObserver(watch).observe(document, {childList: true, subtree: true});
})();
"""


def _require_chromium() -> str:
    if Path(CHROMIUM).exists():
        return CHROMIUM
    message = f"Chromium not found at {CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)"
    if os.environ.get("PANTAURB_REQUIRE_BROWSER") == "1" or os.environ.get("CI", "").lower() not in ("", "0", "false"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@dataclass
class E2EServer:
    url: str
    db_path: Path
    log_path: Path
    demo_agencies: dict[str, set[tuple[int, int]]] = field(default_factory=dict)  # agency -> {(year, quarter)}

    def log_size(self) -> int:
        return self.log_path.stat().st_size if self.log_path.exists() else 0

    def log_since(self, offset: int) -> str:
        with open(self.log_path, encoding="utf-8", errors="replace") as f:
            f.seek(offset)
            return f.read()


@pytest.fixture(scope="session")
def chromium_path() -> str:
    return _require_chromium()


@pytest.fixture(scope="session")
def e2e_server(chromium_path, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("e2e")
    db = workdir / "pantaurb.duckdb"
    env = {**os.environ, "PANTAURB_DB": str(db), "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
           "PYTHONUNBUFFERED": "1"}
    demo = subprocess.run([sys.executable, "-m", "loaders", "demo", *DEMO_ARGS, "--db", str(db)],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=DEMO_TIMEOUT)
    if demo.returncode != 0 or not db.exists():
        pytest.fail(f"demo database build failed (rc={demo.returncode}):\n{demo.stdout[-3000:]}\n{demo.stderr[-3000:]}",
                    pytrace=False)

    # Which agencies have demo submissions, read before the server opens the file.
    import duckdb
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute("SELECT DISTINCT agency_code, year, quarter FROM v_submissions").fetchall()
    finally:
        con.close()
    agencies: dict[str, set[tuple[int, int]]] = {}
    for code, year, quarter in rows:
        agencies.setdefault(code, set()).add((int(year), int(quarter)))

    with streamlit_server(workdir, env) as (url, log_path):
        yield E2EServer(url=url, db_path=db, log_path=log_path, demo_agencies=agencies)


@pytest.fixture(scope="session")
def app_url(e2e_server) -> str:
    return e2e_server.url


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


# ---- pytest-playwright: use Debian's Chromium, never a downloaded browser
@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, chromium_path):
    return {**browser_type_launch_args, "executable_path": chromium_path, "args": CHROMIUM_ARGS}


@pytest.fixture
def context(context):
    """pytest-playwright's context with the wait ceiling and the script-run counter on every page."""
    context.set_default_timeout(WAIT_MS)
    context.set_default_navigation_timeout(WAIT_MS)
    context.add_init_script(RUN_COUNTER)
    return context


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1400, "height": 900}, "accept_downloads": True,
            "locale": "id-ID"}
