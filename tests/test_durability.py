"""Crash, lock and recovery behaviour on real files and real processes.

Every scenario ends with the same proof: `rebuild --out` from the archive and the committed journal equals
the live database (values, submissions, uploads and their problems, the commit log, agencies) and the
receipts regenerated from either database are byte-identical. Processes are killed with SIGKILL, at random
moments (seeded, so a failure can be replayed) and at the exact windows of the protocol (inside the
transaction, between commit and journal marker, between marker and receipt).
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from indicators import queries
from loaders import api, assessments, store
from loaders.auth import Scope
from loaders.archive import Archive
from loaders.backup import backup, restore
from loaders.registry import load_registry
from test_api import CITY, filled

ROOT = Path(__file__).resolve().parent.parent
COMPARED = ("v_values", "v_submissions", "uploads", "upload_issues", "commits", "v_renaksi", "v_agency_targets",
            "agencies")
VERDICTS = ("assessments", "national_assessments")

# A real process that dies (SIGKILL-like, no clean-up) at one exact point of the protocol.
CRASHING_CLI = """
import os, sys
from loaders import api, archive
point = sys.argv.pop(1)
die = lambda *a, **k: os._exit(9)
if point == "in-transaction":
    api._record_commit = die
elif point == "after-commit":
    archive.Archive.mark_committed = die
elif point == "before-receipt":
    api._write_receipt = die
elif point == "in-second-transaction":
    first = api._record_commit
    seen = []
    def second_dies(*a, **k):
        seen.append(1)
        return die() if len(seen) == 2 else first(*a, **k)
    api._record_commit = second_dies
