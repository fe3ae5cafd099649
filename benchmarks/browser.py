"""What an analyst feels in the browser: click → settled for every page, in headless Chromium, signed in.

    python benchmarks/browser.py --db /tmp/pantaurb-bench/scale1/ingest0/pantaurb.duckdb --out benchmarks/results/browser

One reader (`streamlit run dashboard.py` on a snapshot of a copy of `--db`, as in benchmarks/readers.py) per
repetition, so every repetition starts with empty caches. In each: the sign-in click (→ the national page,
cold), then a click on every other page in the navigation (cold: the first visit in that server process), then
every page once more (warm). Medians of the repetitions, with the 1-minute load average beside each figure.

"Settled" is a state, never a pause: the server has sent `script_finished` for the run the click started (read
from the WebSocket frames, Streamlit's own protobuf), the app's script state is `notRunning`, no skeleton is
left and every visible chart has drawn. Per click the client side is described too: the bytes and messages
the server sent, the Vega-Lite specs (count, bytes), the tables (count, rows), the elements on the page and the
script runs the click caused; `client_s` is the time from the last message to settled (layout and drawing).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import statistics
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.readers import prepare, rss_mb, start_reader, stop, t_text  # noqa: E402

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
TIMEOUT_MS = 300_000
GOALS = {"cold_s": 2.0, "warm_s": 1.0}   # issue 20: every page ≤ 2 s cold and ≤ 1 s warm at national scale


class Frames:
    """The ForwardMsgs of the page's WebSocket, counted per click."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.messages = self.bytes = self.deltas = self.finished = self.runs = self.specs = self.spec_bytes = 0
        self.tables = self.table_bytes = 0
        self.first = self.last = None
        self.failures: list[str] = []

    def on_frame(self, payload) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
        if isinstance(payload, str):
            return
        now = time.perf_counter()
        self.first = self.first or now
        self.last = now
        self.messages += 1
        self.bytes += len(payload)
        msg = ForwardMsg()
        try:
            msg.ParseFromString(payload)
        except Exception:   # not a ForwardMsg: counted in bytes only
            return
        kind = msg.WhichOneof("type")
        if kind == "delta":
            self.deltas += 1
            if msg.delta.WhichOneof("type") == "new_element":
                el = msg.delta.new_element
                what = el.WhichOneof("type")
                if what == "vega_lite_chart":
                    self.specs += 1
                    self.spec_bytes += el.ByteSize()      # the spec and its Arrow datasets
                elif what in ("dataframe", "table"):
                    self.tables += 1
                    self.table_bytes += el.ByteSize()
                elif what == "exception":
                    self.failures.append(el.exception.message)
        elif kind == "script_finished":
            self.runs += 1        # every script run the click caused (a sign-in reruns once)
            if ForwardMsg.ScriptFinishedStatus.Name(msg.script_finished) == "FINISHED_SUCCESSFULLY":
                self.finished += 1   # the last run is over (an st.rerun ends its run FINISHED_EARLY_FOR_RERUN)


def _settle(page, frames: Frames, runs_before: int) -> None:
    """Wait until the run the click started is over on the server and drawn in the browser."""
    from playwright.sync_api import expect
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while frames.finished <= runs_before:     # the server's script_finished for this click
        if time.monotonic() > deadline:
            raise TimeoutError("no script_finished after the click")
        page.wait_for_timeout(10)             # lets Playwright deliver the frame events; not a pause for time
    expect(page.get_by_test_id("stApp")).to_have_attribute("data-test-script-state", "notRunning",
                                                           timeout=TIMEOUT_MS)
    expect(page.get_by_test_id("stSkeleton")).to_have_count(0, timeout=TIMEOUT_MS)
    expect(page.locator("[data-testid='stStatusWidgetRunningIcon'], [data-testid='stStatusWidgetRunningManIcon'], "
                        "[data-testid='stStatusWidgetNewYearsIcon']")).to_have_count(0, timeout=TIMEOUT_MS)
    charts = page.get_by_test_id("stVegaLiteChart")
    for i in range(charts.count()):   # charts in collapsed expanders are not drawn until opened
        if charts.nth(i).is_visible():
            expect(charts.nth(i).locator("canvas, svg").first).to_be_attached(timeout=TIMEOUT_MS)


