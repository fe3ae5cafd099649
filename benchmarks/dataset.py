"""The national benchmark dataset: ≈630 agencies (≈80 K/L, 38 provinces, ≈510 kab/kota), built through the
real ingest path (`api.ingest_file`), then scaled to 2× and 4× agencies by copying.

Agencies beyond the shipped registry are SYNTHETIC (codes `KL-SINTETIS-NNN` and `PP.5x`/`PP.6x`, names
ending in "(sintetis)") and stored with `synthetic = TRUE`, like every value the generator writes.
Workbooks come from the demo generator (`loaders.demo._agency_files`) with ≈30 action-plan rows each, are
written once to a cache folder and reused by every later run with the same parameters.
"""

from __future__ import annotations

import json
import os
import shutil
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime
from pathlib import Path

from loaders import api, assessments, reference, store
from loaders.auth import Scope
from loaders.demo import _agency_files
from loaders.isolated import die_with_parent
from loaders.registry import Agency, load_registry

NATIONAL = {"KL": 80, "PROV": 38, "KABKOTA": 510}
RENAKSI_ROWS = 30


def national_agencies(n: int | None = None) -> list[Agency]:
    """The shipped registry topped up with synthetic K/L and kab/kota to national size, interleaved by type so
    that the first n (a smoke run) still mixes types."""
    real = [a for a in load_registry() if a.autonomous]
    kl = [a for a in real if a.agency_type == "KL"]
    prov = [a for a in real if a.agency_type == "PROV"]
    kk = [a for a in real if a.agency_type in ("KAB", "KOTA")]
    for i in range(NATIONAL["KL"] - len(kl)):
        kl.append(Agency(f"KL-SINTETIS-{i + 1:03d}", f"Kementerian/Lembaga {i + 1:03d} (sintetis)", "KL",
                         None, None, None, None, True, "", "synthetic benchmark agency"))
    taken = {a.code for a in kk}
    provinces = [p.code for p in prov]
    i = 0
    while len(kk) < NATIONAL["KABKOTA"]:
        pc = provinces[i % len(provinces)]
        serial = 50 + i // len(provinces)
        code = f"{pc}.{serial:02d}"
        kind = "KOTA" if i % 5 == 0 else "KAB"
        if code not in taken:
            title = "Kota" if kind == "KOTA" else "Kabupaten"
            kk.append(Agency(code, f"{title} {code} (sintetis)", kind, pc, None, None, None, True, "",
                             "synthetic benchmark agency"))
        i += 1
    order: list[Agency] = []
    pools = [prov, kl, kk[: len(kk) // 2], kk[len(kk) // 2:]]
    while any(pools):
        for pool in pools:
            if pool:
                order.append(pool.pop(0))
    return order[:n] if n else order


def synthetic_agencies(agencies: list[Agency]) -> list[Agency]:
    shipped = {a.code for a in load_registry()}
    return [a for a in agencies if a.code not in shipped]


def _job(args):
    agency, years, root = args
    out = []
    for n, f in enumerate(_agency_files((agency, years, RENAKSI_ROWS))):
        name = f"{agency.code}_{n:03d}_{f.name}"
        (root / name).write_bytes(f.data)
        out.append({"agency": agency.code, "path": name, "name": f.name, "received_at": f.received_at.isoformat(),
                    "reason": f.reason})
    return out


def generate(root: Path, agencies: list[Agency], years: tuple[int, ...], workers: int = 2, echo=print) -> list[dict]:
    """Write every workbook once (cached by parameters); returns the manifest in sending order per agency."""
    root.mkdir(parents=True, exist_ok=True)
    manifest = root / "manifest.json"
    key = {"agencies": [a.code for a in agencies], "years": list(years), "renaksi_rows": RENAKSI_ROWS}
    if manifest.exists():
        saved = json.loads(manifest.read_text())
        if saved["key"] == key:
            return saved["files"]
    files: list[dict] = []
    with ProcessPoolExecutor(max_workers=workers, initializer=die_with_parent) as pool:
        for n, part in enumerate(pool.map(_job, [(a, years, root) for a in agencies]), start=1):
            files += part
            if n % 50 == 0 or n == len(agencies):
                echo(f"  generated {n}/{len(agencies)} agencies, {len(files)} files")
    manifest.write_text(json.dumps({"key": key, "files": files}))
    return files


def file_period(f: dict) -> tuple[int, int]:
    """(year, quarter) of a generated workbook, from its name (laporan_<agency>_<year>_TW<q>[_perbaikan])."""
    stem = f["name"].replace("_perbaikan", "").removesuffix(".xlsx")
    year, tw = stem.split("_")[-2:]
    return int(year), int(tw.removeprefix("TW"))


def split_last_quarter(files: list[dict]) -> tuple[list[dict], list[dict], tuple[int, int]]:
    """History (everything received for earlier quarters) and the files of the last quarter."""
    last = max(file_period(f) for f in files)
    return ([f for f in files if file_period(f) != last], [f for f in files if file_period(f) == last], last)


def build_base(db: Path, root: Path, agencies: list[Agency], history: list[dict], echo=print) -> dict:
    """A fresh database with the national registry and the history ingested through `api.ingest_file`."""
    for p in (db, Path(str(db) + ".wal")):
        p.unlink(missing_ok=True)
    shutil.rmtree(db.parent / "archive", ignore_errors=True)
    db.parent.mkdir(parents=True, exist_ok=True)
    api.init_database(db)
    with store.session(db) as con:
        with store.transaction(con):
            reference.upsert_agencies(con, synthetic_agencies(agencies), synthetic=True)
        outcomes: dict[str, int] = {}
        with assessments.deferred(con):   # verdicts once at the end, as the demo does
            _ingest_history(db, root, con, history, outcomes, echo)
        con.execute("CHECKPOINT")
    return outcomes


def _ingest_history(db: Path, root: Path, con, history: list[dict], outcomes: dict, echo) -> None:
    """Each history file as it arrived (its own time and reason), one by one through `api.ingest_file`."""
    for n, f in enumerate(sorted(history, key=lambda f: f["received_at"]), start=1):
        res = api.ingest_file((root / f["path"]).read_bytes(), f["name"], scope=Scope.system(api.DEMO_UPLOADER),
                              db_path=db, received_at=datetime.fromisoformat(f["received_at"]),
                              reason=f["reason"], con=con)
        outcomes[res.outcome] = outcomes.get(res.outcome, 0) + 1
        if n % 500 == 0:
            echo(f"  ingested {n}/{len(history)} history files")


def copy_db(src: Path, dst: Path) -> Path:
    """A copy of a database (and its archive folder, which ingest writes beside it)."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    for p in (dst, Path(str(dst) + ".wal")):
        p.unlink(missing_ok=True)
    shutil.copyfile(src, dst)
    if (src.parent / "archive").exists() and src.parent != dst.parent:
        shutil.rmtree(dst.parent / "archive", ignore_errors=True)
        shutil.copytree(src.parent / "archive", dst.parent / "archive", dirs_exist_ok=True)
    return dst


def scale_copy(db: Path, factor: int) -> dict:
    """Multiply the agencies (all but provinces) and everything they sent by `factor`, in place.

    Every table with an `agency_code`, `submission_id` or `upload_id` column is copied with the codes
    suffixed `-C<k>`, so the copy follows whatever tables the schema has. The copies are synthetic.
    """
    if factor <= 1:
        return {}
    counts: dict[str, int] = {}
    with store.session(db) as con, store.transaction(con):
        tables = [r[0] for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' ORDER BY table_name").fetchall()]
        con.execute("CREATE TEMP TABLE _cloned AS SELECT agency_code FROM agencies "
                    "WHERE agency_type <> 'PROV' AND autonomous")
        for table in tables:
            cols = [r[0] for r in con.execute(
                "SELECT column_name FROM duckdb_columns() WHERE table_name = ? AND schema_name = 'main' "
                "ORDER BY column_index", [table]).fetchall()]
            keyed = [c for c in ("agency_code", "submission_id", "upload_id") if c in cols]
            if not keyed or table.startswith("_"):
                continue
            for k in range(2, factor + 1):
                sfx = f"-C{k}"
                exprs = []
                for c in cols:
                    if c == "agency_code":
                        exprs.append(f"agency_code || '{sfx}'")
                    elif c in ("submission_id", "upload_id") or (c == "source" and table == "targets"):
                        exprs.append(f"CASE WHEN {c} IS NULL THEN NULL ELSE {c} || '{sfx}' END")
                    elif c == "name" and table == "agencies":
                        exprs.append(f"name || ' (salinan sintetis {k})'")
                    elif c == "synthetic":
                        exprs.append("TRUE")
                    else:
                        exprs.append(c)
                if "agency_code" in cols:
                    where = "agency_code IN (SELECT agency_code FROM _cloned)"
                elif "submission_id" in cols:
                    where = ("submission_id IN (SELECT submission_id FROM submissions "
                             "WHERE agency_code IN (SELECT agency_code FROM _cloned))")
                else:
                    where = ("upload_id IN (SELECT upload_id FROM uploads "
                             "WHERE agency_code IN (SELECT agency_code FROM _cloned))")
                n = con.execute(f"INSERT INTO {table} SELECT {', '.join(exprs)} FROM {table} WHERE {where}"
                                ).fetchone()[0]
                counts[table] = counts.get(table, 0) + n
    with store.session(db) as con:
        con.execute("CHECKPOINT")
    return counts


def work_dirs(work: Path) -> dict[str, Path]:
    return {"files": work / "files", "base": work / "base" / "pantaurb.duckdb"}


__all__ = ["national_agencies", "generate", "split_last_quarter", "build_base", "copy_db", "scale_copy"]
