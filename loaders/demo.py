"""The embedded demo: filled quarterly workbooks for a sample of the real registry's agencies (`DEMO_SAMPLE`),
2020–2024, ingested through the same path as real uploads (`api.ingest_file`). Every other agency of the
registry is in the database too and counts as expected but not received.

National series in the demo are the real published figures from the catalogue (loaded by `init`).
Agency-level values are SYNTHETIC: generated here from a seeded random model, uploaded by
`api.DEMO_UPLOADER`, and flagged `synthetic` everywhere they are stored and shown.
"""

from __future__ import annotations

import io
import math
import os
import random
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Callable

from indicators.catalogue import Indicator, load_catalogue
from indicators.periods import previous_quarter
from loaders import api, assessments, snapshot, store
from loaders.auth import Scope, create_demo_accounts
from loaders.isolated import die_with_parent
from loaders.registry import Agency, load_registry

SEED = 20240101
RENAKSI_IDEAS = {
    "kemiskinan": [("Verifikasi dan validasi data P3KE/DTKS", "Data keluarga miskin terverifikasi", "KK"),
                   ("Penyaluran bansos tepat sasaran", "Penerima bansos sesuai data terpadu", "%")],
    "investasi": [("Percepatan perizinan berusaha OSS-RBA", "Izin terbit tepat waktu", "izin"),
                  ("Promosi peluang investasi daerah", "Proyek ditawarkan kepada investor", "proyek")],
    "digitalisasi": [("Penerapan SRIKANDI di seluruh perangkat daerah", "Perangkat daerah memakai SRIKANDI", "OPD"),
                     ("Integrasi data stunting by name by address", "Balita terdata dalam aplikasi", "balita")],
    "pdn": [("Belanja produk dalam negeri melalui e-Katalog", "Paket e-Katalog produk lokal", "paket")],
    "inflasi": [("Gerakan pangan murah", "Kegiatan operasi pasar", "kegiatan"),
                ("Pemantauan harga pangan mingguan", "Laporan pemantauan harga", "laporan")],
}


@dataclass
class Series:
    base: float
    growth: float        # per year, in the indicator's good or bad direction
    noise: float


def _scale(ind: Indicator) -> tuple[float, float]:
    lo = ind.min_value if ind.min_value is not None else 0.0
    hi = ind.max_value if ind.max_value is not None else None
    unit = (ind.unit or "").lower()
    if hi is None or hi > 1e6:
        hi = 2000.0 if "rp" in unit else 100.0
    return lo, hi


def _model(rng: random.Random, ind: Indicator) -> Series:
    lo, hi = _scale(ind)
    span = hi - lo
    if ind.direction == "band":
        return Series(base=rng.uniform(2.0, 4.5), growth=-rng.uniform(0.0, 0.3), noise=0.6)
    if "miskin" in ind.name.lower():
        base = rng.uniform(4.0, 18.0) if "ekstrem" not in ind.name.lower() else rng.uniform(0.5, 4.0)
        good = rng.random() < 0.8
        return Series(base, -rng.uniform(0.02, 0.08) if good else rng.uniform(0.0, 0.03), 0.02)
    if (ind.unit or "").lower().startswith("rp"):
        return Series(rng.uniform(0.05, 0.3) * span, rng.uniform(-0.05, 0.2), 0.05)
    base = lo + span * rng.uniform(0.35, 0.7)
    good = rng.random() < 0.75
    sign = 1 if ind.direction == "higher_better" else -1
    rate = rng.uniform(0.01, 0.06) * (1 if good else -0.5)
    return Series(base, sign * rate, 0.01)


def _value(ind: Indicator, s: Series, rng: random.Random, year: int, quarter: int) -> float:
    lo, hi = _scale(ind)
    t = (year - 2020) + quarter / 4
    if ind.direction == "band":
        v = s.base + s.growth * t + rng.gauss(0, s.noise)
    else:
        v = s.base * math.exp(s.growth * t) * (1 + rng.gauss(0, s.noise))
    if ind.measurement == "cumulative":
        v = v * quarter / 4
    v = min(max(v, lo), hi)
    return round(v, ind.decimals if ind.decimals is not None else 2)


