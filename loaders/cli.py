"""`python -m loaders ...`: a thin layer over loaders.api (the upload page calls the same functions).

Exit codes: 0 every file valid/accepted (warnings allowed), 1 any file rejected, 2 usage error,
3 the database stayed busy (longer than PANTAURB_LOCK_WAIT for writers, PANTAURB_READ_WAIT for reads): retry.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from loaders import api, store
from loaders.auth import Scope


def operator() -> Scope:
    """The CLI runs on the server as an operator: recorded as cli:<OS user>, never a typed name."""
    import getpass
    return Scope.system(f"cli:{getpass.getuser()}")

DB_OPTION = click.option("--db", "db", type=click.Path(dir_okay=False), default=None,
                         help="Database file (else env PANTAURB_DB, else data/pantaurb.duckdb).")
FORMAT_OPTION = click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
                             show_default=True, help="text for people, json for scripts.")
LANG_OPTION = click.option("--lang", type=click.Choice(["id", "en"]), default="id", show_default=True,
                           help="Language of text output (Bahasa Indonesia or English).")


def _say(id_text: str, en_text: str, lang: str) -> str:
    return en_text if lang == "en" else id_text


class _Cli(click.Group):
    """Every command: a busy database is a message and exit code 3, never a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except store.DatabaseBusy as exc:
            click.echo(str(exc), err=True)
            ctx.exit(store.EXIT_BUSY)


def _waiting(seconds: float, holder: str) -> None:
    click.echo(f"… menunggu giliran menulis / waiting for the writer slot ({holder or '?'}): {seconds:.0f} s",
               err=True)


@click.group(cls=_Cli, context_settings={"help_option_names": ["-h", "--help"]})
def cli():
    """PantauRB: quarterly RB reports — templates, checks, ingestion, archive."""


@cli.command()
@DB_OPTION
def init(db):
    """Create or migrate the database and load catalogue, agency registry and calendar (idempotent)."""
    counts = api.init_database(db, on_wait=_waiting)
    click.echo(json.dumps(counts, default=str, ensure_ascii=False, indent=1))


@cli.command()
@click.option("--agency", required=True, help="Agency code, e.g. 32.73 or KL-PANRB.")
@click.option("--year", type=int, required=True)
@click.option("--quarter", type=click.IntRange(1, 4), required=True)
@click.option("--out", type=click.Path(dir_okay=False), required=True, help="Where to write the .xlsx.")
@DB_OPTION
def template(agency, year, quarter, out, db):
    """Write the quarterly template for one agency and quarter, prefilled from its history."""
    try:
        data = api.template_bytes(agency, year, quarter, scope=operator(), db_path=db)
    except api.UnknownAgency as exc:
        raise click.UsageError(str(exc.args[0]))
    except api.AgencyInactive as exc:       # exit 2, like an unknown agency; both languages
        raise click.UsageError(str(exc))
    Path(out).write_bytes(data)
    click.echo(out)


def _read(path: str) -> bytes:
    return Path(path).read_bytes()


def _emit_reports(results: list[dict], fmt: str, lang: str, texts: list[str]) -> None:
    if fmt == "json":
        click.echo(json.dumps(results, ensure_ascii=False, indent=1, default=str))
    else:
        for text in texts:
            click.echo(text)


def _progress(files, lang):
    if len(files) > 5 and sys.stderr.isatty():
        return click.progressbar(files, label=_say("Memproses", "Processing", lang), file=sys.stderr)
    return _NullBar(files)


class _NullBar:
    def __init__(self, items):
        self.items = items

    def __enter__(self):
        return self.items

    def __exit__(self, *exc):
        return False


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@DB_OPTION
@FORMAT_OPTION
@LANG_OPTION
@click.option("--agency", "expected_agency", default=None, help="Reject files that are for another agency.")
@click.option("--annotate", "annotate_out", type=click.Path(dir_okay=False), default=None,
              help="Write the (single) workbook back with problem cells marked.")
