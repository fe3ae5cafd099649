"""National-scale benchmark: build the national dataset through the real ingest path, measure ingest and
pages at 1×, 2× and 4× agencies next to a naive baseline, and write a results file.

    python benchmarks/national.py                                   # the committed run (see README)
    python benchmarks/national.py --agencies 12 --years 2024 --scales 1 2 --repeat 1 --work /tmp/x  # smoke

Stages (each cached in --work, so a second run only measures):
  1. generate every workbook once for every reporting agency of the registry (demo generator, ≈30
     action-plan rows; the values are synthetic and labelled);
  2. ingest all quarters but the last into a base database (`api.ingest_file`, one connection);
  3. per scale: copy the base database, multiply agencies by copying (`dataset.scale_copy`), then measure.

Never used for timed assertions in tests (a smoke run is a test; it asserts only that numbers came out).
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks import dataset  # noqa: E402
from loaders import api, store  # noqa: E402
from loaders.auth import Scope  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"


def _median(values: list[float]) -> float:
    return round(statistics.median(values), 4)


def timed(fn, repeat: int, setup=None) -> dict:
    """Median (and all runs) of `fn()` in seconds; `setup()` runs untimed before each run."""
    runs = []
    for _ in range(repeat):
        if setup:
            setup()
        gc.collect()
        t = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t)
    return {"median_s": _median(runs), "runs_s": [round(r, 4) for r in runs], "load": os.getloadavg()[0]}


# ------------------------------------------------------------------ ingest: PantauRB vs naive
def ingest_quarter(db: Path, root: Path, files: list[dict]) -> dict:
    """One `python -m loaders ingest FILE...` call over the quarter's files (a fresh process, like an operator)."""
    paths = [str(root / f["path"]) for f in sorted(files, key=lambda f: f["received_at"])]
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "loaders", "ingest", "--db", str(db), "--format", "json",
                           "--reason", "benchmark", *paths], cwd=ROOT, capture_output=True, text=True)
    elapsed = time.perf_counter() - t
    if proc.returncode not in (0, 1):
        raise RuntimeError(proc.stderr[-2000:])
    outcomes: dict[str, int] = {}
    for d in json.loads(proc.stdout):
        outcomes[d["outcome"]] = outcomes.get(d["outcome"], 0) + 1
    return {"seconds": elapsed, "files": len(paths), "outcomes": outcomes}


NAIVE_SCHEMA = """
CREATE TABLE IF NOT EXISTS naive_values (file VARCHAR, agency VARCHAR, row_no INTEGER, indicator VARCHAR,
    value VARCHAR, target VARCHAR, evidence VARCHAR);
CREATE TABLE IF NOT EXISTS naive_renaksi (file VARCHAR, agency VARCHAR, row_no INTEGER, cells VARCHAR);
"""


def naive_ingest(db: Path, root: Path, files: list[dict]) -> dict:
    """The baseline: pandas `read_excel` (openpyxl engine) + openpyxl for the header, no validation, and one
    INSERT per row, one transaction per file."""
    import duckdb
    import openpyxl
    import pandas as pd
    from loaders.sheets import INDICATOR_SHEET, RENAKSI_SHEET
    t = time.perf_counter()
    con = duckdb.connect(str(db))
    con.execute(NAIVE_SCHEMA)
    rows = 0
    for f in files:
        data = (root / f["path"]).read_bytes()
        wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
        agency = next((str(c.value) for row in wb[INDICATOR_SHEET].iter_rows(max_row=8) for c in row
                       if isinstance(c.value, str) and c.value.strip() == f["agency"]), f["agency"])
        sheets = pd.read_excel(io.BytesIO(data), sheet_name=[INDICATOR_SHEET, RENAKSI_SHEET], header=None,
                               engine="openpyxl", dtype=str)
        con.execute("BEGIN")
        for n, r in enumerate(sheets[INDICATOR_SHEET].itertuples(index=False)):
            cells = [None if pd.isna(x) else str(x) for x in r]
            con.execute("INSERT INTO naive_values VALUES (?, ?, ?, ?, ?, ?, ?)",
                        [f["name"], agency, n, *(cells + [None] * 4)[:4]])
            rows += 1
        for n, r in enumerate(sheets[RENAKSI_SHEET].itertuples(index=False)):
            con.execute("INSERT INTO naive_renaksi VALUES (?, ?, ?, ?)",
                        [f["name"], agency, n, json.dumps([None if pd.isna(x) else str(x) for x in r])])
            rows += 1
        con.execute("COMMIT")
    con.close()
    return {"seconds": time.perf_counter() - t, "files": len(files), "rows": rows}


