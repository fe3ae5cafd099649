"""The one path every number takes: check, ingest, template, annotate, init, rebuild.

The CLI (`python -m loaders ...`) and the dashboard's upload page call these functions and nothing else.
"""

from __future__ import annotations

import io
import os
import secrets
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from indicators.catalogue import Catalogue, load_catalogue
from loaders import reference, snapshot, store
from loaders.archive import Archive, JournalEntry, sha256
from loaders.checks import AgencyInfo, CheckContext, check_workbook, days_late, plan_id
from loaders.issues import ERROR, Issue, Report
from loaders.receipt import receipt_html
from loaders.registry import load_registry, read_registry_file
from loaders.sheets import INDICATOR_SHEET, ParsedWorkbook, RenaksiRow

DEMO_UPLOADER = "demo-generator"   # submissions by this uploader are synthetic demo data


@dataclass
class CheckResult:
    report: Report
    parsed: ParsedWorkbook | None


@dataclass
class IngestResult:
    outcome: str                     # accepted | rejected | duplicate
    report: Report
    upload_id: str
    submission_id: str | None = None
    version: int | None = None
    receipt_html: str | None = None
    receipt_path: Path | None = None
    message: str = ""
    message_en: str = ""


def utc_now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


@contextmanager
def _connection(path: Path, con=None):
    """Use the caller's open connection (bulk work: demo, rebuild) or open a short-lived one."""
    if con is not None:
        yield con
    else:
        with store.session(path) as own:
            yield own


# ------------------------------------------------------------------ database set-up
def _load_reference(con, cat: Catalogue) -> dict:
    counts = reference.load_catalogue_tables(con, cat)
    counts["agencies"] = reference.upsert_agencies(con, list(load_registry()))
    counts["calendar"] = reference.load_calendar(con, cat)
    return counts


def init_database(db_path=None, *, publish: bool = True) -> dict:
    """Create or migrate the database and (re)load catalogue, registry and calendar. Idempotent."""
    path = store.resolve_db_path(db_path)
    cat = load_catalogue()
    with store.session(path) as con:
        applied = store.migrate(con)
        with store.transaction(con):
            counts = _load_reference(con, cat)
        con.execute("CHECKPOINT")
    if publish:
        snapshot.committed(path)
    counts["migrations_applied"] = applied
    counts["schema_version"] = store.SCHEMA_VERSION
    counts["db"] = str(path)
    return counts


def _ensure_ready(con, cat: Catalogue) -> None:
    store.migrate(con)
    if con.execute("SELECT count(*) FROM indicators").fetchone()[0] == 0:
        with store.transaction(con):
            _load_reference(con, cat)


# ------------------------------------------------------------------ context from the database
def _agencies(con) -> dict[str, AgencyInfo]:
    if con is None:
        return {a.code: AgencyInfo(a.code, a.name, a.agency_type, a.valid_from, a.valid_to) for a in load_registry()}
    rows = con.execute("SELECT agency_code, name, agency_type, valid_from, valid_to FROM agencies").fetchall()
    return {r[0]: AgencyInfo(*r) for r in rows}


def _previous_period(year: int, quarter: int) -> tuple[int, int]:
    return (year, quarter - 1) if quarter > 1 else (year - 1, 4)


