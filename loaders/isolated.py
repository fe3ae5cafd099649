"""Run one function over untrusted bytes in a child process with a memory and a time limit.

Used for the annotated workbook (`loaders.api.annotate_bytes`): openpyxl opens the whole uploaded file there,
and a hostile file that slipped past the pre-flight guard could still make it build a gigabyte of objects.
In the child that costs the child only: its address space is capped (`RLIMIT_AS`, default 512 MiB), its CPU
time too (`RLIMIT_CPU`), the parent stops waiting after `seconds` and kills it, and the child dies with its
parent (`PR_SET_PDEATHSIG`). The server process (Streamlit, shared by every user) never parses the file.

Protocol: the parent writes a pickle of (function path "module:name", args) to the child's stdin; the child
writes the function's result, which must be bytes, raw to stdout. Nothing the child prints is unpickled, so a
child made to misbehave cannot run code in the parent.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

MEMORY_LIMIT = 512 << 20    # bytes of address space for the child (a typical annotation runs within 200 MiB)
TIME_LIMIT = 60             # seconds (wall clock in the parent, CPU time in the child)
ROOT = Path(__file__).resolve().parent.parent


class LimitExceeded(RuntimeError):
    """The child ran out of memory or time, or died; `reason` says which (English, for logs)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def die_with_parent() -> None:
    """Ask the kernel to SIGKILL this process when its parent dies (Linux; elsewhere a no-op). Called in
    every child this project starts (worker processes of a batch, the isolated children here)."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes
    import signal
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, int(signal.SIGKILL), 0, 0, 0)      # PR_SET_PDEATHSIG = 1
    except (OSError, AttributeError):
        return
    if os.getppid() == 1:           # the parent died before the request took effect: already an orphan
        os._exit(1)


def run(function: str, *args, memory: int | None = None, seconds: float | None = None) -> bytes:
    """`function(*args)` (a "module:name" path returning bytes) computed in a limited child (default limits:
    `MEMORY_LIMIT`, `TIME_LIMIT`); raises `LimitExceeded` when the child runs out of memory or time or dies,
    RuntimeError on any other failure."""
    memory, seconds = memory or MEMORY_LIMIT, seconds or TIME_LIMIT
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    try:
        done = subprocess.run([sys.executable, "-m", "loaders.isolated", str(int(memory)), str(int(seconds))],
                              input=pickle.dumps((function, args)), capture_output=True, timeout=seconds,
                              env=env, cwd=ROOT)
    except subprocess.TimeoutExpired as exc:                 # subprocess.run has killed the child
        raise LimitExceeded(f"no result within {seconds:g} s") from exc
    if done.returncode == 0:
        return done.stdout
    err = done.stderr.decode("utf-8", "replace")
    if done.returncode == 3 or "MemoryError" in err:
        raise LimitExceeded(f"memory limit of {memory >> 20} MiB reached")
    if done.returncode < 0:
        raise LimitExceeded(f"child killed by signal {-done.returncode}")
    raise RuntimeError(f"child failed (exit {done.returncode}): {err.strip().splitlines()[-1:] or ''}")


def _child(memory: int, seconds: int) -> int:
    import resource
    die_with_parent()
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))
    function, args = pickle.loads(sys.stdin.buffer.read())
    module, name = function.split(":")
    try:
        import importlib
        result = getattr(importlib.import_module(module), name)(*args)
    except MemoryError:
        return 3
    sys.stdout.buffer.write(result)
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(_child(int(sys.argv[1]), int(sys.argv[2])))


__all__ = ["LimitExceeded", "MEMORY_LIMIT", "TIME_LIMIT", "die_with_parent", "run"]