def _target(ind: Indicator, s: Series, year: int) -> float:
    lo, hi = _scale(ind)
    if ind.direction == "band":
        return 3.0
    t = (year - 2020) + 1
    projected = s.base * math.exp(abs(s.growth) * t * (1 if ind.direction == "higher_better" else -1))
    ambition = 1.03 if ind.direction == "higher_better" else 0.97
    return round(min(max(projected * ambition, lo), hi), ind.decimals if ind.decimals is not None else 2)


# The agencies the demo reports for: real codes of the shipped registry. All 38 provinces, K/L from before and
# after the October 2024 reorganisation (lineage both ways), and kab/kota across the country.
DEMO_SAMPLE = (
    "11", "12", "13", "14", "15", "16", "17", "18", "19", "21", "31", "32", "33", "34", "35", "36", "51", "52", "53",
    "61", "62", "63", "64", "65", "71", "72", "73", "74", "75", "76", "81", "82", "91", "92", "93", "94", "95", "96",
    "KL-PANRB", "KL-KEMENKEU", "KL-KEMENDAGRI", "KL-BAPPENAS", "KL-BPS", "KL-KEMENSOS", "KL-BKPM", "KL-KEMENPERIN",
    "KL-LKPP", "KL-KEMENKES", "KL-KOMINFO", "KL-ANRI", "KL-BKN", "KL-LAN", "KL-KEMENKUMHAM", "KL-KEMENKOPUKM",
    "KL-KEMENDAG", "KL-KEMENTAN", "KL-BPKP", "KL-KPK", "KL-KEMENKUM", "KL-KEMENHAM", "KL-KEMENIMIPAS", "KL-KOMDIGI",
    "KL-KEMENKOP", "KL-KEMENUMKM", "KL-KEMENINVESTASI-HILIRISASI",
    "12.71", "32.04", "32.71", "32.73", "33.74", "34.04", "34.71", "35.73", "35.78", "51.71", "61.71", "73.71",
    "91.71",
)


def demo_agencies(n: int | None = None) -> list[Agency]:
    """The `DEMO_SAMPLE` agencies of the shipped registry (autonomous only), interleaved by type so a small n
    still mixes types; within a type in `DEMO_SAMPLE` order."""
    rank = {code: i for i, code in enumerate(DEMO_SAMPLE)}
    by_type: dict[str, list[Agency]] = {}
    for a in sorted((a for a in load_registry() if a.code in rank), key=lambda a: rank[a.code]):
        if a.autonomous:
            by_type.setdefault(a.agency_type, []).append(a)
    order = []
    pools = [by_type.get(t, []) for t in ("PROV", "KL", "KOTA", "KAB")]
    while any(pools):
        for pool in pools:
            if pool:
                order.append(pool.pop(0))
    return order[:n] if n else order


DEMO_SCOPE = Scope.system(api.DEMO_UPLOADER)


@dataclass
class DemoFile:
    name: str
    data: bytes
    received_at: datetime
    reason: str | None = None