def build_context(con, cat: Catalogue, wb: ParsedWorkbook, *, received_at=None, reason=None,
                  expected_agency=None, expected_period=None) -> CheckContext:
    ctx = CheckContext(catalogue=cat, agencies=_agencies(con), received_at=received_at, reason=reason,
                       expected_agency=expected_agency, expected_period=expected_period)
    if con is None or not (wb.agency_code and wb.year and wb.quarter):
        return ctx
    a, y, q = wb.agency_code, wb.year, wb.quarter
    py, pq = _previous_period(y, q)
    ctx.previous_values = dict(con.execute(
        "SELECT indicator_code, value FROM v_values WHERE agency_code = ? AND year = ? AND quarter = ? "
        "AND value IS NOT NULL", [a, py, pq]).fetchall())
    ctx.latest_values = {code: value for code, value, _, _ in latest_values(con, a, y, q)}
    ctx.type_medians = dict(con.execute(
        "WITH latest AS (SELECT v.agency_code, v.indicator_code, v.value FROM v_values v "
        "  JOIN agencies g USING (agency_code) "
        "  WHERE g.agency_type = (SELECT agency_type FROM agencies WHERE agency_code = ?) AND v.agency_code <> ? "
        "  AND v.value IS NOT NULL AND v.year * 4 + v.quarter <= ? * 4 + ? "
        "  QUALIFY row_number() OVER (PARTITION BY v.agency_code, v.indicator_code "
        "                             ORDER BY v.year DESC, v.quarter DESC) = 1) "
        "SELECT indicator_code, median(value) FROM latest GROUP BY indicator_code HAVING count(*) >= 3",
        [a, a, y, q]).fetchall())
    ctx.targets_in_force = dict(con.execute(
        "SELECT indicator_code, target_low FROM v_agency_targets WHERE agency_code = ? AND year = ?", [a, y]).fetchall())
    for pid, done in con.execute(
            "SELECT plan_id, sum(realisation) FROM v_renaksi "
            "WHERE agency_code = ? AND year = ? AND quarter < ? GROUP BY ALL", [a, y, q]).fetchall():
        ctx.previous_renaksi[pid] = float(done or 0)
    ctx.known_plans = {r[0] for r in con.execute(
        "SELECT DISTINCT plan_id FROM v_renaksi WHERE agency_code = ?", [a]).fetchall()}
    ctx.existing_versions = con.execute(
        "SELECT count(*) FROM submissions WHERE agency_code = ? AND year = ? AND quarter = ?", [a, y, q]).fetchone()[0]
    row = con.execute("SELECT deadline FROM reporting_calendar WHERE year = ? AND quarter = ?", [y, q]).fetchone()
    ctx.deadline = row[0] if row else None
    return ctx


def latest_values(con, agency_code: str, year: int, quarter: int) -> list[tuple]:
    """(indicator_code, value or text, evidence_url, 'TW2-2024') of each indicator's latest accepted value
    before the given quarter, whatever quarter it came from."""
    return [(code, text if text is not None else value, url, f"TW{q}-{y}") for code, value, text, url, y, q in
            con.execute(
                "SELECT indicator_code, value, value_text, evidence_url, year, quarter FROM v_values "
                "WHERE agency_code = ? AND year * 4 + quarter < ? * 4 + ? AND (value IS NOT NULL OR value_text IS NOT NULL) "
                "QUALIFY row_number() OVER (PARTITION BY indicator_code ORDER BY year DESC, quarter DESC) = 1",
                [agency_code, year, quarter]).fetchall()]


def _parse(data: bytes, file_name: str, cat: Catalogue) -> ParsedWorkbook:
    from loaders.workbook import read_workbook
    return read_workbook(data, file_name, cat)


def _run_checks(con, cat, data, file_name, **kw) -> CheckResult:
    wb = _parse(data, file_name, cat)
    report = Report(file_name, list(wb.issues))
    fatal = any(i.code in ("file-unsafe", "file-unreadable", "file-macro", "missing-sheet") for i in wb.issues)
    if not fatal:
        ctx = build_context(con, cat, wb, **kw)
        report.extend(check_workbook(wb, ctx))
    report.stats = {"size": wb.size, "agency_code": wb.agency_code, "year": wb.year, "quarter": wb.quarter,
                    "indicator_rows": len(wb.indicators), "renaksi_rows": len(wb.renaksi),
                    "sha256": wb.sha256}
    return CheckResult(report, wb)


