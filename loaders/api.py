"""The one path every number takes: check, ingest, template, annotate, init, rebuild.

The CLI (`python -m loaders ...`) and the dashboard's upload page call these functions and nothing else.
"""

from __future__ import annotations

import io
import logging
import os
import secrets
from contextlib import ExitStack, contextmanager, nullcontext
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from indicators import periods
from indicators.catalogue import Catalogue, load_catalogue
from loaders import assessments, audit, catalogue_store, reference, snapshot, store, verification
from loaders.auth import Scope, ScopeDenied, authorize
from loaders.archive import Archive, JournalEntry, sha256
from loaders.checks import AgencyInfo, CheckContext, agency_inactive, check_workbook, plan_id
from loaders.history import History
from loaders.issues import ERROR, Issue, Report
from loaders.receipt import receipt_html, timeliness_status
from loaders.registry import RegistryDiff, agency_record, diff_registry, load_registry, read_registry_file
from loaders.sheets import INDICATOR_SHEET, ParsedWorkbook, RenaksiRow

log = logging.getLogger(__name__)
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
    commit_seq: int | None = None     # place in the commit log (`commits.seq`)
    receipt_error: str | None = None  # stored, but the receipt file could not be written


def utc_now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


# ------------------------------------------------------------------ database set-up
def _load_reference(con, cat: Catalogue) -> dict:
    counts = reference.load_catalogue_tables(con, cat)
    counts["agencies"] = reference.upsert_agencies(con, list(load_registry()))
    counts["agency_types"] = reference.agency_type_counts(con)
    counts["calendar"] = reference.load_calendar(con, cat)
    verification.reapply_calendar_changes(con)
    counts.update(assessments.refresh(con))  # the catalogue may have changed: every verdict again
    return counts


def init_database(db_path=None, *, on_wait=None, publish: bool = True) -> dict:
    """Create or migrate the database and (re)load catalogue (the admins' version in force, else the shipped
    YAML), registry and calendar. Idempotent. `publish=False` keeps readers on the old data version (rebuild)."""
    path = store.resolve_db_path(db_path)
    with store.writer(path, on_wait=on_wait) as con:
        applied = store.migrate(con)
        cat = catalogue_store.current(con)
        with store.transaction(con):
            counts = _load_reference(con, cat)
        con.execute("CHECKPOINT")
        if publish:
            snapshot.committed(path, con)
    counts["migrations_applied"] = applied
    counts["schema_version"] = store.SCHEMA_VERSION
    counts["db"] = str(path)
    return counts


def _ensure_ready(con, cat: Catalogue) -> None:
    """Reference data loaded, and verdicts a batch cut short still owes recomputed, before any new write
    (on a migrated database: callers run `store.migrate` first, the catalogue version in force needs it)."""
    if con.execute("SELECT count(*) FROM indicators").fetchone()[0] == 0:
        with store.transaction(con):
            _load_reference(con, cat)
    if not assessments.in_bulk(con) and assessments.backlog(con):
        with store.transaction(con):
            assessments.settle(con)


# ------------------------------------------------------------------ context from the database
def _agencies(con) -> dict[str, AgencyInfo]:
    if con is None:
        return {a.code: AgencyInfo(a.code, a.name, a.agency_type, a.valid_from, a.valid_to) for a in load_registry()}
    rows = con.execute("SELECT agency_code, name, agency_type, valid_from, valid_to FROM agencies").fetchall()
    return {r[0]: AgencyInfo(*r) for r in rows}


def build_context(con, cat: Catalogue, wb: ParsedWorkbook, *, received_at=None, reason=None,
                  expected_agency=None, expected_period=None, history: History | None = None) -> CheckContext:
    """What the checks compare a workbook with: the registry and, with a database, the agency's accepted
    history (`loaders.history`; a batch passes its own, kept current file after file)."""
    if history is None and con is not None:
        history = History(con, _agencies(con))
    ctx = CheckContext(catalogue=cat, agencies=history.registry if history else _agencies(None),
                       received_at=received_at, reason=reason, expected_agency=expected_agency,
                       expected_period=expected_period)
    if history is None or not (wb.agency_code and wb.year and wb.quarter):
        return ctx
    return history.fill(ctx, wb.agency_code, wb.year, wb.quarter)


def latest_values(con, agency_code: str, year: int, quarter: int) -> list[tuple]:
    """(indicator_code, value or text, evidence_url, (year, quarter)) of each indicator's latest accepted value
    before the given quarter, whatever quarter it came from."""
    return [(code, text if text is not None else value, url, (y, q)) for code, value, text, url, y, q in
            con.execute(
                "SELECT indicator_code, value, value_text, evidence_url, year, quarter FROM v_values "
                "WHERE agency_code = ? AND quarter_key(year, quarter) < quarter_key(?, ?) AND (value IS NOT NULL OR value_text IS NOT NULL) "
                "QUALIFY row_number() OVER (PARTITION BY indicator_code ORDER BY year DESC, quarter DESC) = 1",
                [agency_code, year, quarter]).fetchall()]


def _parse(data: bytes, file_name: str, cat: Catalogue) -> ParsedWorkbook:
    from loaders.workbook import read_workbook
    return read_workbook(data, file_name, cat)