def check(files, db, fmt, lang, expected_agency, annotate_out):
    """Validate workbooks; writes nothing to the database."""
    results, texts, bad = [], [], False
    with _progress(files, lang) as items:
        for f in items:
            data = _read(f)
            res = api.check_file(data, Path(f).name, scope=operator(), db_path=db, expected_agency=expected_agency)
            bad |= not res.report.valid
            results.append(res.report.to_dict())
            texts.append(res.report.to_text(lang))
            if annotate_out and len(files) == 1:
                Path(annotate_out).write_bytes(api.annotate_bytes(data, res.report, lang))
    _emit_reports(results, fmt, lang, texts)
    sys.exit(1 if bad else 0)


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@DB_OPTION
@FORMAT_OPTION
@LANG_OPTION
@click.option("--reason", default=None, help="Why this file replaces an earlier one (required after the deadline).")
@click.option("--annotate", "annotate_out", type=click.Path(dir_okay=False), default=None,
              help="Write the (single) workbook back with problem cells marked.")
@click.option("--workers", type=click.IntRange(min=0), default=None,
              help="Processes that read workbooks in parallel (default: cores - 1, at most 4; 0: none).")
def ingest(files, db, fmt, lang, reason, annotate_out, workers):
    """Validate and store workbooks: one transaction per file, all rows or none (uploader: cli:<OS user>).
    The files share one writer slot and are read in parallel; each gets the outcome it would get alone."""
    scope = operator()
    results, texts = [], []

    def show(res) -> None:
        f = files[len(results)]
        next(ticks, None)
        d = res.report.to_dict()
        d.update(outcome=res.outcome, upload_id=res.upload_id, submission_id=res.submission_id,
                 version=res.version, receipt=str(res.receipt_path) if res.receipt_path else None,
                 receipt_error=res.receipt_error, message=res.message, message_en=res.message_en)
        results.append(d)
        text = res.report.to_text(lang) + "\n  → " + _say(res.message, res.message_en, lang)
        if res.receipt_path:
            text += "\n  " + _say("Tanda terima: ", "Receipt: ", lang) + str(res.receipt_path)
        if res.receipt_error:
            text += "\n  " + _say(
                f"Data TERSIMPAN, tetapi tanda terima gagal ditulis ({res.receipt_error}); jalankan: "
                "python -m loaders receipts --missing",
                f"Data STORED, but the receipt could not be written ({res.receipt_error}); run: "
                "python -m loaders receipts --missing", lang)
        texts.append(text)
        if annotate_out and len(files) == 1:
            Path(annotate_out).write_bytes(api.annotate_bytes(_read(f), res.report, lang))

    try:
        with _progress(files, lang) as bar:
            ticks = iter(bar)
            api.ingest_batch(((_read(f), Path(f).name) for f in files), scope=scope, db_path=db, reason=reason,
                             on_wait=_waiting, workers=workers, on_result=show)
    except store.DatabaseBusy as exc:   # the writer slot stayed taken: nothing was tried
        _emit_reports(results, fmt, lang, texts)
        click.echo(_say(f"{exc}\n{len(results)} berkas selesai, {len(files) - len(results)} belum diproses; "
                        "ulangi untuk sisanya.",
                        f"{exc}\n{len(results)} file(s) finished, {len(files) - len(results)} not processed; "
                        "run again for the rest.", lang), err=True)
        sys.exit(store.EXIT_BUSY)
    _emit_reports(results, fmt, lang, texts)
    sys.exit(1 if any(d["outcome"] == "rejected" for d in results) else 0)


@cli.command()
@DB_OPTION
@click.option("--out", type=click.Path(dir_okay=False), default=None,
              help="Write the rebuilt database here instead of replacing --db (same folder).")
def rebuild(db, out):
    """Recreate the database from the catalogue and the committed journal, in commit order.

    With --out, only that file (and the receipts/ folder beside it, when it is not the live one) is written."""
    click.echo(json.dumps(api.rebuild(db, out, on_wait=_waiting), ensure_ascii=False, indent=1, default=str))