def _click(page, frames: Frames, locator) -> dict:
    """Click → settled, with what the client received and built."""
    frames.reset()
    start = time.perf_counter()
    locator.click()
    _settle(page, frames, 0)
    settled = time.perf_counter()
    dom = page.evaluate("""() => ({
        elements: document.querySelectorAll('[data-testid="stElementContainer"]').length,
        nodes: document.getElementsByTagName('*').length,
        charts: document.querySelectorAll('[data-testid="stVegaLiteChart"]').length,
        tables: document.querySelectorAll('[data-testid="stDataFrame"], [data-testid="stTable"]').length})""")
    return {"seconds": round(settled - start, 3),
            "server_s": round((frames.last or settled) - start, 3),
            "client_s": round(settled - (frames.last or settled), 3),
            "runs": frames.runs, "messages": frames.messages, "kb": round(frames.bytes / 1024, 1),
            "deltas": frames.deltas, "vega_specs": frames.specs, "vega_kb": round(frames.spec_bytes / 1024, 1),
            "tables": frames.tables, "table_kb": round(frames.table_bytes / 1024, 1), **dom,
            "errors": frames.failures, "load": round(os.getloadavg()[0], 2)}


def _nav(page, path: str):
    return page.locator(f'[data-testid="stSidebarNavLink"][href$="/{path}"]').first


def one_run(env: dict, work: Path, username: str, password: str, i: int, app_dir: Path = ROOT) -> dict:
    from playwright.sync_api import expect, sync_playwright
    proc, url = start_reader(env, work / f"browser_reader{i}.log", app_dir)
    out: dict = {"cold": {}, "warm": {}}
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
                                         args=CHROMIUM_ARGS)
            page = browser.new_context(viewport={"width": 1440, "height": 900}, locale="id-ID").new_page()
            frames = Frames()
            page.on("websocket", lambda ws: ws.on("framereceived", frames.on_frame))
            t = time.perf_counter()
            page.goto(url, timeout=TIMEOUT_MS)
            user_box = page.get_by_label(t_text("auth_username"), exact=True)
            expect(user_box).to_be_visible(timeout=TIMEOUT_MS)
            out["sign_in_screen_s"] = round(time.perf_counter() - t, 3)
            user_box.fill(username)
            page.get_by_label(t_text("auth_password"), exact=True).fill(password)
            out["cold"]["national"] = _click(page, frames, page.get_by_role("button", name=t_text("auth_submit"),
                                                                             exact=True))
            links = page.get_by_test_id("stSidebarNavLink")
            expect(links.first).to_be_visible(timeout=TIMEOUT_MS)   # signed in: the navigation is drawn
            paths = [links.nth(k).get_attribute("href").rstrip("/").rsplit("/", 1)[-1]
                     for k in range(links.count())]
            paths = [p if p and ":" not in p and p != url.rsplit("/", 1)[-1] else "" for p in paths]
            print(f"  pages: {paths}", file=sys.stderr, flush=True)
            names = {p: (p or "national") for p in paths + [""]}
            order = [p for p in paths if p] + [""]        # every other page, then back to the national page
            for phase in ("cold", "warm"):
                for p in order:
                    if phase == "cold" and p == "":
                        continue                           # its cold visit was the sign-in
                    out[phase][names[p]] = _click(page, frames, _nav(page, p))
                    print(f"  run {i} {phase} {names[p]}: {out[phase][names[p]]['seconds']:.2f} s", file=sys.stderr,
                          flush=True)
            browser.close()
        out["reader_rss_mb"] = rss_mb(proc.pid)
    finally:
        stop([proc])
    return out


def _median(xs):
    return round(statistics.median(xs), 3)


def summarize(runs: list[dict]) -> dict:
    pages: dict = {}
    for phase in ("cold", "warm"):
        for name in runs[0][phase]:
            got = [r[phase][name] for r in runs if name in r[phase]]
            pages.setdefault(name, {})[phase] = {
                "median_s": _median([g["seconds"] for g in got]), "runs_s": [g["seconds"] for g in got],
                "load": [g["load"] for g in got],
                **{k: _median([g[k] for g in got]) for k in ("server_s", "client_s", "runs", "kb", "vega_specs",
                                                            "vega_kb", "tables", "table_kb", "elements", "nodes")},
                "errors": sorted({e for g in got for e in g["errors"]}),
                "meets_goal": _median([g["seconds"] for g in got]) <= GOALS[f"{phase}_s"]}
    return pages