def _run_checks(con, cat, data, file_name, parsed: ParsedWorkbook | None = None, **kw) -> CheckResult:
    wb = parsed if parsed is not None else _parse(data, file_name, cat)
    report = Report(file_name, list(wb.issues))
    fatal = any(i.code in ("file-unsafe", "file-too-complex", "file-unreadable", "file-macro", "missing-sheet")
                for i in wb.issues)
    if not fatal:
        ctx = build_context(con, cat, wb, **kw)
        report.extend(check_workbook(wb, ctx))
    report.stats = {"size": wb.size, "agency_code": wb.agency_code, "year": wb.year, "quarter": wb.quarter,
                    "indicator_rows": len(wb.indicators), "renaksi_rows": len(wb.renaksi),
                    "sha256": wb.sha256}
    return CheckResult(report, wb)


def _authorize_workbook(path: Path, scope: Scope, data: bytes, file_name: str, expected_agency, con=None,
                        parsed: ParsedWorkbook | None = None) -> None:
    """The caller may submit for the agency it chose and for the agency named inside the file (both, when
    it does not read everything). A refusal is audited and nothing else is written."""
    target = con if con is not None else path
    authorize(target, scope, "submit", expected_agency)
    if scope.reads_all:
        return
    if parsed is None:
        from loaders.workbook import read_workbook
        parsed = read_workbook(data, file_name, load_catalogue())
    named = parsed.agency_code
    if named:
        authorize(target, scope, "submit", named, detail=f"file {Path(file_name).name}")


def check_file(data: bytes, file_name: str, *, scope: Scope, db_path=None, expected_agency=None,
               expected_period=None, reason=None, received_at=None) -> CheckResult:
    """Validate one workbook against the catalogue, registry and history. Writes nothing (a refusal of the
    caller's scope writes only its audit entry)."""
    path = store.resolve_db_path(db_path)
    if not scope.reads_all:
        _authorize_workbook(path, scope, data, file_name, expected_agency)
    kw = dict(received_at=received_at or utc_now(), reason=reason, expected_agency=expected_agency,
              expected_period=tuple(expected_period) if expected_period else None)
    if not path.exists():
        return _run_checks(None, load_catalogue(), data, file_name, **kw)
    with store.session(path) as con:
        if not store.has_schema(con):
            return _run_checks(None, load_catalogue(), data, file_name, **kw)
        return _run_checks(con, catalogue_store.current(con), data, file_name, **kw)


# ------------------------------------------------------------------ writers, journal and commit log
@contextmanager
def _writer(path: Path, con=None, on_wait=None):
    """The caller's connection (it holds the writer slot: demo, rebuild) or the queued writer slot."""
    if con is not None:
        yield con
    else:
        with store.writer(path, on_wait=on_wait) as own:
            yield own


def _record_commit(con, kind: str, entry: JournalEntry, seq: int | None = None) -> int:
    """Number the attempt inside its own transaction: the commit and its place in history are one fact."""
    if seq is None:
        seq = con.execute("SELECT coalesce(max(seq), 0) + 1 FROM commits").fetchone()[0]
    con.execute("INSERT INTO commits VALUES (?, ?, ?, ?)",
                [seq, kind, entry.upload_id, datetime.fromisoformat(entry.received_at)])
    return seq


def _commit_seq(con, entry_id: str) -> int | None:
    row = con.execute("SELECT seq FROM commits WHERE entry_id = ?", [entry_id]).fetchone()
    return row[0] if row else None


def _journaled(archive: Archive, con, entry: JournalEntry, work):
    """intent → transaction (`work()` returns its commit number) → commit marker; void when it failed."""
    archive.settle_tail(lambda entry_id: _commit_seq(con, entry_id))
    archive.append(entry)
    try:
        result, seq = work()
    except BaseException as failure:
        try:
            seq = _commit_seq(con, entry.upload_id)
        except Exception:   # the connection itself broke: the next writer settles the entry from the database
            raise failure from None
        if seq is None:
            archive.mark_void(entry.upload_id)
        else:
            archive.mark_committed(entry.upload_id, seq)
        raise
    try:
        archive.mark_committed(entry.upload_id, seq)
    except OSError:   # committed all the same: the next writer settles the marker from the database
        pass
    return result


# ------------------------------------------------------------------ receipts (derived from the database)
def receipts_dir(db_path) -> Path:
    return Path(db_path).resolve().parent / "receipts"


def receipt_from_db(con, submission_id: str) -> str | None:
    """The receipt of a stored submission, built only from what the database holds."""
    row = con.execute(
        "SELECT s.submission_id, s.agency_code, coalesce(a.name, s.agency_code), s.year, s.quarter, s.version, "
        "s.received_at, s.uploader, s.file_name, s.file_sha256, s.n_values, s.n_renaksi, s.n_warnings, s.reason, "
        "s.synthetic, c.deadline FROM submissions s LEFT JOIN agencies a USING (agency_code) "
        "LEFT JOIN reporting_calendar c USING (year, quarter) WHERE s.submission_id = ?",
        [submission_id]).fetchone()
    if row is None:
        return None
    keys = ("submission_id", "agency_code", "agency_name", "year", "quarter", "version", "received_at", "uploader",
            "file_name", "file_sha256", "n_values", "n_renaksi", "n_warnings", "reason", "synthetic", "deadline")
    fields = dict(zip(keys, row))
    late = periods.days_late(fields["received_at"], fields["deadline"])
    head = con.execute("SELECT seq, hash FROM audit_log WHERE action = 'upload' AND target = ? AND "
                       "json_extract_string(after_json, '$.submission_id') = ? ORDER BY seq DESC LIMIT 1",
                       [f"{fields['agency_code']} {fields['year']}Q{fields['quarter']}", submission_id]).fetchone()
    # a later version after the deadline is "revised", never "late" (receipt_html decides from the version)
    return receipt_html(**fields, days_late=late, audit_head=(int(head[0]), head[1]) if head else None)


