"""`python -m loaders ...`: a thin layer over loaders.api (the upload page calls the same functions).

Exit codes: 0 every file valid/accepted (warnings allowed), 1 any file rejected, 2 usage error.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from loaders import api, snapshot, store

DB_OPTION = click.option("--db", "db", type=click.Path(dir_okay=False), default=None,
                         help="Database file (else env PANTAURB_DB, else data/pantaurb.duckdb).")
FORMAT_OPTION = click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
                             show_default=True, help="text for people, json for scripts.")
LANG_OPTION = click.option("--lang", type=click.Choice(["id", "en"]), default="id", show_default=True,
                           help="Language of text output (Bahasa Indonesia or English).")


def _say(id_text: str, en_text: str, lang: str) -> str:
    return en_text if lang == "en" else id_text


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli():
    """PantauRB: quarterly RB reports — templates, checks, ingestion, archive."""


@cli.command()
@DB_OPTION
def init(db):
    """Create or migrate the database and load catalogue, agency registry and calendar (idempotent)."""
    try:
        counts = api.init_database(db)
    except store.DatabaseBusy as exc:
        raise click.ClickException(str(exc))
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
        data = api.template_bytes(agency, year, quarter, db_path=db)
    except api.UnknownAgency as exc:
        raise click.UsageError(str(exc.args[0]))
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
            res = api.check_file(data, Path(f).name, db_path=db, expected_agency=expected_agency)
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
@click.option("--uploader", default=None, help="Who submits (default: the OS user).")
@click.option("--annotate", "annotate_out", type=click.Path(dir_okay=False), default=None,
              help="Write the (single) workbook back with problem cells marked.")
def ingest(files, db, fmt, lang, reason, uploader, annotate_out):
    """Validate and store workbooks: one transaction per file, all rows or none."""
    import getpass
    uploader = uploader or f"cli:{getpass.getuser()}"
    results, texts, bad, changed = [], [], False, False
    try:
        with _progress(files, lang) as items:
            for f in items:
                data = _read(f)
                try:
                    res = api.ingest_file(data, Path(f).name, uploader=uploader, db_path=db, reason=reason,
                                          publish=False)
                except store.DatabaseBusy as exc:
                    raise click.ClickException(str(exc))
                changed = True
                bad |= res.outcome == "rejected"
                d = res.report.to_dict()
                d.update(outcome=res.outcome, upload_id=res.upload_id, submission_id=res.submission_id,
                         version=res.version, receipt=str(res.receipt_path) if res.receipt_path else None,
                         message=res.message, message_en=res.message_en)
                results.append(d)
                text = res.report.to_text(lang) + "\n  → " + _say(res.message, res.message_en, lang)
                if res.receipt_path:
                    text += "\n  " + _say("Tanda terima: ", "Receipt: ", lang) + str(res.receipt_path)
                texts.append(text)
                if annotate_out and len(files) == 1:
                    Path(annotate_out).write_bytes(api.annotate_bytes(data, res.report, lang))
    finally:
        if changed:  # one new data version (and snapshot) for the whole batch
            snapshot.committed(db)
    _emit_reports(results, fmt, lang, texts)
    sys.exit(1 if bad else 0)


@cli.command()
@DB_OPTION
@click.option("--out", type=click.Path(dir_okay=False), default=None,
              help="Write the rebuilt database here instead of replacing --db (same folder).")
def rebuild(db, out):
    """Recreate the whole database from the archive and the catalogue."""
    click.echo(json.dumps(api.rebuild(db, out), ensure_ascii=False, indent=1))


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


@cli.group()
def registry():
    """The agency registry (K/L, provinces, kabupaten/kota)."""


@registry.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@DB_OPTION
@LANG_OPTION
@click.option("--uploader", default=None)
def registry_import(file, db, lang, uploader):
    """Import a ministry-supplied agency list (csv or xlsx); nothing changes if any row is wrong."""
    import getpass
    counts, problems = api.import_registry(_read(file), Path(file).name, uploader=uploader or f"cli:{getpass.getuser()}",
                                           db_path=db)
    for p in problems:
        click.echo(f"  {p.severity:<8} row {p.row} {p.column or ''}: {p.message_en if lang == 'en' else p.message}")
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
def catalogue_export(out):
    """Write the catalogue as an xlsx ministry staff can edit."""
    from indicators.catalogue import load_catalogue
    from indicators.catalogue_xlsx import export_catalogue_xlsx
    export_catalogue_xlsx(load_catalogue(), out)
    click.echo(out)


@catalogue.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--write/--dry-run", default=False, help="Replace indicators/catalogue.yaml (default: only check).")
def catalogue_import(file, write):
    """Check an edited catalogue xlsx and, with --write, make it the catalogue."""
    from indicators.catalogue import CatalogueError, dump_catalogue, DEFAULT_PATH
    try:
        cat = api.read_catalogue_upload(_read(file), Path(file).name)
    except CatalogueError as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    click.echo(f"{len(cat.indicators)} indikator / indicators OK")
    if write:
        dump_catalogue(cat, DEFAULT_PATH)
        click.echo(f"→ {DEFAULT_PATH}; jalankan / run: python -m loaders init")
