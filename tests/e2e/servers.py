"""Starting and stopping the servers the browser tests talk to (Streamlit, the mock OIDC provider)."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
WAIT_MS = 120_000       # ceiling of every Playwright wait (a busy 2-core machine); a passing test never waits it out
HEALTH_TIMEOUT = 300    # seconds, a ceiling for a server to answer its health URL (about 1-3 s when quiet)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, proc: subprocess.Popen, log_path: Path, what: str = "streamlit") -> None:
    deadline = time.monotonic() + HEALTH_TIMEOUT
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            tail = log_path.read_text(encoding="utf-8", errors="replace")[-3000:]
            pytest.fail(f"{what} did not become healthy (rc={proc.poll()}); log {log_path}:\n{tail}", pytrace=False)
        time.sleep(0.3)


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)


@contextlib.contextmanager
def streamlit_server(workdir: Path, env: dict, port: int | None = None, extra_args: tuple[str, ...] = ()):
    """`streamlit run dashboard.py` on 127.0.0.1 until the block ends; yields (url, log path)."""
    port = port or free_port()
    log_path = workdir / "streamlit.log"
    log = open(log_path, "w", encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.headless", "true",
         "--server.address", "127.0.0.1", "--server.port", str(port), "--server.fileWatcherType", "none",
         *extra_args], cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url + "/_stcore/health", proc, log_path)
        yield url, log_path
    finally:
        stop(proc)
        log.close()