def _write_receipt(folder: Path, submission_id: str, html: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{submission_id}.html"
    tmp = target.with_name(target.name + f".{os.getpid()}.part")
    tmp.write_text(html, encoding="utf-8")
    os.replace(tmp, target)
    return target


def write_receipts(db_path=None, out_dir=None, *, missing_only: bool = True) -> dict:
    """(Re)write receipts from the database: every accepted submission, or only those without one."""
    path = store.resolve_db_path(db_path)
    folder = Path(out_dir) if out_dir else receipts_dir(path)
    counts = {"written": 0, "kept": 0, "dir": str(folder)}
    with store.session(path, read_only=True) as con:
        for (sid,) in con.execute("SELECT submission_id FROM submissions ORDER BY submission_id").fetchall():
            if missing_only and (folder / f"{sid}.html").exists():
                counts["kept"] += 1
                continue
            _write_receipt(folder, sid, receipt_from_db(con, sid))
            counts["written"] += 1
    return counts


# ------------------------------------------------------------------ ingest
def ingest_file(data: bytes, file_name: str, *, scope: Scope, db_path=None, reason: str | None = None,
                expected_agency: str | None = None, expected_period=None, received_at: datetime | None = None,
                journal: bool = True, upload_id: str | None = None, con=None, commit_seq: int | None = None,
                write_receipt: bool = True, on_wait=None, publish: bool | None = None) -> IngestResult:
    """Validate and, if the file has no errors, store it as a new version: all rows or none.

    The uploader recorded is `scope.username` (the signed-in account, or `Scope.system(name)` for operator
    tools). A file for an agency outside the scope raises `ScopeDenied` before anything is archived; only
    the audit entry is written. The bytes are archived (content-addressed) first; then, holding the writer
    slot, the attempt is journaled, committed and marked committed (see loaders/archive.py). The receipt is
    written after the commit; when that fails the submission is still stored and `receipt_error` says so
    (`python -m loaders receipts --missing` writes it later). `journal=False` and `commit_seq` are for
    `rebuild`, which replays history.
    After the commit the new data version is announced (`snapshot.committed`) while the writer slot is still
    held: by default when this call owned its connection; a caller passing its own `con` announces itself.
    Many files: `ingest_batch` (one writer slot, the same outcome for each file).
    """
    path = store.resolve_db_path(db_path)
    _authorize_workbook(path, scope, data, file_name, expected_agency, con)
    archive = Archive.beside(path)
    prep = _Upload.make(archive, data, file_name, scope, reason, expected_agency, expected_period, received_at,
                        journal, upload_id)
    own = con is None
    with _writer(path, con, on_wait) as con:
        store.migrate(con)
        cat = catalogue_store.current(con)   # the admins' catalogue version in force
        _ensure_ready(con, cat)
        result = _commit_upload(con, cat, archive, prep, journal=journal, commit_seq=commit_seq)
        if publish if publish is not None else own:
            snapshot.committed(path, con)   # one new data version, announced before the next writer runs
        html = _receipt_of(path, con, result) if write_receipt else None
    _deliver_receipt(path, result, html)
    return result


@dataclass
class _Upload:
    """One file on its way in: its bytes, the journal entry (ids, uploader, digest) and when it arrived."""
    data: bytes
    entry: JournalEntry
    received_at: datetime

    @classmethod
    def make(cls, archive: Archive, data: bytes, file_name: str, scope: Scope, reason, expected_agency,
             expected_period, received_at, journal: bool, upload_id: str | None) -> "_Upload":
        received_at = received_at or utc_now()
        digest = archive.store(data) if journal else sha256(data)
        upload_id = upload_id or f"U{received_at:%Y%m%d%H%M%S%f}-{digest[:8]}-{secrets.token_hex(3)}"
        entry = JournalEntry("upload", upload_id, received_at.isoformat(), scope.username, Path(file_name).name,
                             digest, reason, expected_agency, list(expected_period) if expected_period else None)
        return cls(data, entry, received_at)


def _commit_upload(con, cat: Catalogue, archive: Archive, prep: _Upload, *, journal: bool = True,
                   commit_seq: int | None = None, parsed: ParsedWorkbook | None = None,
                   history: History | None = None) -> IngestResult:
    """Journal intent → one transaction (checks and rows) → commit marker, on the writer's connection."""
    work = lambda: _ingest(con, cat, prep.data, prep.entry.sha256, prep.entry, prep.received_at, commit_seq,
                           parsed, history)
    return _journaled(archive, con, prep.entry, work) if journal else work()[0]


def _receipt_of(path: Path, con, result: IngestResult) -> str | None:
    """The receipt text of an accepted upload (or of a duplicate whose receipt file is missing), read from the
    database under the writer slot. After the commit nothing may turn a stored submission into an error."""
    if not result.submission_id or (result.outcome != "accepted"
                                    and (receipts_dir(path) / f"{result.submission_id}.html").exists()):
        return None
    try:
        return receipt_from_db(con, result.submission_id)
    except Exception as exc:
        result.receipt_error = f"{type(exc).__name__}: {exc}"
        return None


def _deliver_receipt(path: Path, result: IngestResult, html: str | None) -> None:
    if result.outcome == "accepted":
        result.receipt_html = html
    if html is not None:
        try:
            result.receipt_path = _write_receipt(receipts_dir(path), result.submission_id, html)
        except OSError as exc:
            result.receipt_error = f"{type(exc).__name__}: {exc}"


def _parse_job(job: tuple[bytes, str]) -> ParsedWorkbook:
    return _parse(job[0], job[1], _WORKER_CATALOGUE)


_WORKER_CATALOGUE: Catalogue | None = None


def _worker_init(cat: Catalogue) -> None:
    """In each worker process: die with the parent (its forkserver, which exits with the batch's process),
    so a killed batch leaves no worker behind; then keep the catalogue."""
    from loaders.isolated import die_with_parent
    die_with_parent()
    global _WORKER_CATALOGUE
    _WORKER_CATALOGUE = cat


PARALLEL_FROM = 16   # files; fewer are read here (starting the worker processes costs about a second)


def _parsed_in_workers(items: list[tuple[bytes, str]], cat: Catalogue, workers: int):
    """Each item's ParsedWorkbook, in order, read by `workers` processes (a fresh interpreter each: the
    parent holds an open database). A worker that dies (a hostile file) leaves that file, and the rest, to
    be read here, where the usual guards turn it into a problem report."""
    if workers <= 0 or len(items) < PARALLEL_FROM:
        for data, name in items:
            yield _parse(data, name, cat)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    pool, futures = None, [None] * len(items)
    try:
        pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("forkserver"),
                                   initializer=_worker_init, initargs=(cat,))
        futures = [pool.submit(_parse_job, item) for item in items]
    except Exception:   # no worker processes to be had (a loaded machine, a broken pipe): read here
        log.warning("batch: reading workbooks in this process", exc_info=True)
    try:
        for future, (data, name) in zip(futures, items):
            parsed = None
            if future is not None:
                try:
                    parsed = future.result()
                except Exception:
                    log.warning("batch: a worker failed on %s; reading it here", name, exc_info=True)
            yield parsed if parsed is not None else _parse(data, name, cat)
    finally:
        if pool is not None:
            try:
                pool.shutdown(wait=False, cancel_futures=True)
            except Exception:
                log.warning("batch: worker shutdown", exc_info=True)