def ingest_per_file(db: Path, root: Path, files: list[dict]) -> dict:
    """Milliseconds per file for single uploads (`api.ingest_file`, own connection each) into a full database."""
    times = []
    for f in files:
        data = (root / f["path"]).read_bytes()
        t = time.perf_counter()
        api.ingest_file(data, f["name"], scope=Scope.system("benchmark"), db_path=db, reason="benchmark",
                        received_at=datetime.fromisoformat(f["received_at"]))
        times.append(time.perf_counter() - t)
    return {"median_ms": round(statistics.median(times) * 1000, 1), "files": len(times), "load": os.getloadavg()[0]}


# ------------------------------------------------------------------ queries and pages
def _verdicts_as_row_tuples(con, year: int, quarter: int):
    """The verdict read as it was before issue 20 (every column, row tuples, DataFrame.from_records): the
    "before" figure measured in the same run as the column-wise read."""
    import pandas as pd
    from indicators import queries
    rows = con.execute(f"SELECT {', '.join(queries.ASSESSMENT_COLUMNS)} FROM ({queries.AGENCY_ASSESSMENTS})",
                       {"year": year, "quarter": quarter, "theme": None, "indicator": None, "agency": None}).fetchall()
    return pd.DataFrame.from_records(rows, columns=queries.ASSESSMENT_COLUMNS)


def query_times(db: Path, period: tuple[int, int], repeat: int) -> dict:
    from indicators import queries
    year, quarter = period
    out = {}
    with store.session(db, read_only=True) as con:
        for name, fn in {
            "all_agency_assessments_row_tuples": lambda: _verdicts_as_row_tuples(con, year, quarter),
            "all_agency_assessments": lambda: queries.agency_assessments(con, year, quarter),
            "verdicts_national_page": lambda: queries.agency_verdicts(con, year, quarter, queries.ROLLUP_COLUMNS),
            "verdicts_final_report": lambda: queries.agency_verdicts(con, year, quarter),
            "theme_status_matrix": lambda: queries.theme_status_matrix(con, year, quarter),
            "changes_since_previous": lambda: queries.changes_since_previous(con, year, quarter),
        }.items():
            out[name] = timed(fn, repeat)
        out["all_agency_assessments"]["pairs"] = len(queries.agency_assessments(con, year, quarter))
        out["verdicts_national_page"]["columns"] = len(queries.ROLLUP_COLUMNS)
        out["all_agency_assessments"]["columns"] = len(queries.ASSESSMENT_COLUMNS)
    return out


PAGES = {"national": "app_pages/national.py", "final_report": "app_pages/final_report.py",
         "theme": "app_pages/theme.py", "compliance": "app_pages/compliance.py"}


def _bench_admin_session(db: Path) -> dict:
    """An admin account for the page timings (created once, no usable password) and its session."""
    import secrets
    from loaders import auth
    from loaders.audit import utc_now
    with store.writer(db) as con:
        store.migrate(con)
        if auth.current_user(con, "bench-admin") is None:
            auth.add_user(con, auth.Scope.system("benchmark"), username="bench-admin", role="admin",
                          password=secrets.token_urlsafe(24))
    now = utc_now()
    return {"username": "bench-admin", "role": "admin", "agency_code": None, "province_code": None,
            "demo": False, "via": "local", "started_at": now, "last_seen": now}