@cli.command()
@click.argument("mode", type=click.Choice(["on", "off", "status"]), default="status")
@DB_OPTION
def snapshots(mode, db):
    """Store whether this installation publishes read-only snapshots for the dashboard readers (on/off), or
    show the mode. Stored beside the database: every later command and reader follows it (the variable
    PANTAURB_SNAPSHOTS=1/0 overrides it for one process)."""
    from loaders import snapshot
    if mode != "status":
        snapshot.set_enabled(db, mode == "on", on_wait=_waiting)
    cur = snapshot.current(db)
    click.echo(json.dumps({"stored": snapshot.stored_setting(db), "enabled": snapshot.enabled(db),
                           "override": os.environ.get(snapshot.ENV_ENABLED) or None, "version": cur.version,
                           "reading": str(cur.path)}, ensure_ascii=False, indent=1))


@cli.command()
@DB_OPTION
@click.option("--missing/--all", "missing", default=True, show_default=True,
              help="Write only receipts that do not exist yet, or rewrite all of them.")
@click.option("--dir", "out_dir", type=click.Path(file_okay=False), default=None,
              help="Folder to write to (default: receipts/ beside the database).")
def receipts(db, missing, out_dir):
    """(Re)write receipts of accepted submissions from the database."""
    click.echo(json.dumps(api.write_receipts(db, out_dir, missing_only=missing), ensure_ascii=False, indent=1))


@cli.command()
@click.argument("out", type=click.Path(file_okay=False))
@DB_OPTION
def backup(out, db):
    """Copy database, archive, journal and receipts into the new folder OUT, all at one commit.

    Safe while the dashboard runs; writers wait their turn meanwhile."""
    from loaders.backup import BackupError, backup as run_backup
    try:
        click.echo(json.dumps(run_backup(db, out, on_wait=_waiting), ensure_ascii=False, indent=1))
    except BackupError as exc:
        raise click.UsageError(str(exc))


@cli.command()
@click.argument("backup_dir", type=click.Path(file_okay=False, exists=True))
@DB_OPTION
@click.option("--force", is_flag=True, help="Replace an existing database (its journal is replaced too).")
def restore(backup_dir, db, force):
    """Put a folder written by `backup` back as the database (with archive/ and receipts/ beside it)."""
    from loaders.backup import BackupError, restore as run_restore
    try:
        click.echo(json.dumps(run_restore(backup_dir, db, force=force, on_wait=_waiting), ensure_ascii=False, indent=1))
    except BackupError as exc:
        raise click.UsageError(str(exc))


@cli.command()
@DB_OPTION
@click.option("--agencies", "n_agencies", type=int, default=None,
              help="Limit the number of demo agencies (default: all in the demo set).")
@click.option("--years", default="2020-2024", show_default=True, help="Year range, e.g. 2023-2024.")
@click.option("--if-missing", is_flag=True, help="Do nothing when the database already exists.")
def demo(db, n_agencies, years, if_missing):
    """Build the embedded demo: generate filled workbooks and ingest them through the normal path."""
    from loaders import demo as demo_mod
    path = store.resolve_db_path(db)
    if if_missing and path.exists():
        click.echo(_say(f"Basis data sudah ada: {path}", f"Database exists: {path}", "id"))
        return
    first, _, last = years.partition("-")
    stats = demo_mod.build_demo(path, years=range(int(first), int(last or first) + 1), n_agencies=n_agencies,
                                echo=lambda s: click.echo(s, err=True))
    click.echo(json.dumps(stats, ensure_ascii=False, indent=1, default=str))


@cli.command()
@click.option("--year", type=int, required=True)
@click.option("--quarter", type=click.IntRange(1, 4), required=True)
@click.option("--out", type=click.Path(dir_okay=False), required=True, help="Where to write the .pdf.")
@click.option("--final", is_flag=True, help="The end-of-roadmap edition (title 'Capaian Akhir').")
@LANG_OPTION
@DB_OPTION
def briefing(year, quarter, out, final, lang, db):
    """Write the printable A4 briefing (PDF) for one quarter: headline, one page per theme, annex, sources."""
    try:
        data = api.briefing_pdf(year, quarter, lang=lang, db_path=db, final=final)
    except store.DatabaseBusy as exc:
        raise click.ClickException(str(exc))
    except LookupError as exc:
        raise click.UsageError(_say(f"Tahun {year} di luar periode road map: {exc}",
                                    f"Year {year} is outside every roadmap period: {exc}", lang))
    Path(out).write_bytes(data)
    click.echo(out)