def default_workers() -> int:
    """Processes reading workbooks during a batch: one core is left to the writer."""
    return max(0, min(4, (os.cpu_count() or 1) - 1))


def ingest_batch(files, *, scope: Scope, db_path=None, reason: str | None = None, on_wait=None,
                 workers: int | None = None, write_receipt: bool = True, on_result=None) -> list[IngestResult]:
    """Validate and store many workbooks (`files`: (bytes, file name) pairs) through one writer slot; returns
    each file's IngestResult in the given order (`on_result(result)` is called as each one is stored).

    Each file is still its own transaction (all rows or none) and gets exactly the outcome `ingest_file`
    would give it at that point: the checks read the history including the files before it in the batch.
    What the batch saves: one connection and migration check, the catalogue read once, workbooks parsed in
    `workers` processes (default `default_workers()`) while the writer stores, and the verdicts recomputed
    once at the end for the agencies the batch touched (recorded in `assessment_backlog` by each file's
    transaction, so a batch cut short is settled by the next writer, and pages say meanwhile which agencies'
    verdicts wait). A batch of one file stores its verdicts in its own transaction. The new data version is announced once,
    while the writer slot is still held. Raises `store.DatabaseBusy` before anything is stored when the
    writer slot stays taken.
    """
    path = store.resolve_db_path(db_path)
    archive = Archive.beside(path)
    items = [(data, Path(name).name) for data, name in files]
    results: list[IngestResult] = []
    with store.writer(path, on_wait=on_wait) as con:
        store.migrate(con)
        cat = catalogue_store.current(con)
        _ensure_ready(con, cat)
        stored = False
        history = History(con, _agencies(con))
        try:
            # One file: its verdicts in its own transaction. More: once at the end (a backlog meanwhile).
            with assessments.deferred(con, full=False) if len(items) > 1 else nullcontext():
                parsed_all = _parsed_in_workers(items, cat, default_workers() if workers is None else workers)
                for chunk in _chunks(zip(items, parsed_all), 64):
                    history.load(parsed.agency_code for _, parsed in chunk)   # one read for the next files
                    for (data, name), parsed in chunk:
                        _authorize_workbook(path, scope, data, name, None, con, parsed)
                        prep = _Upload.make(archive, data, name, scope, reason, None, None, None, True, None)
                        result = _commit_upload(con, cat, archive, prep, parsed=parsed, history=history)
                        stored = True
                        html = _receipt_of(path, con, result) if write_receipt else None
                        _deliver_receipt(path, result, html)
                        results.append(result)
                        if on_result is not None:
                            on_result(result)
        finally:
            if stored:
                snapshot.committed(path, con)   # one data version for the batch, inside the writer slot
    return results


