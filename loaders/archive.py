"""Content-addressed archive of every uploaded file, plus an append-only journal of upload attempts.

The bytes are written (by SHA-256) before the database is touched, and the journal line right after, so
`python -m loaders rebuild` can replay every attempt, in order, into a fresh database.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class JournalEntry:
    kind: str                  # "upload" | "registry" | "void"
    upload_id: str
    received_at: str           # ISO timestamp (UTC)
    uploader: str
    file_name: str
    sha256: str
    reason: str | None = None
    expected_agency: str | None = None
    expected_period: list[int] | None = None


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

    def append(self, entry: JournalEntry) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        line = json.dumps(asdict(entry), ensure_ascii=False, sort_keys=True)
        with open(self.journal_path, "a", encoding="utf-8") as fh:
            fh.write(line + "\n")
            fh.flush()
            os.fsync(fh.fileno())

    def entries(self) -> list[JournalEntry]:
        """Journal entries in order, without the ones voided later (failed before commit)."""
        if not self.journal_path.exists():
            return []
        raw = [json.loads(line) for line in self.journal_path.read_text(encoding="utf-8").splitlines() if line.strip()]
        voided = {e["upload_id"] for e in raw if e["kind"] == "void"}
        return [JournalEntry(**e) for e in raw if e["kind"] != "void" and e["upload_id"] not in voided]
