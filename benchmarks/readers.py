"""Readers that scale out, measured: locust against one and two dashboard processes, and the memory of one
dashboard process while 5 sessions open every page.

    python benchmarks/readers.py load   --db /tmp/pantaurb-bench/scale1/ingest0/pantaurb.duckdb --out benchmarks/results/readers
    python benchmarks/readers.py memory --db ... --out benchmarks/results/memory

Each reader is `streamlit run dashboard.py` with PANTAURB_SNAPSHOTS=1 on its own port (the deployment in
README: one writer, N readers, one shared folder). The database is copied first and announced once, so the
readers read a snapshot and the original file is never touched.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.streamlit_session import PAGES, open_page  # noqa: E402
from loaders import snapshot, store  # noqa: E402


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(db: Path, work: Path) -> dict:
    """A copy of `db` in `work`, with its first snapshot published (the writer's job in production)."""
    from loaders import snapshot
    work.mkdir(parents=True, exist_ok=True)
    target = work / "pantaurb.duckdb"
    shutil.copyfile(db, target)
    env = {**os.environ, "PANTAURB_DB": str(target), "PANTAURB_SNAPSHOTS": "1",
           "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
    os.environ["PANTAURB_SNAPSHOTS"] = "1"
    snapshot.committed(target)
    return env


def start_reader(env: dict, log: Path, app_dir: Path = ROOT) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.headless", "true",
                             "--server.address", "127.0.0.1", "--server.port", str(port),
                             "--server.fileWatcherType", "none"], cwd=app_dir, env=env,
                            stdout=open(log, "w"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                if r.read().strip() == b"ok":
                    return proc, url
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError(f"reader did not start, see {log}")


def stop(procs) -> None:
    for p in procs:
        p.terminate()
    for p in procs:
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()


def rss_mb(pid: int) -> dict:
    out = {}
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            key = line.split(":")[0]
            if key in ("VmRSS", "VmHWM"):
                out[key] = round(int(line.split()[1]) / 1024, 1)
    return out


def _bench_accounts(db: Path, n: int) -> tuple[list[str], str]:
    """`n` analyst accounts with one password (each locust user signs in as its own analyst), published."""
    import secrets
    from loaders import auth
    password = secrets.token_urlsafe(18)
    names = [f"bench-reader-{i}" for i in range(1, n + 1)]
    with store.writer(db) as con:
        for name in names:
            if auth.current_user(con, name) is None:
                auth.add_user(con, auth.Scope.system("benchmark"), username=name, role="analis", password=password)
            else:
                auth.reset_password(con, auth.Scope.system("benchmark"), name, password)
        snapshot.committed(db, con)   # readers check sessions on the newest snapshot
    return names, password


def load(args) -> dict:
    """locust against 1 and 2 readers: same users, same duration, same walk (sign in, national, theme,
    indicator); with `--ingest FILE...` the writer stores those files (one `ingest` call) during each run."""
    work = Path(args.work)
    result = {"started": datetime.now(timezone.utc).isoformat(timespec="seconds"), "users": args.users,
              "duration_s": args.seconds, "cpu_count": os.cpu_count(), "walk": "sign in, national, theme, indicator",
              "writer_files": len(args.ingest or []), "runs": {}}
    for n in args.readers:
        for writing in ([False, True] if args.ingest else [False]):
            label = f"{n}{'+writer' if writing else ''}"
            run_dir = work / label
            env = prepare(Path(args.db), run_dir)    # a fresh copy each run: the writer's files are new each time
            names, password = _bench_accounts(run_dir / "pantaurb.duckdb", args.users)
            readers = [start_reader(env, run_dir / f"reader{i}.log") for i in range(n)]
            writer = None
            try:
                for _, url in readers:      # first visit imports modules and warms the snapshot connection
                    open_page(url, "")
                csv_prefix = run_dir / "locust"
                load_before = os.getloadavg()[0]
                if writing:
                    writer = subprocess.Popen([sys.executable, "-m", "loaders", "ingest", "--db",
                                               str(run_dir / "pantaurb.duckdb"), "--format", "json",
                                               "--reason", "benchmark", *args.ingest], cwd=ROOT, env=env,
                                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                started = time.monotonic()
                subprocess.run([sys.executable, "-m", "locust", "-f", str(ROOT / "benchmarks" / "locustfile.py"),
                                "--headless", "-u", str(args.users), "-r", str(args.users), "-t", f"{args.seconds}s",
                                "--csv", str(csv_prefix), "--only-summary"], cwd=ROOT, check=False,
                               env={**env, "PANTAURB_READERS": ",".join(u for _, u in readers),
                                    "PANTAURB_BENCH_USERS": ",".join(names), "PANTAURB_BENCH_PASSWORD": password},
                               capture_output=True, text=True)
                elapsed = time.monotonic() - started
                rows = list(csv.DictReader(open(f"{csv_prefix}_stats.csv")))
                sess = next(r for r in rows if r["Type"] == "session")
                failures = list(csv.DictReader(open(f"{csv_prefix}_failures.csv")))
                run = {
                    "readers": n, "writer_ingesting": writing,
                    "sessions": int(sess["Request Count"]), "failures": int(sess["Failure Count"]),
                    "sessions_per_s": round(float(sess["Requests/s"]), 3),
                    "ok_sessions_per_s": round((int(sess["Request Count"]) - int(sess["Failure Count"]))
                                               / args.seconds, 3),
                    "median_ms": float(sess["50%"]),
                    "p95_ms": float(sess["95%"]), "load_before": load_before, "load_after": os.getloadavg()[0],
                    "steps": {f"{r['Type']}:{r['Name']}": {"n": int(r["Request Count"]),
                                                           "failures": int(r["Failure Count"]),
                                                           "median_ms": float(r["50%"]), "p95_ms": float(r["95%"])}
                              for r in rows if r["Name"] != "Aggregated"},
                    "failure_messages": [f"{r['Name']}: {r['Error'][:300]} ×{r['Occurrences']}" for r in failures],
                    "reader_rss_mb": [rss_mb(p.pid) for p, _ in readers], "measured_s": round(elapsed, 1)}
                if writer is not None:
                    done = writer.poll() is not None
                    run["writer"] = {"finished_during_run": done}
                    out, _ = writer.communicate()
                    outcomes: dict = {}
                    for d in json.loads(out or "[]"):
                        outcomes[d["outcome"]] = outcomes.get(d["outcome"], 0) + 1
                    run["writer"]["outcomes"] = outcomes
                    run["writer"]["seconds_after_start"] = round(time.monotonic() - started, 1)
                result["runs"][label] = run
                print(f"  {label}: {run['sessions_per_s']} sessions/s, p95 {run['p95_ms']} ms, "
                      f"{run['failures']} failures, load {load_before:.1f}", file=sys.stderr, flush=True)
            finally:
                if writer is not None and writer.poll() is None:
                    writer.kill()
                stop([p for p, _ in readers])
    return result


def memory(args) -> dict:
    """One reader; `--sessions` signed-in analysts (headless Chromium, one browser context each) open every page
    in turn through the navigation, all sessions staying open; the reader's RSS after each page and its peak."""
    import secrets
    from playwright.sync_api import expect, sync_playwright
    from loaders import auth
    work = Path(args.work)
    env = prepare(Path(args.db), work)
    password = secrets.token_urlsafe(18)
    with store.writer(work / "pantaurb.duckdb") as con:
        auth.add_user(con, auth.Scope.system("benchmark"), username="bench-analis", role="analis", password=password)
        snapshot.committed(work / "pantaurb.duckdb", con)   # readers check sessions on the newest snapshot
    proc, url = start_reader(env, work / "memory_reader.log")
    out = {"started": datetime.now(timezone.utc).isoformat(timespec="seconds"), "sessions": args.sessions,
           "after_page": {}, "errors": []}
    try:
        out["idle"] = rss_mb(proc.pid)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
                                         args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
            tabs = [browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
                    for _ in range(args.sessions)]

            def settled(tab):
                tab.wait_for_timeout(300)   # the rerun a click starts
                expect(tab.get_by_test_id("stApp")).to_have_attribute("data-test-script-state", "notRunning",
                                                                       timeout=300_000)
            for tab in tabs:   # a signed-in analyst each, as in production (pages need a sign-in)
                tab.goto(url, timeout=120_000)
                tab.get_by_label(t_text("auth_username"), exact=True).fill("bench-analis")
                tab.get_by_label(t_text("auth_password"), exact=True).fill(password)
                tab.get_by_role("button", name=t_text("auth_submit"), exact=True).click()
                settled(tab)
            for name, path in PAGES.items():
                if not tabs[0].locator(f'[data-testid="stSidebarNavLink"][href$="/{path}"]').count():
                    out["after_page"][name] = "not offered to an analyst"   # e.g. the upload page
                    continue
                for tab in tabs:
                    try:
                        tab.locator(f'[data-testid="stSidebarNavLink"][href$="/{path}"]').first.click()
                        settled(tab)
                    except Exception as exc:   # recorded, the measurement goes on
                        out["errors"].append(f"{name}: {exc}")
                out["after_page"][name] = rss_mb(proc.pid)
                print(f"  {name}: {out['after_page'][name]}", file=sys.stderr, flush=True)
            browser.close()
        out["peak_mb"] = rss_mb(proc.pid)["VmHWM"]
    finally:
        stop([proc])
    return out


def t_text(key: str) -> str:
    """A UI string in Indonesian (the reader's default language)."""
    from ui.strings_auth import STRINGS_AUTH
    return STRINGS_AUTH[key]["id"]

def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("mode", choices=["load", "memory"])
    ap.add_argument("--db", required=True, help="a database built by benchmarks/national.py (copied, not changed)")
    ap.add_argument("--work", default="/tmp/pantaurb-readers")
    ap.add_argument("--readers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--users", type=int, default=10)
    ap.add_argument("--seconds", type=int, default=60)
    ap.add_argument("--sessions", type=int, default=5)
    ap.add_argument("--ingest", nargs="*", default=None,
                    help="load mode: workbooks the writer ingests (one call) during an extra run per reader count")
    ap.add_argument("--out", default=None)
    args = ap.parse_args(argv)
    result = load(args) if args.mode == "load" else memory(args)
    print(json.dumps(result, indent=1))
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).with_suffix(".json").write_text(json.dumps(result, indent=1))
    return result


if __name__ == "__main__":
    main()