def _chunks(iterable, size: int):
    chunk = []
    for item in iterable:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _ingest(con, cat: Catalogue, data: bytes, digest: str, entry: JournalEntry, received_at: datetime,
            commit_seq: int | None = None, parsed: ParsedWorkbook | None = None,
            history: History | None = None) -> tuple[IngestResult, int]:
    dup = con.execute("SELECT submission_id FROM submissions WHERE file_sha256 = ? ORDER BY received_at LIMIT 1",
                      [digest]).fetchone()
    if dup:
        report = Report(entry.file_name)
        with store.transaction(con):
            _insert_upload(con, entry, "duplicate", report, None, None)
            seq = _record_commit(con, "upload", entry, commit_seq)
        return IngestResult("duplicate", report, entry.upload_id, dup[0], commit_seq=seq,
                            message=f"Berkas yang sama persis sudah diterima sebagai {dup[0]}; tidak ada yang diubah.",
                            message_en=f"The byte-identical file was already accepted as {dup[0]}; nothing changed."), seq
    stored = None
    with store.transaction(con):
        result = _run_checks(con, cat, data, entry.file_name, parsed, received_at=received_at, reason=entry.reason,
                             expected_agency=entry.expected_agency, history=history,
                             expected_period=tuple(entry.expected_period) if entry.expected_period else None)
        report, wb = result.report, result.parsed
        if report.valid and wb.agency_code and wb.year and wb.quarter:   # reporting window, verified-quarter lock
            report.extend(verification.submission_gate(con, entry.file_name, wb.agency_code, wb.year, wb.quarter,
                                                       received_at))
        if not report.valid:
            _insert_upload(con, entry, "rejected", report, wb, None)
            outcome = IngestResult("rejected", report, entry.upload_id,
                                   message=f"Ditolak: {len(report.errors)} kesalahan harus diperbaiki.",
                                   message_en=f"Rejected: {len(report.errors)} error(s) must be fixed.")
        else:
            outcome, stored = _store_submission(con, cat, entry, report, wb, received_at)
        outcome.commit_seq = _record_commit(con, "upload", entry, commit_seq)
    if history is not None and stored is not None:   # committed: the next file of the batch sees it
        history.stored(wb.agency_code, wb.year, wb.quarter, *stored)
    return outcome, outcome.commit_seq


def _changed(old: tuple, new: tuple) -> bool:
    """Whether a target (low, high) differs from the one in force."""
    return any(abs((o or 0) - (n or 0)) > 1e-9 for o, n in zip(old, new))


def _insert_upload(con, entry: JournalEntry, outcome: str, report: Report, wb: ParsedWorkbook | None,
                   submission_id: str | None) -> None:
    con.execute("INSERT INTO uploads VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [
        entry.upload_id, datetime.fromisoformat(entry.received_at), entry.uploader, entry.file_name, entry.sha256,
        report.stats.get("size") or 0, outcome, wb.agency_code if wb else None, wb.year if wb else None,
        wb.quarter if wb else None, submission_id, len(report.errors), len(report.warnings), entry.reason])
    rows = [{"upload_id": entry.upload_id, "seq": n, "code": i.code, "severity": i.severity, "sheet": i.sheet,
             "cell": i.cell, "column_title": i.column, "value": i.value, "message": i.message("id"),
             "message_en": i.message("en")} for n, i in enumerate(report.issues, start=1)]
    reference.insert_rows(con, "upload_issues", rows)
    if entry.uploader != DEMO_UPLOADER:
        audit.record(con, actor=entry.uploader, action="upload",
                     target=(f"{wb.agency_code} {wb.year}Q{wb.quarter}" if wb and wb.agency_code else entry.file_name),
                     after={"outcome": outcome, "submission_id": submission_id, "file_sha256": entry.sha256,
                            "errors": len(report.errors), "warnings": len(report.warnings)},
                     detail=entry.reason, at=datetime.fromisoformat(entry.received_at))