def build_demo(db_path: Path, *, years=range(2020, 2025), n_agencies: int | None = None,
               echo: Callable[[str], None] = print, workers: int | None = None) -> dict:
    """Generate and ingest the demo. Deterministic for a given seed, set of agencies and years.

    Workbooks are generated in worker processes (one agency per task, pure: no database), then ingested
    one by one in this process through `api.ingest_file`, exactly like uploads.
    """
    api.init_database(db_path)
    agencies = demo_agencies(n_agencies)
    stats = {"files": 0, "accepted": 0, "rejected": 0, "duplicate": 0, "revisions": 0}
    workers = workers or min(2, os.cpu_count() or 1)
    jobs = [(a, tuple(years)) for a in agencies]
    with ProcessPoolExecutor(max_workers=workers, initializer=die_with_parent) as pool, \
            store.writer(db_path) as con, \
            assessments.deferred(con):  # one full recompute of the verdicts at the end
        for n, (agency, files) in enumerate(zip(agencies, pool.map(_agency_files, jobs)), start=1):
            for f in files:
                res = api.ingest_file(f.data, f.name, scope=DEMO_SCOPE, db_path=db_path,
                                      received_at=f.received_at, reason=f.reason, con=con)
                stats["files"] += 1
                stats[res.outcome] += 1
                stats["revisions"] += bool(f.reason) and res.outcome == "accepted"
            echo(f"[{n}/{len(agencies)}] {agency.code} {agency.name}: {len(files)} berkas / files")
        with store.transaction(con):
            stats["accounts"] = create_demo_accounts(con, [(a.code, a.province_code) for a in agencies])
    snapshot.committed(db_path)   # one new data version for the whole demo, verdicts included
    stats["agencies"] = len(agencies)
    return stats


