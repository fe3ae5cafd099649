"""Readers that scale out, on loopback: one writer (the CLI), two `streamlit run` readers on snapshots.

Both readers must show a new batch of submissions within seconds of the writer's commit, and neither may
ever show a half state (some files of the batch but not all).
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import datetime
from pathlib import Path

import pytest


pytest.importorskip("playwright")

from test_browser import sign_in_demo  # noqa: E402

AGENCIES = 6        # in the database before the batch
BATCH = 3           # agencies whose latest-quarter reports arrive in one `ingest` call
SEEN_WITHIN = 5     # every page load started this many seconds after the commit shows the batch
REPO = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(env, log_path):
    port = _free_port()
    log = open(log_path, "w", encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.headless", "true",
                             "--server.address", "127.0.0.1", "--server.port", str(port),
                             "--server.fileWatcherType", "none"], cwd=REPO, env=env, stdout=log,
                            stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300      # a ceiling for a busy machine; about 1-3 s when quiet
    while True:
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                if r.read().strip() == b"ok":
                    return proc, url
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"reader did not start: {log_path.read_text()[-2000:]}", pytrace=False)
        time.sleep(0.3)


@pytest.fixture(scope="module")
def deployment(chromium_path, tmp_path_factory):
    from loaders.demo import _agency_files, demo_agencies
    work = tmp_path_factory.mktemp("scaleout")
    db = work / "pantaurb.duckdb"
    env = {**os.environ, "PANTAURB_DB": str(db), "PANTAURB_SNAPSHOTS": "1", "PANTAURB_POLL_SECONDS": "0.5",
           "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
    demo = subprocess.run([sys.executable, "-m", "loaders", "demo", "--agencies", str(AGENCIES), "--years", "2024",
                           "--db", str(db)], cwd=REPO, env=env, capture_output=True, text=True, timeout=900)
    assert demo.returncode == 0, demo.stderr[-2000:]
    batch = []
    for agency in demo_agencies(AGENCIES + 4 * BATCH)[AGENCIES:]:
        q4 = [f for f in _agency_files((agency, (2024,))) if "_TW4" in f.name and not f.reason]
        if q4 and len(batch) < BATCH:
            path = work / f"{agency.code}_{q4[-1].name}"
            path.write_bytes(q4[-1].data)
            batch.append(str(path))
    readers = [_serve(env, work / f"reader{i}.log") for i in (1, 2)]
    yield env, db, batch, [url for _, url in readers]
    for proc, _ in readers:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


def _reported(page, url) -> int:
    page.goto(url + "/?year=2024&quarter=4")
    sign_in_demo(page, "demo-analis")      # every page load is a new session: the demo's sign-in button
    value = page.get_by_test_id("stMetric").filter(has_text="Melapor / wajib lapor").get_by_test_id("stMetricValue")
    value.wait_for(timeout=120_000)
    text = value.inner_text()
    match = re.fullmatch(r"\s*([\d.]+)\s*/\s*([\d.]+)\s*", text)
    assert match, text
    return int(match.group(1).replace(".", ""))


def test_two_readers_see_a_batch_within_seconds_and_never_half(deployment, browser, screenshot_dir):
    env, db, batch, urls = deployment
    assert len(batch) == BATCH
    pages = [browser.new_page(viewport={"width": 1440, "height": 900}) for _ in urls]
    before = [_reported(p, u) for p, u in zip(pages, urls)]
    assert before[0] == before[1]
    writer = subprocess.Popen([sys.executable, "-m", "loaders", "ingest", "--db", str(db), "--format", "json",
                               *batch], cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seen: list[tuple[float, int, int]] = []     # (wall time the page load started, reader, value shown)
    published = accepted = None
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        for i, (p, u) in enumerate(zip(pages, urls)):
            started = time.time()
            seen.append((started, i, _reported(p, u)))
        if published is None and writer.poll() is not None:
            out, err = writer.communicate()
            accepted = sum(r["outcome"] == "accepted" for r in json.loads(out))
            assert accepted == BATCH, err[-2000:]
            pointer = json.loads((db.parent / "snapshots" / "CURRENT").read_text())
            published = datetime.fromisoformat(pointer["published_at"]).timestamp()
        if published is not None and sum(1 for t, _, _ in seen if t > published + SEEN_WITHIN) >= 2:
            break
    assert published is not None, "the writer did not finish"
    values = {v for _, _, v in seen}
    assert values <= {before[0], before[0] + accepted}, f"a reader showed a half state: {sorted(values)}"
    for i in (0, 1):
        late = [v for t, r, v in seen if r == i and t > published + SEEN_WITHIN]
        assert late and set(late) == {before[0] + accepted}, f"reader {i + 1} still showed the old state: {seen}"
        first = min(t for t, r, v in seen if r == i and v == before[0] + accepted)
        print(f"reader {i + 1}: a page load started {first - published:+.1f} s after the commit showed the batch")
    for i, p in enumerate(pages, start=1):
        p.screenshot(path=screenshot_dir / f"scale_out_reader{i}_1440.png", full_page=False)
        p.close()


def test_a_load_test_session_signs_in_on_each_reader_and_walks_the_pages(deployment):
    """What the locust readers' test does (benchmarks/locustfile.py): a WebSocket session of its own signs in
    through the sign-in form, then opens the national, theme and indicator pages; a wrong password stays on
    the form."""
    import secrets
    sys.path.insert(0, str(REPO))
    from benchmarks.streamlit_session import Session, SessionError
    env, db, _, urls = deployment
    password = secrets.token_urlsafe(16)
    add = subprocess.run([sys.executable, "-m", "loaders", "users", "add", "--username", "locust-analis",
                          "--role", "analis", "--password-stdin", "--db", str(db)], cwd=REPO, env=env,
                         input=password + "\n", capture_output=True, text=True, timeout=120)
    assert add.returncode == 0, add.stderr[-2000:]
    for url in urls:
        deadline = time.monotonic() + 60
        while True:   # the reader signs in against the newest snapshot: wait until it has the new account
            with Session(url) as s:
                try:
                    s.sign_in("locust-analis", password)
                except SessionError:
                    if time.monotonic() > deadline:
                        raise
                    continue
                for path in ("", "tema", "indikator"):
                    assert s.open(path)["deltas"] > 0
                break
    with Session(urls[0]) as s, pytest.raises(SessionError, match="still on the sign-in form"):
        s.sign_in("locust-analis", password + "x")