def check_file(data: bytes, file_name: str, *, db_path=None, expected_agency=None, expected_period=None,
               reason=None, received_at=None) -> CheckResult:
    """Validate one workbook against the catalogue, registry and history. Writes nothing."""
    cat = load_catalogue()
    path = store.resolve_db_path(db_path)
    kw = dict(received_at=received_at or utc_now(), reason=reason, expected_agency=expected_agency,
              expected_period=tuple(expected_period) if expected_period else None)
    if not path.exists():
        return _run_checks(None, cat, data, file_name, **kw)
    with store.session(path) as con:
        if not store.has_schema(con):
            return _run_checks(None, cat, data, file_name, **kw)
        return _run_checks(con, cat, data, file_name, **kw)


# ------------------------------------------------------------------ ingest
def ingest_file(data: bytes, file_name: str, *, uploader: str, db_path=None, reason: str | None = None,
                expected_agency: str | None = None, expected_period=None, received_at: datetime | None = None,
                journal: bool = True, upload_id: str | None = None, con=None,
                publish: bool | None = None) -> IngestResult:
    """Validate and, if the file has no errors, store it as a new version: all rows or none.

    The bytes are archived (content-addressed) and the attempt journaled before the database is touched.
    After the commit the new data version is announced (`snapshot.committed`): by default when this call
    owned its connection; a batch passes `publish=False` (or its own `con`) and announces once at its end.
    """
    path = store.resolve_db_path(db_path)
    archive = Archive.beside(path)
    received_at = received_at or utc_now()
    digest = archive.store(data)
    upload_id = upload_id or f"U{received_at:%Y%m%d%H%M%S%f}-{digest[:8]}-{secrets.token_hex(3)}"
    file_name = Path(file_name).name
    entry = JournalEntry("upload", upload_id, received_at.isoformat(), uploader, file_name, digest, reason,
                         expected_agency, list(expected_period) if expected_period else None)
    if journal:
        archive.append(entry)
    try:
        result = _ingest(path, data, digest, entry, received_at, con)
    except BaseException:
        if journal:
            archive.append(JournalEntry("void", upload_id, received_at.isoformat(), uploader, file_name, digest))
        raise
    if publish if publish is not None else con is None:
        snapshot.committed(path)
    if result.receipt_html:
        receipts = path.resolve().parent / "receipts"
        receipts.mkdir(parents=True, exist_ok=True)
        result.receipt_path = receipts / f"{result.submission_id}.html"
        result.receipt_path.write_text(result.receipt_html, encoding="utf-8")
    return result


def _ingest(path: Path, data: bytes, digest: str, entry: JournalEntry, received_at: datetime,
            con=None) -> IngestResult:
    cat = load_catalogue()
    with _connection(path, con) as con:
        _ensure_ready(con, cat)
        dup = con.execute("SELECT submission_id FROM submissions WHERE file_sha256 = ? ORDER BY received_at LIMIT 1",
                          [digest]).fetchone()
        if dup:
            report = Report(entry.file_name)
            with store.transaction(con):
                _insert_upload(con, entry, "duplicate", report, None, None)
            return IngestResult("duplicate", report, entry.upload_id, dup[0],
                                message=f"Berkas yang sama persis sudah diterima sebagai {dup[0]}; tidak ada yang diubah.",
                                message_en=f"The byte-identical file was already accepted as {dup[0]}; nothing changed.")
        with store.transaction(con):
            result = _run_checks(con, cat, data, entry.file_name, received_at=received_at, reason=entry.reason,
                                 expected_agency=entry.expected_agency,
                                 expected_period=tuple(entry.expected_period) if entry.expected_period else None)
            report, wb = result.report, result.parsed
            if not report.valid:
                _insert_upload(con, entry, "rejected", report, wb, None)
                outcome = IngestResult("rejected", report, entry.upload_id,
                                       message=f"Ditolak: {len(report.errors)} kesalahan harus diperbaiki.",
                                       message_en=f"Rejected: {len(report.errors)} error(s) must be fixed.")
            else:
                outcome = _store_submission(con, cat, entry, report, wb, received_at)
    return outcome