def _store_submission(con, cat: Catalogue, entry: JournalEntry, report: Report, wb: ParsedWorkbook,
                      received_at: datetime) -> tuple[IngestResult, tuple[list, list, list]]:
    """Insert the submission's rows; returns the outcome and the (values, action-plan, target) rows stored."""
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
    in_force = {code: (lo, hi) for code, lo, hi in con.execute(
        "SELECT indicator_code, target_low, target_high FROM v_agency_targets WHERE agency_code = ? AND year = ?",
        [a, y]).fetchall()}
    versions = dict(con.execute("SELECT indicator_code, max(version) FROM targets WHERE agency_code = ? AND year = ? "
                                "GROUP BY indicator_code", [a, y]).fetchall())
    targets = [{"indicator_code": r.indicator_code, "agency_code": a, "year": y, "target_low": r.target_bounds[0],
                "target_high": r.target_bounds[1], "target_text": r.target_text,
                "version": versions.get(r.indicator_code, 0) + 1,
                "effective_from": periods.wib_day(received_at), "basis": "dinyatakan instansi / declared by the agency",
                "source": sid, "confidence": None, "submission_id": sid,
                "reason": (r.target_reason or entry.reason or None)}
               for r in wb.indicators
               if r.target_bounds[0] is not None and (r.indicator_code not in in_force or _changed(
                   in_force[r.indicator_code], r.target_bounds))]
    con.execute("INSERT INTO submissions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [
        sid, a, y, q, version, received_at, entry.uploader, entry.file_name, entry.sha256,
        wb.fingerprint.template_version if wb.fingerprint else None, entry.reason, synthetic,
        len(values), len(renaksi), len(report.warnings)])
    reference.insert_rows(con, "submission_values", values)
    reference.insert_rows(con, "renaksi_outputs", renaksi)
    reference.insert_rows(con, "targets", targets)
    _insert_upload(con, entry, "accepted", report, wb, sid)
    assessments.refresh(con, a, None if targets else (y, q))  # this agency's verdicts from this quarter on
    row = con.execute("SELECT deadline FROM reporting_calendar WHERE year = ? AND quarter = ?", [y, q]).fetchone()
    late = periods.days_late(received_at, row[0]) if row else 0
    status = timeliness_status(version, late)      # a later version after the deadline is a revision
    from indicators.texts import compliance_label
    from loaders.timefmt import date_text
    late_id = (f" {compliance_label(status)} {late} hari (batas waktu {date_text(row[0])})." if status == "late" else
               f" {compliance_label(status)} ({late} hari; batas waktu {date_text(row[0])})." if status == "revised"
               else "")
    late_en = (f" {compliance_label(status, 'en')} by {late} day(s) (deadline {date_text(row[0], 'en')})."
               if status == "late" else
               f" {compliance_label(status, 'en')} ({late} day(s); deadline {date_text(row[0], 'en')})."
               if status == "revised" else "")
    return IngestResult("accepted", report, entry.upload_id, sid, version,
                        message=f"Diterima sebagai {sid} ({len(values)} nilai, {len(renaksi)} rencana aksi, "
                                f"{len(report.warnings)} peringatan).{late_id}",
                        message_en=f"Accepted as {sid} ({len(values)} values, {len(renaksi)} action-plan rows, "
                                   f"{len(report.warnings)} warnings).{late_en}"), (values, renaksi, targets)



# ------------------------------------------------------------------ registry import
def preview_registry(data: bytes, file_name: str, *, scope: Scope, db_path=None) -> tuple[RegistryDiff | None, list]:
    """What importing this agency list would change, per agency (`RegistryDiff`), without writing anything.

    `None` (and the problems) when any row has an error: such a file is never applied. Admins only."""
    path = store.resolve_db_path(db_path)
    authorize(path, scope, "registry", detail=f"preview {Path(file_name).name}")
    agencies, problems = read_registry_file(data, file_name)
    if any(p.severity == ERROR for p in problems):
        return None, problems
    current = []
    if path.exists():
        with store.session(path, read_only=True) as con:
            current = reference.current_agencies(con) if store.has_schema(con) else []
    return diff_registry(current, agencies), problems


def import_registry(data: bytes, file_name: str, *, scope: Scope, db_path=None, journal: bool = True,
                    received_at: datetime | None = None, con=None, entry_id: str | None = None,
                    commit_seq: int | None = None, on_wait=None) -> tuple[dict, list]:
    """Upsert agencies from a ministry-supplied csv/xlsx. Nothing changes when any row has an error.

    Admins (or operator tools) only. The audit trail gets one `registry_import` entry with the counts and,
    per agency that changes, one `agency_change` entry with its before → after (`diff_registry`, the same
    diff `preview_registry` shows). The returned counts add the diff's counts (renamed, ended, successor,
    changed) to the upsert's. Journaled like an upload: it counts for `rebuild` only once its transaction
    committed.
    """
    path = store.resolve_db_path(db_path)
    authorize(con if con is not None else path, scope, "registry", detail=f"import {Path(file_name).name}")
    uploader = scope.username
    agencies, problems = read_registry_file(data, file_name)
    errors = [p for p in problems if p.severity == ERROR]
    if errors:
        return {"added": 0, "updated": 0, "unchanged": 0, "rejected": True}, problems
    archive = Archive.beside(path)
    received_at = received_at or utc_now()
    digest = archive.store(data) if journal else sha256(data)
    entry_id = entry_id or f"R{received_at:%Y%m%d%H%M%S%f}-{digest[:8]}-{secrets.token_hex(3)}"
    entry = JournalEntry("registry", entry_id, received_at.isoformat(), uploader, Path(file_name).name, digest)

    def work():
        with store.transaction(con):
            diff = diff_registry(reference.current_agencies(con), agencies)
            counts = reference.upsert_agencies(con, agencies)
            counts.update({k: v for k, v in diff.counts.items() if k not in counts})
            if journal:
                audit.record(con, actor=uploader, role=scope.role, action="registry_import",
                             target=Path(file_name).name, after=counts, detail=f"sha256 {digest}", at=received_at)
                for change in diff.changes:
                    audit.record(con, actor=uploader, role=scope.role, action="agency_change", target=change.code,
                                 before=agency_record(change.before), after=agency_record(change.after),
                                 detail=f"{', '.join(change.kinds)}; {Path(file_name).name}", at=received_at)
            seq = _record_commit(con, "registry", entry, commit_seq)
        return counts, seq

    own = con is None
    with _writer(path, con, on_wait) as con:
        store.migrate(con)
        _ensure_ready(con, catalogue_store.current(con))
        counts = _journaled(archive, con, entry, work) if journal else work()[0]
        if own:
            snapshot.committed(path, con)
    return counts, problems