from loaders.cli import cli
cli(prog_name="loaders")
"""


def _env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("PANTAURB_LOCK_WAIT", "PANTAURB_READ_WAIT", "PANTAURB_DB")}
    env["PYTHONPATH"] = str(ROOT)
    env.update(extra)
    return env


def loaders_cli(*args, crash: str | None = None, **kw) -> subprocess.Popen:
    cmd = [sys.executable, "-c", CRASHING_CLI, crash, *args] if crash else [sys.executable, "-m", "loaders", *args]
    return subprocess.Popen(cmd, cwd=ROOT, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


def run(*args, crash=None) -> subprocess.CompletedProcess:
    p = loaders_cli(*args, crash=crash)
    out, err = p.communicate(timeout=300)
    return subprocess.CompletedProcess(p.args, p.returncode, out, err)


def snapshot(db: Path) -> dict:
    with store.session(db, read_only=True) as con:
        return {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in COMPARED}


def regenerated_receipts(db: Path, folder: Path) -> dict[str, str]:
    api.write_receipts(db, folder, missing_only=False)
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.html"))}


def live_files(db: Path) -> dict[str, tuple]:
    """Everything beside the live database except the writer-lock file (its holder note is rewritten)."""
    return {str(p): (p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(db.parent.rglob("*"))
            if p.is_file() and not p.name.endswith(".writer.lock")}


def verdicts(db: Path) -> dict:
    with store.session(db, read_only=True) as con:
        return {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in VERDICTS}


def assert_verdicts_equal_or_announced(db: Path, rebuilt: Path, scratch: Path, pending_allowed: bool) -> None:
    """The live verdicts equal the rebuilt ones. Only a batch cut short may leave some waiting
    (`pending_allowed`): then every page names exactly those agencies with the time they began to wait, and
    the live database once settled (what the next writer does first) equals the rebuild."""
    from indicators import queries
    with store.session(db, read_only=True) as con:
        backlog = assessments.backlog(con)
        pending = queries.pending_verdicts(con)
    if backlog:
        assert pending_allowed, f"a single-file ingest left verdicts waiting for {sorted(backlog)}"
        assert sorted(pending["agency_code"]) == sorted(backlog)
        assert pending["since_at"].notna().all()
        settled = scratch / "settled.duckdb"
        with store.session(db) as con:           # a killed writer may leave a log: fold it in, then copy
            con.execute("CHECKPOINT")
        shutil.copyfile(db, settled)
        with store.session(settled) as con, store.transaction(con):
            assessments.settle(con)
        assert verdicts(settled) == verdicts(rebuilt)
    else:
        assert pending.empty
        assert verdicts(db) == verdicts(rebuilt)


def assert_rebuild_equals_live(db: Path, scratch: Path, *, pending_allowed: bool = True) -> dict:
    """`rebuild --out` into `scratch` equals the live database (verdicts included) and touches nothing beside
    the live one."""
    before = live_files(db)
    out = scratch / "rebuilt.duckdb"
    counts = api.rebuild(db, out)
    assert live_files(db) == before, "rebuild --out wrote beside the live database"
    live, rebuilt = snapshot(db), snapshot(out)
    for table in COMPARED:
        assert rebuilt[table] == live[table], table
    assert_verdicts_equal_or_announced(db, out, scratch, pending_allowed)
    assert regenerated_receipts(db, scratch / "live-receipts") == {
        p.name: p.read_text(encoding="utf-8") for p in sorted((scratch / "receipts").glob("*.html"))}
    for receipt in (db.parent / "receipts").glob("*.html"):      # the copies agencies hold are the same
        assert receipt.read_text(encoding="utf-8") == (scratch / "receipts" / receipt.name).read_text(encoding="utf-8")
    return counts


# ------------------------------------------------------------------ fixtures
@pytest.fixture(scope="module")
def work(tmp_path_factory) -> dict:
    """A checkpointed empty database to copy, and seven workbooks: three agencies × two quarters + a revision."""
    root = tmp_path_factory.mktemp("durability")
    seed = root / "seed" / "pantaurb.duckdb"
    api.init_database(seed)
    files = []
    for agency, kind in (("32", "PROV"), ("33", "PROV"), (CITY, "KOTA")):
        for quarter in (1, 2):
            f = root / f"{agency}_{quarter}.xlsx"
            f.write_bytes(filled(seed, agency=agency, quarter=quarter, agency_type=kind))
            files.append(f)
    revision = root / f"{CITY}_1_revisi.xlsx"
    revision.write_bytes(filled(seed, agency=CITY, quarter=1, agency_type="KOTA", renaksi=[]))
    files.append(revision)
    return {"seed": seed, "files": files, "root": root}


def fresh(work, folder: Path) -> Path:
    folder.mkdir(parents=True)
    db = folder / "pantaurb.duckdb"
    shutil.copyfile(work["seed"], db)
    return db


def ingest_args(db: Path, files) -> list[str]:
    return ["ingest", *map(str, files), "--db", str(db), "--reason", "uji ketahanan", "--format", "json"]


# ------------------------------------------------------------------ kill -9 at random moments
KILLS = 20


def test_kill_at_random_points_of_a_single_file_ingest(work, tmp_path):
    """Issue 21.4: a one-file ingest stores its verdicts in the upload's own transaction, so wherever it is
    killed, the live verdicts equal the rebuilt ones and none are left waiting."""
    rng = random.Random(20261208)
    one = work["files"][4:5]
    started = time.monotonic()
    assert run(*ingest_args(fresh(work, tmp_path / "full"), one)).returncode == 0
    full = time.monotonic() - started
    kills = n = 0
    while kills < KILLS and n < KILLS + 6:
        db = fresh(work, tmp_path / f"kill{n}")
        proc = loaders_cli(*ingest_args(db, one))
        time.sleep(rng.uniform(0.5 * full, 0.98 * full))    # the late part: parse, commit, verdicts, receipt
        proc.kill()
        proc.communicate()
        kills += proc.returncode == -9
        assert_rebuild_equals_live(db, tmp_path / f"check{n}", pending_allowed=False)
        n += 1
    assert kills >= KILLS


def test_kill_at_random_points_of_a_multi_file_ingest(work, tmp_path):
    rng = random.Random(20261201)
    reference = fresh(work, tmp_path / "full")
    started = time.monotonic()
    assert run(*ingest_args(reference, work["files"])).returncode == 0
    full = time.monotonic() - started
    kills = n = 0
    while kills < KILLS and n < KILLS + 6:   # twenty kills that landed while the ingest ran
        db = fresh(work, tmp_path / f"kill{n}")
        proc = loaders_cli(*ingest_args(db, work["files"]))
        time.sleep(rng.uniform(0.3, 0.9 * full))
        proc.kill()
        proc.communicate()
        kills += proc.returncode == -9
        assert_rebuild_equals_live(db, tmp_path / f"check{n}")   # verdicts equal, or waiting and announced
        n += 1
    assert kills >= KILLS
    rerun = run(*ingest_args(db, work["files"]))   # the last killed database converges on a re-run
    assert rerun.returncode == 0, rerun.stderr
    assert snapshot(db)["v_values"] == snapshot(reference)["v_values"]
    assert_rebuild_equals_live(db, tmp_path / "check-rerun")


def test_kill_at_random_points_of_an_in_place_rebuild(work, tmp_path):
    rng = random.Random(11)
    db = fresh(work, tmp_path / "live")
    assert run(*ingest_args(db, work["files"])).returncode == 0
    expected = snapshot(db)
    started = time.monotonic()
    assert run("rebuild", "--db", str(db)).returncode == 0
    full = time.monotonic() - started
    kills = n = 0
    while kills < 10 and n < 16:
        proc = loaders_cli("rebuild", "--db", str(db))
        time.sleep(rng.uniform(0.3, 0.9 * full))
        proc.kill()
        proc.communicate()
        kills += proc.returncode == -9
        assert snapshot(db) == expected            # the old or the new file, never a broken one
        assert_rebuild_equals_live(db, tmp_path / f"check{n}")
        n += 1
    assert kills >= 10
    again = run(*ingest_args(db, work["files"][:1]))
    assert again.returncode == 0 and "Traceback" not in again.stderr


# ------------------------------------------------------------------ the exact windows of the protocol
def test_killed_upload_then_the_corrected_upload(work, tmp_path):
    db = fresh(work, tmp_path / "live")
    corrected, killed = work["files"][4], work["files"][6]          # both for the city, 2024 Q1
    crashed = run(*ingest_args(db, [killed]), crash="in-transaction")
    assert crashed.returncode == 9
    assert run(*ingest_args(db, [corrected])).returncode == 0
    rows = snapshot(db)["v_submissions"]
    assert [(r[0], r[8]) for r in rows] == [(f"{CITY}-2024Q1-v1", 1)]
    assert rows[0][6] == api.sha256(corrected.read_bytes())
    assert_rebuild_equals_live(db, tmp_path / "check")
    kinds = [r["kind"] for r in Archive.beside(db).records()]
    assert kinds == ["upload", "void", "upload", "commit"]


def test_kill_between_commit_and_journal_marker(work, tmp_path):
    db = fresh(work, tmp_path / "live")
    assert run(*ingest_args(db, work["files"][:1]), crash="after-commit").returncode == 9
    assert Archive.beside(db).dangling() is not None
    assert len(snapshot(db)["v_submissions"]) == 1                 # committed: it counts, with its verdicts
    assert_rebuild_equals_live(db, tmp_path / "check", pending_allowed=False)   # settled from the db, read-only
    assert Archive.beside(db).dangling() is not None               # ... without writing the journal
    assert run(*ingest_args(db, work["files"][1:2])).returncode == 0
    kinds = [r["kind"] for r in Archive.beside(db).records()]
    assert kinds == ["upload", "commit", "upload", "commit"]       # the next writer marked it


def test_kill_before_the_receipt_then_receipts_missing(work, tmp_path):
    db = fresh(work, tmp_path / "live")
    first = work["files"][0]
    assert run(*ingest_args(db, [first]), crash="before-receipt").returncode == 9
    sid = snapshot(db)["v_submissions"][0][0]
    receipt = db.parent / "receipts" / f"{sid}.html"
    assert not receipt.exists()
    done = run("receipts", "--missing", "--db", str(db))
    assert done.returncode == 0 and receipt.exists()
    receipt.unlink()
    again = run(*ingest_args(db, [first]))                          # "duplicate" restores the receipt too
    assert again.returncode == 0 and '"duplicate"' in again.stdout and receipt.exists()
    assert_rebuild_equals_live(db, tmp_path / "check")


def test_receipt_write_failure_is_reported_as_stored(work, tmp_path):
    db = fresh(work, tmp_path / "live")
    (db.parent / "receipts").write_text("not a folder")              # the receipt cannot be written
    res = api.ingest_file(work["files"][0].read_bytes(), "a.xlsx", scope=Scope.system("ana"), db_path=db)
    assert res.outcome == "accepted" and res.receipt_error and res.receipt_html
    out = run("ingest", str(work["files"][1]), "--db", str(db), "--lang", "en")
    assert out.returncode == 0 and "Traceback" not in out.stderr
    assert "Data STORED, but the receipt could not be written" in out.stdout
    assert len(snapshot(db)["v_submissions"]) == 2
    (db.parent / "receipts").unlink()
    assert api.write_receipts(db)["written"] == 2


def test_two_uploads_racing_for_one_quarter(work, tmp_path):
    a, b = work["files"][4], work["files"][6]                        # two versions of the city's 2024 Q1
    for n in range(2):                                              # each order once
        db = fresh(work, tmp_path / f"race{n}")
        procs = [loaders_cli(*ingest_args(db, [f])) for f in ((a, b) if n % 2 else (b, a))]
        for p in procs:
            p.communicate(timeout=300)
            assert p.returncode == 0
        subs = snapshot(db)["v_submissions"]
        assert sorted(r[8] for r in subs) == [1, 2]
        in_force = next(r for r in subs if r[4] == "in_force")
        last = max(snapshot(db)["commits"])
        assert in_force[6] == next(u[4] for u in snapshot(db)["uploads"] if u[0] == last[2])
        assert_rebuild_equals_live(db, tmp_path / f"check{n}")


# ------------------------------------------------------------------ write-ahead logs
def test_stale_wal_from_a_crash_then_in_place_rebuild(work, tmp_path):
    db = fresh(work, tmp_path / "live")
    assert run(*ingest_args(db, work["files"][:1]), crash="after-commit").returncode == 9
    assert Path(str(db) + ".wal").exists()
    rebuilt = run("rebuild", "--db", str(db))
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert len(snapshot(db)["v_submissions"]) == 1
    after = run(*ingest_args(db, work["files"][1:2]))
    assert after.returncode == 0 and "Traceback" not in after.stderr
    assert_rebuild_equals_live(db, tmp_path / "check")


def test_a_wal_that_belongs_to_another_file_is_set_aside(work, tmp_path):
    other = fresh(work, tmp_path / "other")
    assert run(*ingest_args(other, work["files"][:1]), crash="after-commit").returncode == 9
    db = fresh(work, tmp_path / "live")
    assert run(*ingest_args(db, work["files"][1:2])).returncode == 0
    shutil.copyfile(str(other) + ".wal", str(db) + ".wal")      # e.g. a file swapped under an old log
    after = run(*ingest_args(db, work["files"][2:3]))
    assert after.returncode == 0 and "Traceback" not in after.stderr
    assert list(db.parent.glob("pantaurb.duckdb.wal.stale-*"))
    assert len(snapshot(db)["v_submissions"]) == 2
    assert_rebuild_equals_live(db, tmp_path / "check")


# ------------------------------------------------------------------ queueing writers
def test_eight_concurrent_ingests_with_default_settings_all_land(work, tmp_path):
    db = fresh(work, tmp_path / "live")
    provinces = [a.code for a in load_registry() if a.agency_type == "PROV"][:8]
    batches = []
    for n, code in enumerate(provinces):
        batch = []
        for quarter in (3, 4):
            f = tmp_path / f"{code}_{quarter}.xlsx"
            f.write_bytes(filled(work["seed"], agency=code, quarter=quarter, agency_type="PROV"))
            batch.append(f)
        batches.append(batch)
    procs = [loaders_cli(*ingest_args(db, batch)) for batch in batches]
    for p in procs:
        out, err = p.communicate(timeout=600)
        assert p.returncode == 0, err
        assert "Traceback" not in err
    assert len(snapshot(db)["v_submissions"]) == 16
    assert_rebuild_equals_live(db, tmp_path / "check")


def test_busy_database_is_a_message_and_exit_code_3(work, tmp_path):
    db = fresh(work, tmp_path / "live")
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time\nfrom loaders import store\n"
        f"with store.writer({str(db)!r}):\n    print('ready', flush=True)\n    time.sleep(60)\n")],
        cwd=ROOT, env=_env(), stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        env = _env(PANTAURB_LOCK_WAIT="1", PANTAURB_READ_WAIT="1")
        registry = tmp_path / "agencies.csv"
        registry.write_text("code,name,agency_type,province_code\n32.73,Kota Bandung,KOTA,32\n", encoding="utf-8")
        for args in (ingest_args(db, work["files"][:2]), ["registry", "import", str(registry), "--db", str(db)],
                     ["check", str(work["files"][0]), "--db", str(db)],
                     ["template", "--agency", CITY, "--year", "2024", "--quarter", "1", "--out",
                      str(tmp_path / "t.xlsx"), "--db", str(db)]):
            done = subprocess.run([sys.executable, "-m", "loaders", *args], cwd=ROOT, env=env, capture_output=True,
                                  text=True, timeout=120)
            assert "Traceback" not in done.stderr, args
            if args[0] in ("ingest", "registry"):
                assert done.returncode == store.EXIT_BUSY, (args, done.stderr)
                assert "retry" in done.stderr
    finally:
        holder.kill()
        holder.wait()


def test_a_batch_cut_short_owes_its_verdicts_until_the_next_writer(work, tmp_path):
    """A batch stores verdicts once at its end; killed after its first commit, the committed upload's agency
    stays in the backlog, and the next writer recomputes it before anything else."""
    db = fresh(work, tmp_path / "live")
    crashed = run(*ingest_args(db, work["files"][:3]), crash="in-second-transaction")
    assert crashed.returncode == 9
    with store.session(db, read_only=True) as con:
        assert len(con.execute("SELECT * FROM submissions").fetchall()) == 1
        assert set(assessments.backlog(con)) == {"32"}
        assert con.execute("SELECT count(*) FROM assessments WHERE agency_code = '32'").fetchone()[0] == 0
        pending = queries.pending_verdicts(con)               # what every page says meanwhile
        assert list(pending["agency_code"]) == ["32"] and pending["since_at"].notna().all()
    assert_rebuild_equals_live(db, tmp_path / "check")
    assert run(*ingest_args(db, work["files"][3:4])).returncode == 0     # the next writer settles first
    with store.session(db, read_only=True) as con:
        assert assessments.backlog(con) == {}
        stored = con.execute("SELECT * FROM assessments ORDER BY ALL").fetchall()
        assert any(r[0] == "32" for r in stored)
    with store.session(db) as con:                                          # equal to a full recompute
        with store.transaction(con):
            assessments.refresh(con)
        assert con.execute("SELECT * FROM assessments ORDER BY ALL").fetchall() == stored


# ------------------------------------------------------------------ worker processes die with their batch
def _children() -> dict[int, list[int]]:
    """Parent pid -> child pids, from /proc (zombies left out: they hold no memory and run nothing)."""
    tree: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z":
            tree.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    return tree


def _descendants(pid: int) -> set[int]:
    tree, found, todo = _children(), set(), [pid]
    while todo:
        for child in tree.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def _running(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.parametrize("command", ["ingest", "demo"])
def test_a_killed_batch_leaves_no_worker_process(work, tmp_path, command):
    """Issue 21.5: SIGKILL the parent of a batch while its worker processes read (ingest) or generate (demo)
    workbooks; every process it started (forkserver, workers) is gone soon after, none left orphaned."""
    db = fresh(work, tmp_path / "live")
    if command == "ingest":
        files = [str(f) for f in work["files"]] * 6          # 42 files: read in worker processes (16 or more)
        args, expected = [*ingest_args(db, files), "--workers", "2"], 3     # forkserver + 2 workers
    else:
        args, expected = ["demo", "--db", str(tmp_path / "demo.duckdb"), "--agencies", "12", "--years",
                          "2023-2024"], 2                                 # 2 workers
    # no pipes: an orphan holding the write end would block the test instead of failing it
    proc = subprocess.Popen([sys.executable, "-m", "loaders", *args], cwd=ROOT, env=_env(),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    started: set[int] = set()
    try:
        deadline = time.monotonic() + 240
        while len(started) < expected and proc.poll() is None and time.monotonic() < deadline:
            started |= _descendants(proc.pid)            # waits for state: the pool's processes exist
        assert len(started) >= expected, "the batch finished before its worker processes could be seen"
        proc.kill()
        proc.wait()
        deadline = time.monotonic() + 60
        while any(map(_running, started)) and time.monotonic() < deadline:
            time.sleep(0.05)
        orphans = [pid for pid in started if _running(pid)]
        assert orphans == [], f"{len(orphans)} orphaned worker process(es) still running"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for pid in started:                               # the test's own processes, by id
            if _running(pid):
                os.kill(pid, 9)


# ------------------------------------------------------------------ backup and restore
def test_backup_during_an_ingest_restores_and_rebuilds_equal(work, tmp_path):
    db = fresh(work, tmp_path / "live")
    proc = loaders_cli(*ingest_args(db, work["files"]))
    time.sleep(2.0)
    made = backup(db, tmp_path / "backup")
    proc.communicate(timeout=300)
    assert proc.returncode == 0
    restored = tmp_path / "restored" / "pantaurb.duckdb"
    info = restore(tmp_path / "backup", restored)
    assert info["last_commit"] == made["last_commit"]
    assert_rebuild_equals_live(restored, tmp_path / "check")
    live, back = snapshot(db), snapshot(restored)
    assert back["commits"] == live["commits"][:made["last_commit"]]       # the live history, up to one commit
    assert len(list((restored.parent / "receipts").glob("*.html"))) == len(back["v_submissions"])
    with pytest.raises(Exception, match="--force"):
        restore(tmp_path / "backup", restored)
    again = restore(tmp_path / "backup", restored, force=True)
    assert again["last_commit"] == made["last_commit"] and snapshot(restored) == back


def test_registry_import_counts_only_when_committed(work, tmp_path):
    db = fresh(work, tmp_path / "live")
    csv = tmp_path / "agencies.csv"
    csv.write_text("code,name,agency_type,province_code\n32.73,Kota Bandung (baru),KOTA,32\n",
                   encoding="utf-8")
    failing = run("registry", "import", str(csv), "--db", str(db), crash="in-transaction")
    assert failing.returncode == 9
    assert_rebuild_equals_live(db, tmp_path / "check0")
    ok = run("registry", "import", str(csv), "--db", str(db))
    assert ok.returncode == 0, ok.stderr
    assert run(*ingest_args(db, work["files"][4:5])).returncode == 0
    counts = assert_rebuild_equals_live(db, tmp_path / "check1")
    assert counts["registry"] == 1
    kinds = [r["kind"] for r in Archive.beside(db).records()]
    assert kinds == ["registry", "void", "registry", "commit", "upload", "commit"]