def _insert_upload(con, entry: JournalEntry, outcome: str, report: Report, wb: ParsedWorkbook | None,
                   submission_id: str | None) -> None:
    con.execute("INSERT INTO uploads VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [
        entry.upload_id, datetime.fromisoformat(entry.received_at), entry.uploader, entry.file_name, entry.sha256,
        report.stats.get("size") or 0, outcome, wb.agency_code if wb else None, wb.year if wb else None,
        wb.quarter if wb else None, submission_id, len(report.errors), len(report.warnings), entry.reason])
    rows = [{"upload_id": entry.upload_id, "seq": n, "code": i.code, "severity": i.severity, "sheet": i.sheet,
             "cell": i.cell, "column_title": i.column, "value": i.value, "message": i.message("id"),
             "message_en": i.message("en")} for n, i in enumerate(report.issues, start=1)]
    reference.insert_rows(con, "upload_issues", pd.DataFrame(rows))


def _store_submission(con, cat: Catalogue, entry: JournalEntry, report: Report, wb: ParsedWorkbook,
                      received_at: datetime) -> IngestResult:
    a, y, q = wb.agency_code, wb.year, wb.quarter
    version = con.execute("SELECT coalesce(max(version), 0) + 1 FROM submissions WHERE agency_code = ? "
                          "AND year = ? AND quarter = ?", [a, y, q]).fetchone()[0]
    sid = f"{a}-{y}Q{q}-v{version}"
    synthetic = entry.uploader == DEMO_UPLOADER
    values = [{"submission_id": sid, "indicator_code": r.indicator_code, "value": r.value, "value_text": r.value_text,
               "note": r.note or None, "evidence_url": r.evidence_url or None,
               "source_cell": f"{INDICATOR_SHEET}!{r.cells.get('value', '')}",
               "justification": r.justification.strip() or None}
              for r in wb.indicators if r.value is not None or r.value_text]
    renaksi = [{"submission_id": sid, "row_no": r.row, "theme_code": r.theme, "action_plan": r.action_plan,
                "output_indicator": r.output_indicator, "unit": r.unit or None, "target_tw1": r.targets[0],
                "target_tw2": r.targets[1], "target_tw3": r.targets[2], "target_tw4": r.targets[3],
                "realisation": r.realisation, "budget": r.budget, "budget_realisation": r.budget_realisation,
                "intervention_focus": r.intervention_focus or None, "coordinator": r.coordinator or None,
                "implementer": r.implementer or None, "obstacles": r.obstacles or None,
                "follow_up": r.follow_up or None,
                "plan_id": r.plan_id or plan_id(a, r.theme, r.action_plan, r.output_indicator)} for r in wb.renaksi]
    in_force = dict(con.execute("SELECT indicator_code, target_low FROM v_agency_targets WHERE agency_code = ? "
                                "AND year = ?", [a, y]).fetchall())
    versions = dict(con.execute("SELECT indicator_code, max(version) FROM targets WHERE agency_code = ? AND year = ? "
                                "GROUP BY indicator_code", [a, y]).fetchall())
    targets = [{"indicator_code": r.indicator_code, "agency_code": a, "year": y, "target_low": r.target,
                "target_high": r.target, "target_text": r.target_text, "version": versions.get(r.indicator_code, 0) + 1,
                "effective_from": received_at.date(), "basis": "dinyatakan instansi / declared by the agency",
                "source": sid, "confidence": None, "submission_id": sid,
                "reason": (r.target_reason or entry.reason or None)}
               for r in wb.indicators
               if r.target is not None and (r.indicator_code not in in_force
                                            or abs((in_force[r.indicator_code] or 0) - r.target) > 1e-9)]
    con.execute("INSERT INTO submissions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [
        sid, a, y, q, version, received_at, entry.uploader, entry.file_name, entry.sha256,
        wb.fingerprint.template_version if wb.fingerprint else None, entry.reason, synthetic,
        len(values), len(renaksi), len(report.warnings)])
    reference.insert_rows(con, "submission_values", pd.DataFrame(values))
    reference.insert_rows(con, "renaksi_outputs", pd.DataFrame(renaksi))
    reference.insert_rows(con, "targets", pd.DataFrame(targets))
    _insert_upload(con, entry, "accepted", report, wb, sid)
    name = con.execute("SELECT name FROM agencies WHERE agency_code = ?", [a]).fetchone()[0]
    row = con.execute("SELECT deadline FROM reporting_calendar WHERE year = ? AND quarter = ?", [y, q]).fetchone()
    deadline = row[0] if row else None
    late = days_late(received_at, deadline) if version == 1 else 0    # a later version is a revision
    html = receipt_html(deadline=deadline, days_late=late,submission_id=sid, agency_code=a, agency_name=name, year=y, quarter=q, version=version,
                        received_at=received_at, uploader=entry.uploader, file_name=entry.file_name,
                        file_sha256=entry.sha256, n_values=len(values), n_renaksi=len(renaksi),
                        n_warnings=len(report.warnings), reason=entry.reason, synthetic=synthetic)
    from loaders.timefmt import date_text
    late_id = f" Terlambat {late} hari (batas waktu {date_text(deadline)})." if late else ""
    late_en = f" Late by {late} day(s) (deadline {date_text(deadline, 'en')})." if late else ""
    return IngestResult("accepted", report, entry.upload_id, sid, version, html,
                        message=f"Diterima sebagai {sid} ({len(values)} nilai, {len(renaksi)} rencana aksi, "
                                f"{len(report.warnings)} peringatan).{late_id}",
                        message_en=f"Accepted as {sid} ({len(values)} values, {len(renaksi)} action-plan rows, "
                                   f"{len(report.warnings)} warnings).{late_en}")