def run(args) -> dict:
    from loaders import auth, snapshot, store
    work = Path(args.work)
    env = prepare(Path(args.db), work)
    password = secrets.token_urlsafe(18)
    with store.writer(work / "pantaurb.duckdb") as con:
        if auth.current_user(con, "bench-browser") is None:
            auth.add_user(con, auth.Scope.system("benchmark"), username="bench-browser", role="analis",
                          password=password)
        else:
            auth.reset_password(con, auth.Scope.system("benchmark"), "bench-browser", password)
        snapshot.committed(work / "pantaurb.duckdb", con)
    result = {"started": datetime.now(timezone.utc).isoformat(timespec="seconds"), "db": str(args.db),
              "app_dir": str(getattr(args, "app_dir", None) or ROOT),
              "repeat": args.repeat, "goals": GOALS, "cpu_count": os.cpu_count(), "load_before": os.getloadavg()[0]}
    runs = []
    for i in range(args.repeat):
        runs.append(one_run(env, work, "bench-browser", password, i, Path(getattr(args, "app_dir", None) or ROOT)))
    result["sign_in_screen"] = {"median_s": _median([r["sign_in_screen_s"] for r in runs]),
                                "runs_s": [r["sign_in_screen_s"] for r in runs]}
    result["pages"] = summarize(runs)
    result["runs"] = runs
    result["finished"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    return result


def markdown(result: dict) -> str:
    lines = [f"# Browser benchmark — {result['started']}", "",
             f"Headless Chromium, signed in as an analyst, one reader on a snapshot of `{result['db']}`; medians of "
             f"{result['repeat']} runs (a fresh reader each), load = 1-minute load average at each click "
             f"(load before the run {result['load_before']:.1f}, {result['cpu_count']} cores). Cold = first visit "
             "in the reader process (national: the sign-in click), warm = the next visit. Goals: "
             f"≤ {GOALS['cold_s']} s cold, ≤ {GOALS['warm_s']} s warm.", "",
             f"Dashboard code: `{result.get('app_dir', '')}`.", "",
             f"Sign-in screen appears in {result['sign_in_screen']['median_s']:.2f} s "
             f"(runs {result['sign_in_screen']['runs_s']}).", "",
             "| page | cold s (load) | warm s (load) | warm server / client s | runs | kB sent | Vega specs (kB) "
             "| tables (kB) | elements | DOM nodes |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for name, p in result["pages"].items():
        c, w = p.get("cold", {}), p.get("warm", {})

        def fig(x):
            if not x:
                return "–"
            return f"{x['median_s']:.2f} ({statistics.median(x['load']):.1f}){'' if x['meets_goal'] else ' ✗'}"
        lines.append(f"| {name} | {fig(c)} | {fig(w)} | {w.get('server_s', 0):.2f} / {w.get('client_s', 0):.2f} "
                     f"| {w.get('runs', 0):.0f} | {w.get('kb', 0):.0f} | {w.get('vega_specs', 0):.0f} "
                     f"({w.get('vega_kb', 0):.0f}) | {w.get('tables', 0):.0f} ({w.get('table_kb', 0):.0f}) "
                     f"| {w.get('elements', 0):.0f} | {w.get('nodes', 0):.0f} |")
    lines += ["", "✗ = goal missed. `server` = click → last message from the server (the script run and sending); "
              "`client` = last message → settled (layout and drawing in Chromium)."]
    return "\n".join(lines) + "\n"


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", required=True, help="a database built by benchmarks/national.py (copied, not changed)")
    ap.add_argument("--work", default="/tmp/pantaurb-browser")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--app-dir", default=None,
                    help="run the dashboard from this folder (e.g. `git archive` of an earlier commit, for a before/after)")
    ap.add_argument("--out", default=None, help="write results here (.json and .md)")
    args = ap.parse_args(argv)
    result = run(args)
    if args.out:
        out = Path(args.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.with_suffix(".json").write_text(json.dumps(result, indent=1))
        out.with_suffix(".md").write_text(markdown(result))
    print(markdown(result))
    return result


if __name__ == "__main__":
    main()
