"""Benchmark the stored assessments (loaders/assessments.py) on a copy of a built database.

    python benchmarks/bench_assessments.py --db /tmp/d/pantaurb.duckdb [--n 5]

Prints a JSON object with medians in milliseconds: the full recompute (what init, a catalogue change and
rebuild pay), the one-agency refresh an accepted upload pays (its whole period, and from its last
quarter on), and the national and final-report queries that read the stored verdicts. Runs on a copy, so
the database itself is never changed. Never used as a timed assertion in tests.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import duckdb  # noqa: E402

from indicators import queries  # noqa: E402
from benchmarks.bench_loaders import median_ms  # noqa: E402
from loaders import assessments  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True)
    ap.add_argument("--n", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "copy.duckdb"
        shutil.copy(args.db, copy)
        con = duckdb.connect(str(copy))
        agency, year, quarter = con.execute(
            "SELECT agency_code, arg_max(year, year * 4 + quarter), arg_max(quarter, year * 4 + quarter) FROM v_submissions "
            "GROUP BY agency_code ORDER BY count(*) DESC LIMIT 1").fetchone()
        counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                  for t in ("agencies", "submissions", "assessments", "national_assessments")}

        def tx(fn):
            def run():
                con.begin()
                fn()
                con.commit()
            return run

        out = {
            "machine": f"{platform.machine()} {platform.python_version()}", **counts,
            "full_refresh_ms": median_ms(tx(lambda: assessments.refresh(con)), args.n),
            "agency_refresh_whole_period_ms": median_ms(tx(lambda: assessments.refresh(con, agency)), args.n),
            "agency_refresh_from_last_quarter_ms": median_ms(
                tx(lambda: assessments.refresh(con, agency, (year, quarter))), args.n),
            "national_assessments_query_ms": median_ms(lambda: queries.national_assessments(con, 2024, 4), args.n),
            "theme_status_matrix_query_ms": median_ms(lambda: queries.theme_status_matrix(con, 2024, 4), args.n),
            "final_indicator_results_query_ms": median_ms(
                lambda: queries.final_indicator_results(con, "2020-2024"), args.n),
        }
        con.close()
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