# ------------------------------------------------------------------ registry import
def import_registry(data: bytes, file_name: str, *, uploader: str, db_path=None, journal: bool = True,
                    received_at: datetime | None = None, con=None) -> tuple[dict, list]:
    """Upsert agencies from a ministry-supplied csv/xlsx. Nothing changes when any row has an error."""
    path = store.resolve_db_path(db_path)
    agencies, problems = read_registry_file(data, file_name)
    errors = [p for p in problems if p.severity == ERROR]
    if errors:
        return {"added": 0, "updated": 0, "unchanged": 0, "rejected": True}, problems
    archive = Archive.beside(path)
    received_at = received_at or utc_now()
    digest = archive.store(data)
    entry = JournalEntry("registry", f"R{received_at:%Y%m%d%H%M%S%f}-{digest[:8]}", received_at.isoformat(),
                         uploader, Path(file_name).name, digest)
    if journal:
        archive.append(entry)
    cat = load_catalogue()
    own_connection = con is None
    with _connection(path, con) as con:
        _ensure_ready(con, cat)
        with store.transaction(con):
            counts = reference.upsert_agencies(con, agencies)
    if own_connection:
        snapshot.committed(path)
    return counts, problems


# ------------------------------------------------------------------ rebuild from the archive
def rebuild(db_path=None, out_path=None) -> dict:
    """Recreate the whole database from the catalogue, the registry and the archive journal."""
    path = store.resolve_db_path(db_path)
    archive = Archive.beside(path)
    target = Path(out_path) if out_path else path
    tmp = target.with_name(target.name + ".rebuild")
    for p in (tmp, Path(str(tmp) + ".wal")):
        p.unlink(missing_ok=True)
    init_database(tmp, publish=False)   # readers keep the old state until the rebuilt file replaces it
    counts = {"uploads": 0, "registry": 0}
    tmp_archive_root = Archive.beside(tmp).root
    if tmp_archive_root.resolve() != archive.root.resolve():
        raise ValueError("rebuild output must sit in the same folder as the database (it shares the archive)")
    with store.session(tmp) as con:
        for e in archive.entries():
            data = archive.read(e.sha256)
            when = datetime.fromisoformat(e.received_at)
            if e.kind == "registry":
                import_registry(data, e.file_name, uploader=e.uploader, db_path=tmp, journal=False,
                                received_at=when, con=con)
                counts["registry"] += 1
            else:
                ingest_file(data, e.file_name, uploader=e.uploader, db_path=tmp, reason=e.reason,
                            expected_agency=e.expected_agency, expected_period=e.expected_period,
                            received_at=when, journal=False, upload_id=e.upload_id, con=con)
                counts["uploads"] += 1
    os.replace(tmp, target)
    Path(str(tmp) + ".wal").unlink(missing_ok=True)
    snapshot.committed(target)
    counts["db"] = str(target)
    return counts


