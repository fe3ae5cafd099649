"""Benchmark the upload path: template, read, check, ingest (medians, one run, one machine).

    python benchmarks/bench_loaders.py [--n 30]

Prints a JSON object with medians in milliseconds. Never used as a timed assertion in tests: the CI
machines are shared and noisy, so numbers are reported, compared as ratios in one run, and written
into closing notes with the machine they came from.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from indicators.catalogue import load_catalogue  # noqa: E402
from loaders import api  # noqa: E402
from loaders.auth import Scope  # noqa: E402
from xlsx_helpers import fill_workbook  # noqa: E402
from loaders.workbook import read_workbook  # noqa: E402

BENCH = Scope.system("bench")


def median_ms(fn, n):
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return round(statistics.median(times), 2)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=30)
    n = ap.parse_args().n
    cat = load_catalogue()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.duckdb"
        api.init_database(db)
        codes = [i.code for i in cat.indicators if i.level == "agency" and "KOTA" in i.applies_to
                 and i.value_type == "number"]
        values = {c: 10.0 for c in codes}
        template = api.template_bytes("32.73", 2024, 1, scope=BENCH, db_path=db)
        data = fill_workbook(template, values, values, [], {c: "https://bukti.contoh.invalid/x" for c in codes})
        result = {
            "machine": f"{platform.node()} {platform.machine()} python {platform.python_version()}",
            "n": n,
            "template_ms": median_ms(lambda: api.template_bytes("32.73", 2024, 1, scope=BENCH, db_path=db), n),
            "fill_openpyxl_ms": median_ms(lambda: fill_workbook(template, values, values, [], {}), n),
            "read_workbook_ms": median_ms(lambda: read_workbook(data, "x.xlsx", cat), n),
            "check_file_ms": median_ms(lambda: api.check_file(data, "x.xlsx", scope=BENCH, db_path=db), n),
        }
        start = datetime(2024, 4, 1)
        counter = iter(range(10**6))

        def ingest_new_version():
            i = next(counter)
            d = fill_workbook(template, {c: 10.0 + i for c in codes}, values, [], {})
            api.ingest_file(d, f"x{i}.xlsx", scope=BENCH, db_path=db, received_at=start + timedelta(minutes=i),
                            reason="bench")
        fill = result["fill_openpyxl_ms"]
        result["ingest_ms_excluding_fill"] = round(median_ms(ingest_new_version, n) - fill, 2)
        result["file_bytes"] = len(data)
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
