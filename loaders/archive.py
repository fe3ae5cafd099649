"""Content-addressed archive of every uploaded file, plus the journal that says which attempts committed.

Protocol (every writer holds the database's writer lock, see `store.writer`):
1. the bytes are written by SHA-256 (`store`), atomically;
2. an *intent* line is appended to `journal.jsonl` (kind `upload` or `registry`);
3. the database transaction runs; it records the attempt in the `commits` table with the next sequence
   number, so the commit and its number are one atomic fact;
4. a `commit` marker (with that number) is appended, or a `void` marker when the transaction failed.

A crash between 2 and 4 leaves the last intent without a marker. The next writer (or `rebuild`) settles it
from the database: marked committed when its id is in `commits`, void otherwise (`settle_tail`). So an
entry counts only once its transaction committed, and `rebuild` replays exactly the committed entries in
commit order (`committed`).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import asdict, dataclass, fields
from pathlib import Path

INTENTS = ("upload", "registry")
TAIL_BYTES = 1 << 16


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class JournalEntry:
    kind: str                  # "upload" | "registry"
    upload_id: str
    received_at: str           # ISO timestamp (UTC)
    uploader: str
    file_name: str
    sha256: str
    reason: str | None = None
    expected_agency: str | None = None
    expected_period: list[int] | None = None


_ENTRY_FIELDS = {f.name for f in fields(JournalEntry)}


def _parse(line: str) -> dict | None:
    """One journal line, or None for a torn line (a crash in the middle of an append)."""
    try:
        raw = json.loads(line)
    except ValueError:
        return None
    return raw if isinstance(raw, dict) and "kind" in raw and "upload_id" in raw else None


class Archive:
    def __init__(self, root: Path):
        self.root = Path(root)

    @classmethod
    def beside(cls, db_path: Path) -> "Archive":
        return cls(Path(db_path).resolve().parent / "archive")

    @property
    def journal_path(self) -> Path:
        return self.root / "journal.jsonl"

    def path_for(self, digest: str) -> Path:
        return self.root / digest[:2] / f"{digest}.xlsx"

    def store(self, data: bytes) -> str:
        """Write the bytes once (atomically) and return their SHA-256."""
        digest = sha256(data)
        target = self.path_for(digest)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".part")
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        return digest

    def read(self, digest: str) -> bytes:
        data = self.path_for(digest).read_bytes()
        if sha256(data) != digest:
            raise ValueError(f"Arsip rusak / archive corrupted: {self.path_for(digest)}")
        return data

    # ---------------------------------------------------------------- journal writes (writer lock held)
    def _write_line(self, record: dict) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        line = json.dumps(record, ensure_ascii=False, sort_keys=True)
        with open(self.journal_path, "a+b") as fh:
            fh.seek(0, os.SEEK_END)
            if fh.tell():
                fh.seek(-1, os.SEEK_END)
                if fh.read(1) != b"\n":         # a torn line from a crash: close it so it stays unparsable
                    fh.write(b"\n")
            fh.write(line.encode("utf-8") + b"\n")
            fh.flush()
            os.fsync(fh.fileno())

    def append(self, entry: JournalEntry) -> None:
        """The intent line, written before the transaction."""
        self._write_line(asdict(entry))

    def mark_committed(self, entry_id: str, seq: int) -> None:
        self._write_line({"kind": "commit", "upload_id": entry_id, "seq": int(seq)})

    def mark_void(self, entry_id: str) -> None:
        self._write_line({"kind": "void", "upload_id": entry_id})

    def settle_tail(self, committed_seq) -> str | None:
        """Mark the last intent if no marker follows it (a crash between intent and marker).

        `committed_seq(entry_id) -> int | None` asks the database. Returns the settled id, if any.
        """
        last = self.dangling()
        if last is None:
            return None
        seq = committed_seq(last)
        if seq is None:
            self.mark_void(last)
        else:
            self.mark_committed(last, seq)
        return last

    # ---------------------------------------------------------------- journal reads
    def _records(self, text: str) -> list[dict]:
        return [r for r in map(_parse, text.splitlines()) if r is not None]

    def records(self) -> list[dict]:
        if not self.journal_path.exists():
            return []
        return self._records(self.journal_path.read_text(encoding="utf-8", errors="replace"))

    def dangling(self) -> str | None:
        """The id of the last intent when no marker follows it (only the tail can be unsettled)."""
        if not self.journal_path.exists():
            return None
        with open(self.journal_path, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            size = fh.tell()
            fh.seek(max(0, size - TAIL_BYTES))
            tail = fh.read().decode("utf-8", errors="replace")
        records = self._records(tail)
        if not records or records[-1]["kind"] not in INTENTS:
            return None
        return records[-1]["upload_id"]

    def committed(self, db_commits: dict[str, int] | None = None) -> list[tuple[int, JournalEntry]]:
        """Committed entries in commit order: journal markers plus what the database says it committed."""
        intents: dict[str, JournalEntry] = {}
        seqs: dict[str, int] = {}
        for r in self.records():
            if r["kind"] in INTENTS:
                intents.setdefault(r["upload_id"], JournalEntry(**{k: v for k, v in r.items() if k in _ENTRY_FIELDS}))
            elif r["kind"] == "commit":
                seqs[r["upload_id"]] = int(r["seq"])
        for entry_id, seq in (db_commits or {}).items():
            seqs.setdefault(entry_id, int(seq))
        missing = sorted(set(seqs) - set(intents))
        if missing:
            raise ValueError(f"Jurnal tidak lengkap / journal lacks the intent of committed entries: {missing[:5]}")
        return sorted(((seq, intents[i]) for i, seq in seqs.items()), key=lambda p: p[0])

    def entries(self, db_commits: dict[str, int] | None = None) -> list[JournalEntry]:
        """Committed journal entries in commit order."""
        return [e for _, e in self.committed(db_commits)]