# ------------------------------------------------------------------ templates and annotation
def template_prefill(con, cat: Catalogue, agency_code: str, year: int, quarter: int):
    """What a new template carries over from the agency's accepted history (the carry-over rules, also
    written on the template's Petunjuk sheet and in the README):

    - each indicator's latest accepted value, from whatever earlier quarter (a missed quarter does not
      empty the template), in 'Realisasi TW Sebelumnya' with the quarter it came from as a comment;
    - targets: the agency's own target in force for the year, else the catalogue's;
    - evidence links are NOT carried (last quarter's document rarely proves this quarter's value): the
      cell stays empty and the previous link is shown as a comment;
    - every open action plan (realisation so far below its annual target) of this year, or of last year
      in a new year, with its stable id; this quarter's realisation starts empty and realisation is
      cumulated per plan id; targets and budget carry over within the year only.
    """
    from loaders.template import TemplatePrefill
    targets: dict = {}
    for ind in cat.indicators:
        tv = ind.target_for(year) if ind.level == "agency" else None
        if tv is not None:
            targets[ind.code] = tv.text if ind.value_type == "category" else tv.low
    if con is None:
        return TemplatePrefill(targets=targets)
    for code, low, text in con.execute(
            "SELECT indicator_code, v.target_low, t.target_text FROM v_agency_targets v "
            "JOIN targets t USING (agency_code, indicator_code, year, version) "
            "WHERE v.agency_code = ? AND v.year = ?", [agency_code, year]).fetchall():
        targets[code] = text if text is not None else low
    previous, previous_period, hints = {}, {}, {}
    for code, value, url, period in latest_values(con, agency_code, year, quarter):
        previous[code] = value
        previous_period[code] = period
        if url:
            hints[code] = (url, period)
    renaksi, done = [], {}
    for r in con.execute(
            "WITH rows AS (SELECT * FROM v_renaksi WHERE agency_code = ? AND year >= ? - 1 "
            "              AND year * 4 + quarter < ? * 4 + ?), "
            "last_year AS (SELECT max(year) AS y FROM rows), "
            "plans AS (SELECT * FROM rows WHERE year = (SELECT y FROM last_year) "
            "          QUALIFY row_number() OVER (PARTITION BY plan_id ORDER BY quarter DESC) = 1), "
            "totals AS (SELECT plan_id, sum(realisation) AS done FROM rows "
            "           WHERE year = (SELECT y FROM last_year) GROUP BY plan_id) "
            "SELECT p.plan_id, p.theme_code, p.action_plan, p.output_indicator, p.unit, p.target_tw1, p.target_tw2, "
            "p.target_tw3, p.target_tw4, p.budget, p.intervention_focus, p.coordinator, p.implementer, p.year, "
            "coalesce(t.done, 0) FROM plans p LEFT JOIN totals t USING (plan_id) ORDER BY p.year, p.quarter, p.row_no",
            [agency_code, year, year, quarter]).fetchall():
        annual = sum(x for x in r[5:9] if x)
        if annual and r[14] >= annual:
            continue                                   # finished: not carried
        same_year = r[13] == year
        renaksi.append(RenaksiRow(row=0, plan_id=r[0], theme=r[1], action_plan=r[2], output_indicator=r[3],
                                  unit=r[4] or "", targets=tuple(r[5:9]) if same_year else (None, None, None, None),
                                  budget=r[9] if same_year else None, intervention_focus=r[10] or "",
                                  coordinator=r[11] or "", implementer=r[12] or ""))
        if same_year:
            done[r[0]] = r[14]
    return TemplatePrefill(targets=targets, previous=previous, previous_period=previous_period,
                           evidence_hint=hints, renaksi=renaksi, renaksi_done=done)


