"""Locust load test for the dashboard readers: every task is one analyst's session — a new WebSocket session
that signs in through the sign-in form (its own session on the server) and walks the national, theme and
indicator pages, then closes.

    PANTAURB_READERS=http://127.0.0.1:8611,http://127.0.0.1:8612 PANTAURB_BENCH_USERS=bench-reader-1,... \
    PANTAURB_BENCH_PASSWORD=... locust -f benchmarks/locustfile.py --headless -u 10 -r 2 -t 60s --csv /tmp/lt

The readers are used round robin, the way an ordinary load balancer spreads new sessions; the accounts too
(each locust user signs in as its own analyst). Driven by `benchmarks/readers.py load`, which creates the
accounts, starts the readers and reports sessions/s and p95. Locust rows: request type "session" (sign-in and
the three pages, the figure reported), "sign_in" and "page" (each step).
"""

from __future__ import annotations

import itertools
import os
import sys
import time
from pathlib import Path

from locust import User, between, task

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.streamlit_session import Session  # noqa: E402

READERS = [u.strip() for u in os.environ.get("PANTAURB_READERS", "http://127.0.0.1:8501").split(",") if u.strip()]
USERS = [u.strip() for u in os.environ.get("PANTAURB_BENCH_USERS", "bench-reader-1").split(",") if u.strip()]
PASSWORD = os.environ.get("PANTAURB_BENCH_PASSWORD", "")
_next_reader = itertools.cycle(READERS)
_next_user = itertools.cycle(USERS)
WALK = [("national", ""), ("theme", "tema"), ("indicator", "indikator")]


class Analyst(User):
    wait_time = between(0.5, 2.0)

    def on_start(self) -> None:
        self.username = next(_next_user)

    def _fire(self, kind: str, name: str, start: float, size: int = 0, exc: Exception | None = None) -> None:
        self.environment.events.request.fire(request_type=kind, name=name,
                                             response_time=(time.perf_counter() - start) * 1000,
                                             response_length=size, exception=exc, context={})

    @task
    def session(self) -> None:
        reader = next(_next_reader)
        begin = time.perf_counter()
        deltas = 0
        try:
            with Session(reader) as s:
                t = time.perf_counter()
                try:
                    deltas += s.sign_in(self.username, PASSWORD)["deltas"]
                except Exception as e:
                    self._fire("sign_in", "sign_in", t, exc=e)
                    raise
                self._fire("sign_in", "sign_in", t)
                for name, path in WALK:
                    t = time.perf_counter()
                    try:
                        got = s.open(path)["deltas"]
                    except Exception as e:
                        self._fire("page", name, t, exc=e)
                        raise
                    deltas += got
                    self._fire("page", name, t, size=got)
        except Exception as e:  # reported to locust as a failed session, with its message
            self._fire("session", "session", begin, deltas, e)
            return
        self._fire("session", "session", begin, deltas)