def _agency_files(job: tuple) -> list[DemoFile]:
    """Every workbook one agency sends over the years, in the order it sends them.

    `job` is (agency, years) or (agency, years, n_plans): n_plans asks for that many action-plan rows
    per workbook (the benchmark's national scale uses about 30); by default 3 to 5.
    """
    from loaders.template import write_template
    agency, years, n_plans = (*job, None) if len(job) == 2 else job
    rng = random.Random(f"{SEED}:{agency.code}")
    cat = load_catalogue()
    calendar = store.load_calendar_config()
    tematik = {t.code: t.name for t in cat.themes if t.kind == "tematik" and t.code in RENAKSI_IDEAS}
    inds = [i for i in cat.indicators if i.level == "agency" and agency.agency_type in i.applies_to
            and i.value_type == "number"]
    models = {i.code: _model(rng, i) for i in inds}
    categorical = [i for i in cat.indicators if i.level == "agency" and agency.agency_type in i.applies_to
                   and i.value_type == "category"]
    diligence = rng.random()          # how reliably this agency reports on time
    plans = [(theme, *idea) for theme in tematik for idea in RENAKSI_IDEAS[theme]]
    if n_plans is None:
        plans = rng.sample(plans, k=min(len(plans), rng.randint(3, 5)))
    else:  # more rows than ideas: numbered work packages of the same ideas
        plans = [(theme, f"{action} (paket {n // len(plans) + 1})" if n >= len(plans) else action, output, unit)
                 for n, (theme, action, output, unit) in
                 ((n, plans[n % len(plans)]) for n in range(n_plans))]
    files: list[DemoFile] = []
    in_force: dict[tuple[int, int], tuple[dict, dict]] = {}      # (year, quarter) -> (values, urls)

    def workbook(year, quarter, values, targets, renaksi, urls) -> bytes:
        py, pq = previous_quarter(year, quarter)
        prev_values, prev_urls = in_force.get((py, pq), ({}, {}))
        prefill = _prefill(values, targets, renaksi, {**prev_urls, **urls})
        prefill.previous = dict(prev_values)
        out = io.BytesIO()
        write_template(out, agency=agency, year=year, quarter=quarter, catalogue=cat, prefill=prefill)
        return out.getvalue()

    for year in years:
        plan_targets = {p: [rng.choice([10, 20, 25, 30]) for _ in range(4)] for p in plans}
        plan_budget = {p: rng.randint(5, 50) * 10_000_000 for p in plans}
        spent = {p: 0.0 for p in plans}
        done = {p: 0 for p in plans}
        for quarter in (1, 2, 3, 4):
            start, end = _quarter_start(year, quarter), store.quarter_end(year, quarter)
            if (agency.valid_from and agency.valid_from > end) or (agency.valid_to and agency.valid_to < start):
                continue
            if rng.random() > 0.55 + 0.45 * diligence:     # not received this quarter
                continue
            deadline = store.deadline(year, quarter, calendar)
            late_days = rng.randint(1, 40) if rng.random() > 0.4 + 0.6 * diligence else -rng.randint(0, 14)
            received = datetime.combine(deadline, datetime.min.time()) + timedelta(days=late_days,
                                                                                   hours=rng.randint(8, 16))
            values = {i.code: _value(i, models[i.code], rng, year, quarter) for i in inds}
            targets = {i.code: _target(i, models[i.code], year) for i in inds}
            urls = {c: f"https://bukti.contoh.invalid/{agency.code}/{year}q{quarter}/{c}"
                    for c in values if rng.random() < 0.9}
            for cat_ind in categorical:
                values[cat_ind.code] = rng.choices(("WTP", "WDP", "TW"), weights=(85, 12, 3))[0]
                urls[cat_ind.code] = f"https://bukti.contoh.invalid/{agency.code}/{year}/{cat_ind.code}"
            renaksi = []
            for p in plans:
                theme, action, output, unit = p
                tq = plan_targets[p]
                real = round(tq[quarter - 1] * rng.uniform(0.4, 1.25))
                spent[p] = min(plan_budget[p], spent[p] + plan_budget[p] * rng.uniform(0.1, 0.35))
                done[p] += real
                behind = done[p] < 0.9 * sum(tq[:quarter])
                renaksi.append({"theme": tematik[theme], "action_plan": action, "output_indicator": output,
                                "unit": unit, "target_tw1": tq[0], "target_tw2": tq[1], "target_tw3": tq[2],
                                "target_tw4": tq[3], "realisation": real, "budget": plan_budget[p],
                                "budget_realisation": round(spent[p]),
                                "intervention_focus": "Proses Bisnis dan SOP", "coordinator": "Bappeda",
                                "implementer": "Perangkat daerah terkait",
                                "obstacles": "Data belum padan antarperangkat daerah" if behind else "",
                                "follow_up": "Rapat koordinasi pemadanan data" if behind else ""})
            name = f"laporan_{agency.code}_{year}_TW{quarter}.xlsx"
            if rng.random() < 0.04:                          # a first attempt with a typo, rejected
                typo = dict(values, **{rng.choice(list(values)): "belum ada data"})
                files.append(DemoFile(name, workbook(year, quarter, typo, targets, renaksi, urls),
                                      received - timedelta(days=1)))
            files.append(DemoFile(name, workbook(year, quarter, values, targets, renaksi, urls), received))
            in_force[(year, quarter)] = (values, urls)
            if rng.random() < 0.06:                          # a later correction, with a reason
                values = dict(values)
                code = rng.choice([c for c in values if not isinstance(values[c], str)])
                values[code] = round(values[code] * rng.uniform(0.9, 1.1), 2)
                files.append(DemoFile(name.replace(".xlsx", "_perbaikan.xlsx"),
                                      workbook(year, quarter, values, targets, renaksi, urls),
                                      received + timedelta(days=rng.randint(3, 30)),
                                      reason="Koreksi angka setelah verifikasi inspektorat (demo)"))
                in_force[(year, quarter)] = (values, urls)
    return files


def _prefill(values, targets, renaksi, urls):
    from loaders.sheets import RenaksiRow
    from loaders.template import TemplatePrefill
    rows = [RenaksiRow(row=0, theme=r["theme"], action_plan=r["action_plan"], output_indicator=r["output_indicator"],
                       unit=r["unit"], targets=(r["target_tw1"], r["target_tw2"], r["target_tw3"], r["target_tw4"]),
                       realisation=r["realisation"], budget=r["budget"], budget_realisation=r["budget_realisation"],
                       intervention_focus=r["intervention_focus"], coordinator=r["coordinator"],
                       implementer=r["implementer"], obstacles=r["obstacles"], follow_up=r["follow_up"])
            for r in renaksi]
    return TemplatePrefill(targets=dict(targets), evidence=dict(urls), renaksi=rows, values=dict(values))


def _quarter_start(year: int, quarter: int):
    from datetime import date
    return date(year, quarter * 3 - 2, 1)