class UnknownAgency(KeyError):
    pass


def template_bytes(agency_code: str, year: int, quarter: int, *, db_path=None, con=None, fill=None) -> bytes:
    """The quarterly workbook for one agency, prefilled from its accepted history.

    `fill` (a TemplatePrefill) writes values on top, as an agency would type them: the demo generator and
    the tests use it to produce filled workbooks in one pass.
    """
    from loaders.registry import Agency
    from loaders.template import write_template
    cat = load_catalogue()
    path = store.resolve_db_path(db_path)
    agency = None
    own = con is None
    if own and path.exists():
        con = store.connect(path)
    try:
        if con is not None and store.has_schema(con):
            row = con.execute("SELECT agency_code, name, agency_type, province_code, parent_code, valid_from, "
                              "valid_to, autonomous, contact_email, source FROM agencies WHERE agency_code = ?",
                              [agency_code]).fetchone()
            if row:
                agency = Agency(*row[:8], contact_email=row[8] or "", source=row[9] or "")
        else:
            if own and con is not None:
                con.close()
            con, own = None, False
        if agency is None:
            agency = next((a for a in load_registry() if a.code == agency_code), None)
        if agency is None:
            raise UnknownAgency(f"Kode instansi tidak terdaftar / unknown agency code: {agency_code}")
        prefill = template_prefill(con, cat, agency_code, year, quarter)
        if fill is not None:
            prefill.targets.update(fill.targets)
            prefill.evidence.update(fill.evidence)
            prefill.justification.update(fill.justification)
            prefill.values.update(fill.values)
            if fill.renaksi:
                prefill.renaksi = list(fill.renaksi)
    finally:
        if own and con is not None:
            con.close()
    buf = io.BytesIO()
    write_template(buf, agency=agency, year=year, quarter=quarter, catalogue=cat, prefill=prefill)
    return buf.getvalue()


def read_catalogue_upload(data: bytes, file_name: str):
    """An edited catalogue workbook from a person: pre-flight guard first, then the catalogue's own checks.

    Raises `indicators.catalogue.CatalogueError` for an unsafe file as for an invalid one.
    """
    from indicators.catalogue import CatalogueError, CatalogueProblem
    from indicators.catalogue_xlsx import import_catalogue_xlsx
    from loaders.workbook import UnsafeWorkbook, check_xlsx
    try:
        check_xlsx(data)
    except UnsafeWorkbook as exc:
        raise CatalogueError([CatalogueProblem(file_name, "(katalog)", "",
                                               f"berkas ditolak / file refused: {exc}")]) from exc
    return import_catalogue_xlsx(data, file_name)


def annotate_bytes(data: bytes, report: Report, lang: str = "id") -> bytes:
    from loaders.annotate import annotate_workbook
    return annotate_workbook(data, report.issues, lang=lang)


__all__ = ["CheckResult", "IngestResult", "check_file", "ingest_file", "init_database", "rebuild",
           "template_bytes", "annotate_bytes", "import_registry", "Issue", "DEMO_UPLOADER", "sha256"]