# ------------------------------------------------------------------ rebuild from the archive
def _live_commits(path: Path, archive: Archive, in_place: bool) -> tuple[dict[str, int], str | None]:
    """What the live database says it committed (entry id → commit number); settles the journal tail
    when rebuilding in place. Read-only for `--out`, so nothing outside the output is written."""
    if not path.exists():
        return {}, None
    try:
        with store.session(path, read_only=not in_place) as con:
            if in_place:
                store.migrate(con)
                archive.settle_tail(lambda entry_id: _commit_seq(con, entry_id))
            if con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'commits'").fetchone()[0]:
                return dict(con.execute("SELECT entry_id, seq FROM commits").fetchall()), None
            if store.has_schema(con):   # schema version 1: uploads numbered by arrival, as migration 2 does
                rows = con.execute("SELECT upload_id FROM uploads ORDER BY received_at, upload_id").fetchall()
                return {r[0]: n for n, r in enumerate(rows, start=1)}, None
            return {}, None
    except store.DatabaseBusy:
        raise
    except duckdb.Error as exc:
        return {}, f"{type(exc).__name__}: {exc}"


def rebuild(db_path=None, out_path=None, *, on_wait=None) -> dict:
    """Recreate the database from the catalogue, the registry and the committed journal, in commit order.

    The new database is built beside its target (`<target>.rebuild`) and swapped in atomically, so a crash
    leaves either the old or the new file. `out_path` writes only there (and its own `receipts/` folder when
    that is not the live one); in place, the writer slot is held from the first read to the swap.
    """
    path = store.resolve_db_path(db_path).resolve()
    archive = Archive.beside(path)
    target = Path(out_path).resolve() if out_path else path
    in_place = target == path
    tmp = target.with_name(target.name + ".rebuild")
    counts: dict = {"uploads": 0, "registry": 0}
    with ExitStack() as stack:
        stack.enter_context(store.writer_lock(path, on_wait=on_wait))
        db_commits, problem = _live_commits(path, archive, in_place)
        history = archive.committed(db_commits)
        if problem:
            counts["warning"] = f"live database unreadable, journal markers only: {problem}"
        if not in_place:
            stack.close()            # the snapshot of history is taken; writers may continue meanwhile
        for p in (tmp, Path(str(tmp) + ".wal")):
            p.unlink(missing_ok=True)
        init_database(tmp, publish=False)   # readers keep the old state until the rebuilt file replaces it
        carry = path.exists() and problem is None
        with store.session(tmp) as con:
            if carry:
                _carry_over_accountability(con, path, CARRIED_OVER[:-1])   # before replay: windows and locks apply
            with assessments.deferred(con):  # verdicts recomputed once at the end
                for seq, e in history:
                    data = archive.read(e.sha256)
                    when = datetime.fromisoformat(e.received_at)
                    if e.kind == "registry":
                        import_registry(data, e.file_name, scope=Scope.system(e.uploader), db_path=tmp,
                                        journal=False, received_at=when, con=con, entry_id=e.upload_id,
                                        commit_seq=seq)
                        counts["registry"] += 1
                    else:
                        ingest_file(data, e.file_name, scope=Scope.system(e.uploader), db_path=tmp, reason=e.reason,
                                    expected_agency=e.expected_agency, expected_period=e.expected_period,
                                    received_at=when, journal=False, upload_id=e.upload_id, con=con,
                                    commit_seq=seq, write_receipt=False)
                        counts["uploads"] += 1
            if carry:
                _carry_over_accountability(con, path, ("audit_log",))      # the trail as it was, not the replay's
            con.execute("CHECKPOINT")
        # the target's own write-ahead log belongs to the file being replaced: never let it meet the new one
        store.set_aside_stale_wal(target)
        os.replace(tmp, target)
        store.lock_path(tmp).unlink(missing_ok=True)
        audit.anchor_path(tmp).unlink(missing_ok=True)   # the replay's own heads; the trail carried over keeps its anchors
        if in_place:   # --out never touches the live database's data version or snapshots
            snapshot.committed(target)
    counts["db"] = str(target)
    if in_place or receipts_dir(target) != receipts_dir(path):
        counts["receipts"] = write_receipts(target, missing_only=in_place)
    return counts


# Tables that are not in the archive: accounts, the audit trail, admin calendar windows, reviews, reopenings
# and reminders. A rebuild copies them from the database it replaces, as they are.
CARRIED_OVER = ("catalogue_versions", "users", "calendar_changes", "submission_reviews", "quarter_reopenings",
                "reminders", "audit_log")