def page_times(db: Path, repeat: int) -> dict:
    """Each page through AppTest on the database, as an analyst opening it: cold (the session is signed in on
    the landing page, then every cache is cleared and only the page is timed) and warm (its rerun)."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest
    os.environ[store.ENV_DB] = str(db)
    session = _bench_admin_session(db)
    out = {}
    for name, page in PAGES.items():
        def open_landing_then_clear():
            at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=600)
            at.session_state["auth"] = dict(session)   # signed in as an analyst would be
            at.run()                                    # AppTest always starts on the landing page
            assert not at.exception, at.exception
            st.cache_data.clear()
            st.cache_resource.clear()
            run_cold.at = at

        def run_cold():
            run_cold.at.switch_page(page).run()
            assert not run_cold.at.exception, run_cold.at.exception
        cold = timed(run_cold, repeat, setup=open_landing_then_clear)

        def run_warm():
            run_cold.at.run()
            assert not run_cold.at.exception, run_cold.at.exception
        warm = timed(run_warm, repeat)
        out[name] = {"cold": cold, "warm": warm}
    return out


def rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


# ------------------------------------------------------------------ driver
def machine() -> dict:
    mem = ""
    try:
        mem = next(line.split(":")[1].strip() for line in open("/proc/meminfo") if line.startswith("MemTotal"))
    except OSError:
        pass
    return {"node": platform.node(), "cpu_count": os.cpu_count(), "memory": mem,
            "python": platform.python_version(), "platform": platform.platform()}


def run(args) -> dict:
    work = Path(args.work)
    years = _years(args.years)
    agencies = dataset.national_agencies(args.agencies)
    log = (lambda m: print(m, file=sys.stderr, flush=True))
    log(f"[1/3] workbooks for {len(agencies)} agencies, {years[0]}–{years[-1]} → {work / 'files'}")
    root = work / "files"
    files = dataset.generate(root, agencies, years, workers=args.workers, echo=log)
    if args.history_from:
        files = [f for f in files if dataset.file_period(f)[0] >= args.history_from]
    history, quarter_files, period = dataset.split_last_quarter(files)
    base = work / "base" / "pantaurb.duckdb"
    stamp = base.with_suffix(".built.json")
    key = {"agencies": len(agencies), "years": list(years), "history": len(history),
           "history_from": args.history_from}
    if not (base.exists() and stamp.exists() and json.loads(stamp.read_text()) == key):
        log(f"[2/3] ingest {len(history)} history files into {base}")
        t = time.perf_counter()
        outcomes = dataset.build_base(base, root, agencies, history, echo=log)
        stamp.write_text(json.dumps(key))
        log(f"  built in {time.perf_counter() - t:.0f} s: {outcomes}")
    api.init_database(base)   # a cached base follows the current schema, catalogue and verdict rules
    if args.build_only:
        return {"built": str(base)}
    result = {"machine": machine(), "started": datetime.now(timezone.utc).isoformat(timespec="seconds"),
              "parameters": {"agencies": len(agencies), "years": list(years), "measured_quarter": list(period),
                             "history_files": len(history), "quarter_files": len(quarter_files),
                             "history_from": args.history_from,
                             "repeat": args.repeat, "scales": args.scales},
              "scales": {}}
    sample = quarter_files[: args.per_file]
    for scale in args.scales:
        log(f"[3/3] scale {scale}×")
        db = work / f"scale{scale}" / "pantaurb.duckdb"
        res: dict = {}
        dataset.copy_db(base, db)
        res["copied_rows"] = dataset.scale_copy(db, scale)
        with store.session(db, read_only=True) as con:
            res["agencies"] = con.execute("SELECT count(*) FROM agencies WHERE autonomous").fetchone()[0]
            res["submissions"] = con.execute("SELECT count(*) FROM submissions").fetchone()[0]
            res["values"] = con.execute("SELECT count(*) FROM submission_values").fetchone()[0]
        probe = work / f"scale{scale}" / "probe" / "pantaurb.duckdb"
        if sample:
            res["ingest_per_file"] = ingest_per_file(dataset.copy_db(db, probe), root, sample)
        if scale == 1 or args.quarter_every_scale:
            ingest_runs, naive_runs = [], []
            for i in range(args.ingest_repeat):
                target = dataset.copy_db(db, work / f"scale{scale}" / f"ingest{i}" / "pantaurb.duckdb")
                ingest_runs.append(ingest_quarter(target, root, quarter_files))
                if not args.skip_naive:
                    naive_db = work / f"scale{scale}" / f"naive{i}.duckdb"
                    naive_db.unlink(missing_ok=True)
                    naive_runs.append(naive_ingest(naive_db, root, quarter_files))
            res["ingest_quarter"] = {"median_s": _median([r["seconds"] for r in ingest_runs]),
                                     "runs": ingest_runs, "load": os.getloadavg()[0]}
            if naive_runs:
                res["naive_quarter"] = {"median_s": _median([r["seconds"] for r in naive_runs]), "runs": naive_runs,
                                        "load": os.getloadavg()[0]}
                res["pantaurb_vs_naive"] = round(res["naive_quarter"]["median_s"] / res["ingest_quarter"]["median_s"],
                                                 2)
            # the pages read the database after the quarter is in
            db = target
        res["queries"] = query_times(db, period, args.repeat)
        if scale == 1 or args.pages_every_scale:
            res["pages"] = page_times(db, args.repeat)
        if scale == 1 and args.browser:
            from benchmarks import browser
            res["browser"] = browser.run(argparse.Namespace(db=str(db), work=str(work / "browser"),
                                                            repeat=args.repeat))
            browser_out = Path(args.out).with_name("browser") if args.out else None
            if browser_out:
                browser_out.with_suffix(".json").write_text(json.dumps(res["browser"], indent=1))
                browser_out.with_suffix(".md").write_text(browser.markdown(res["browser"]))
        res["peak_rss_mb"] = rss_mb()
        result["scales"][str(scale)] = res
        if args.out:  # after every scale, so a run cut short still leaves what it measured
            write(result, Path(args.out))
    result["finished"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    return result


def _years(text: str) -> tuple[int, ...]:
    a, _, b = text.partition("-")
    return tuple(range(int(a), int(b or a) + 1))


def markdown(result: dict) -> str:
    p = result["parameters"]
    lines = [f"# National benchmark — {result['started']}", "",
             f"Machine: {result['machine']['node']}, {result['machine']['cpu_count']} cores, "
             f"{result['machine']['memory']}, Python {result['machine']['python']}.  ",
             f"Dataset: {p['agencies']} agencies at 1×, {p['years'][0]}–{p['years'][-1]}, history "
             f"{p['history_files']} files, measured quarter {p['measured_quarter'][0]}Q{p['measured_quarter'][1]} "
             f"({p['quarter_files']} files). Medians of {p['repeat']}; `load` is the 1-minute load average.", "",
             "| what | " + " | ".join(f"{s}×" for s in result["scales"]) + " |",
             "|---|" + "---|" * len(result["scales"])]

    def row(label, fn):
        cells = []
        for res in result["scales"].values():
            try:
                cells.append(fn(res))
            except (KeyError, TypeError):
                cells.append("–")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    row("agencies / submissions / values", lambda r: f"{r['agencies']} / {r['submissions']} / {r['values']}")
    row("ingest one quarter, one `ingest` call (s)",
        lambda r: f"{r['ingest_quarter']['median_s']:.1f} (load {r['ingest_quarter']['load']:.1f})")
    row("naive baseline, same files (s)",
        lambda r: f"{r['naive_quarter']['median_s']:.1f} (load {r['naive_quarter']['load']:.1f})")
    row("PantauRB speed-up over naive (×)", lambda r: f"{r['pantaurb_vs_naive']:.2f}")
    row("single upload into the full database (ms/file)",
        lambda r: f"{r['ingest_per_file']['median_ms']:.0f} (load {r['ingest_per_file']['load']:.1f})")
    def q(name):
        return lambda r: f"{r['queries'][name]['median_s']:.3f} (load {r['queries'][name]['load']:.1f})"
    row("all agency × indicator assessments, one quarter, all 37 columns as row tuples — before (s)",
        q("all_agency_assessments_row_tuples"))
    row("the same, all 37 columns column-wise (`.df()`) (s)",
        lambda r: q("all_agency_assessments")(r) + f", {r['queries']['all_agency_assessments']['pairs']} pairs")
    row("the verdicts the national page asks for (6 columns, `.df()`) (s)", q("verdicts_national_page"))
    row("the verdicts the final report asks for (23 columns, `.df()`) (s)", q("verdicts_final_report"))
    row("`theme_status_matrix` (national page, verdicts + roll-ups) (s)", q("theme_status_matrix"))
    row("`changes_since_previous` (s)", q("changes_since_previous"))
    for page in PAGES:
        row(f"{page} page cold / warm (s)",
            lambda r, page=page: f"{r['pages'][page]['cold']['median_s']:.2f} / {r['pages'][page]['warm']['median_s']:.2f}"
                                 f" (load {r['pages'][page]['cold']['load']:.1f} / {r['pages'][page]['warm']['load']:.1f})")
    row("peak RSS of the benchmark process (MB)", lambda r: f"{r['peak_rss_mb']:.0f}")
    return "\n".join(lines) + "\n"


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", default="/tmp/pantaurb-bench", help="cache folder for workbooks and databases")
    ap.add_argument("--agencies", type=int, default=None, help="agencies at 1× (default: national, ≈630)")
    ap.add_argument("--years", default="2023-2024", help="years of history, e.g. 2020-2024 (20 quarters)")
    ap.add_argument("--history-from", type=int, default=None,
                    help="ingest only files from this year on (reuses workbooks generated for more years)")
    ap.add_argument("--scales", type=int, nargs="+", default=[1, 2, 4])
    ap.add_argument("--repeat", type=int, default=3, help="runs per query/page measurement (median)")
    ap.add_argument("--ingest-repeat", type=int, default=1, help="runs of the whole-quarter ingest (each ~1–2 min)")
    ap.add_argument("--per-file", type=int, default=20, help="single uploads timed per scale")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--quarter-every-scale", action="store_true", help="also time the quarter ingest at 2× and 4×")
    ap.add_argument("--pages-every-scale", action="store_true", help="also time the pages at 2× and 4×")
    ap.add_argument("--skip-naive", action="store_true", help="no naive baseline (when only reads are measured)")
    ap.add_argument("--browser", action="store_true",
                    help="also time every page in Chromium at 1× (benchmarks/browser.py; results/browser.md)")
    ap.add_argument("--build-only", action="store_true", help="stop after stages 1 and 2 (cache the dataset)")
    ap.add_argument("--out", default=None, help="write results here (.json and .md); default: print JSON only")
    args = ap.parse_args(argv)
    result = run(args)
    if args.out:
        write(result, Path(args.out))
    print(json.dumps(result, indent=1, default=str))
    return result


def write(result: dict, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.with_suffix(".json").write_text(json.dumps(result, indent=1, default=str))
    out.with_suffix(".md").write_text(markdown(result))


if __name__ == "__main__":
    main()