@cli.group()
def registry():
    """The agency registry (K/L, provinces, kabupaten/kota)."""


@registry.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Only show the per-agency diff; change nothing.")
@DB_OPTION
@LANG_OPTION
def registry_import(file, dry_run, db, lang):
    """Import a ministry-supplied agency list (csv or xlsx): first the per-agency diff (added, renamed, ended,
    successor, changed), then the import. Nothing changes if any row is wrong, or with --dry-run."""
    data, name = _read(file), Path(file).name
    diff, problems = api.preview_registry(data, name, scope=operator(), db_path=db)
    for p in problems:
        click.echo(f"  {p.severity:<8} row {p.row} {p.column or ''}: {p.message_en if lang == 'en' else p.message}")
    if diff is None:
        click.echo(json.dumps({"added": 0, "updated": 0, "unchanged": 0, "rejected": True}))
        sys.exit(1)
    en = lang == "en"
    click.echo(("Changes per agency" if en else "Perubahan per instansi") + f" ({len(diff.changes)}):")
    for line in diff.lines(lang):
        click.echo(f"  {line}")
    if dry_run:
        click.echo(json.dumps({**diff.counts, "dry_run": True}))
        click.echo("Dry run: nothing was changed." if en else "Uji coba: tidak ada yang diubah.")
        return
    counts, problems = api.import_registry(data, name, scope=operator(), db_path=db, on_wait=_waiting)
    click.echo(json.dumps(counts))
    sys.exit(1 if counts.get("rejected") else 0)


@cli.command("issues")
@LANG_OPTION
def issue_codes(lang):
    """List every problem code with its severity and message template."""
    from loaders.issues import ISSUE_TYPES
    for t in ISSUE_TYPES.values():
        click.echo(f"{t.code:<32} {t.severity:<8} {t.template_en if lang == 'en' else t.template}")


@cli.group()
def catalogue():
    """The indicator catalogue (indicators/catalogue.yaml)."""


@catalogue.command("export")
@click.argument("out", type=click.Path(dir_okay=False))
@DB_OPTION
def catalogue_export(out, db):
    """Write the catalogue in force (the database's newest version, else the shipped YAML) as an xlsx."""
    from indicators.catalogue_xlsx import export_catalogue_xlsx
    from loaders import catalogue_store
    path = store.resolve_db_path(db)
    if path.exists():
        with store.session(path) as con:
            cat = catalogue_store.current(con)
    else:
        cat = catalogue_store.current(None)
    export_catalogue_xlsx(cat, out)
    click.echo(out)


@catalogue.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--apply/--dry-run", "apply_", default=False,
              help="Store it in the database as the catalogue in force (default: only check).")
@click.option("--reason", default=None, help="Why the catalogue changes (required with --apply).")
@DB_OPTION
def catalogue_import(file, apply_, reason, db):
    """Check an edited catalogue xlsx and, with --apply --reason, make it the catalogue in force (a new
    version in the database with who, when and why; the source tree is never written)."""
    from indicators.catalogue import CatalogueError
    from loaders import catalogue_store
    try:
        cat = api.read_catalogue_upload(_read(file), Path(file).name)
    except CatalogueError as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    click.echo(f"{len(cat.indicators)} indikator / indicators OK")
    if apply_:
        path = store.resolve_db_path(db)
        try:
            with store.session(path) as con:
                store.migrate(con)
                with store.transaction(con):
                    version = catalogue_store.save(con, operator(), cat, reason or "")
        except ValueError as exc:
            raise click.UsageError(str(exc))
        click.echo(f"→ katalog versi / catalogue version {version} ({path})")


from loaders.cli_admin import register as _register_admin  # noqa: E402  (users, calendar, audit)

_register_admin(cli, DB_OPTION)