def _carry_over_accountability(con, old_path: Path, tables: tuple[str, ...]) -> None:
    con.execute("ATTACH ? AS old_db (READ_ONLY)", [str(old_path)])
    try:
        present = {r[0] for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = 'old_db'").fetchall()}
        with store.transaction(con):
            for table in tables:
                con.execute(f"DELETE FROM {table}")
                if table in present:
                    con.execute(f"INSERT INTO {table} SELECT * FROM old_db.{table}")
            verification.reapply_calendar_changes(con)
            if "catalogue_versions" in tables:
                reference.load_catalogue_tables(con, catalogue_store.current(con))
    finally:
        con.execute("DETACH old_db")


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
    from loaders.template import TemplatePrefill, is_band
    targets: dict = {}
    bands: dict = {}
    band_codes = {ind.code for ind in cat.indicators if is_band(ind)}
    for ind in cat.indicators:
        tv = ind.target_for(year) if ind.level == "agency" and ind.code not in band_codes else None
        if tv is not None:   # a band indicator's national band is not an agency's own: its cells stay empty
            targets[ind.code] = tv.text if ind.value_type == "category" else tv.low
    if con is None:
        return TemplatePrefill(targets=targets)
    for code, low, high, text in con.execute(
            "SELECT indicator_code, v.target_low, v.target_high, t.target_text FROM v_agency_targets v "
            "JOIN targets t USING (agency_code, indicator_code, year, version) "
            "WHERE v.agency_code = ? AND v.year = ?", [agency_code, year]).fetchall():
        if code in band_codes:
            if low is not None and high is not None and low < high:     # the agency's own band carries over
                bands[code] = (low, high)
            continue
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
            "              AND quarter_key(year, quarter) < quarter_key(?, ?)), "
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
                           evidence_hint=hints, renaksi=renaksi, renaksi_done=done, bands=bands)


class UnknownAgency(KeyError):
    pass


class AgencyInactive(ValueError):
    """No template for a quarter the agency does not exist in: the check would reject the filled file."""

    def __init__(self, issue: Issue):
        super().__init__(f"{issue.message('id')} / {issue.message('en')}")
        self.issue = issue

    def message(self, lang: str = "id") -> str:
        return self.issue.message(lang)


def template_bytes(agency_code: str, year: int, quarter: int, *, scope: Scope, db_path=None, con=None,
                   fill=None) -> bytes:
    """The quarterly workbook for one agency, prefilled from its accepted history (previous values, targets,
    evidence links: only for a caller whose scope includes the agency; a refusal is audited).

    `fill` (a TemplatePrefill) writes values on top, as an agency would type them: the demo generator and
    the tests use it to produce filled workbooks in one pass.
    """
    from loaders.registry import Agency
    from loaders.template import write_template
    path = store.resolve_db_path(db_path)
    if not scope.reads_all:
        authorize(con if con is not None else path, scope, "template", agency_code)
    cat = load_catalogue()
    agency = None
    own = con is None
    if own and path.exists():
        con = store.connect(path)
    try:
        if con is not None and store.has_schema(con):
            cat = catalogue_store.current(con)
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
        inactive = agency_inactive(agency_code, agency.valid_from, agency.valid_to, year, quarter)
        if inactive is not None:        # the same rule and words as the check of the filled file
            raise AgencyInactive(inactive)
        prefill = template_prefill(con, cat, agency_code, year, quarter)
        if fill is not None:
            prefill.targets.update(fill.targets)
            prefill.bands.update(fill.bands)
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
    from loaders.xlsx_guard import UnsafeWorkbook, guard
    try:
        guard(data)
    except UnsafeWorkbook as exc:
        raise CatalogueError([CatalogueProblem(file_name, "(katalog)", "",
                                               f"berkas ditolak / file refused: {exc}")]) from exc
    return import_catalogue_xlsx(data, file_name)


def annotate_bytes(data: bytes, report: Report, lang: str = "id") -> bytes:
    """The uploaded workbook with its problems marked (`loaders.annotate`), built in a child process with a
    memory and time limit (`loaders.isolated`): this process never parses the upload with openpyxl. When
    the child fails (out of memory or time), the problem list alone, with a note that says so."""
    from loaders import isolated
    from loaders.annotate import problem_list_workbook
    try:
        return isolated.run("loaders.annotate:annotate_workbook", bytes(data), list(report.issues), lang)
    except Exception as exc:          # LimitExceeded, or the child could not start or failed
        log.warning("annotated workbook: %s; giving the problem list only", exc)
        return problem_list_workbook(report.issues, lang)


__all__ = ["Scope", "ScopeDenied", "CheckResult", "IngestResult", "check_file", "ingest_file", "init_database", "rebuild",
           "template_bytes", "AgencyInactive", "annotate_bytes", "import_registry", "preview_registry", "Issue",
           "DEMO_UPLOADER", "sha256"]


# ------------------------------------------------------------------ the printable briefing (CLI and pages)
def briefing_pdf(year: int, quarter: int, *, lang: str = "id", db_path=None, final: bool = False,
                 generated_at: datetime | None = None) -> bytes:
    """The A4 PDF briefing for one quarter (`final=True`: the end-of-roadmap edition), as bytes.
    Raises LookupError when the year is outside every roadmap period."""
    from indicators import briefing_final, briefing_pdf as pdf
    with store.session(store.resolve_db_path(db_path)) as con:
        if final:  # the end-of-roadmap report of the period that contains `year` (its own document)
            data = briefing_final.gather(con, briefing_final.period_for_year(con, year))
        else:
            data = pdf.gather(con, year, quarter)
    return (briefing_final if final else pdf).render(data, lang, generated_at)
