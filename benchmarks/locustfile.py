"""Locust load test for the dashboard readers: every task is a new browser-like session opening one page.

    PANTAURB_READERS=http://127.0.0.1:8611,http://127.0.0.1:8612 \
        locust -f benchmarks/locustfile.py --headless -u 10 -r 2 -t 60s --csv /tmp/lt

The readers are used round robin, the way an ordinary load balancer spreads new sessions. Driven by
`benchmarks/loadtest.py`, which starts the readers and reports sessions/s and p95.
"""

from __future__ import annotations

import itertools
import os
import random
import sys
import time
from pathlib import Path

from locust import User, between, task

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.streamlit_session import open_page  # noqa: E402

READERS = [u.strip() for u in os.environ.get("PANTAURB_READERS", "http://127.0.0.1:8501").split(",") if u.strip()]
_next_reader = itertools.cycle(READERS)
# what analysts open, roughly: the landing page most, then theme, compliance, indicator and agency pages
MIX = [("national", "", 5), ("theme", "tema", 2), ("compliance", "kepatuhan", 2), ("indicator", "indikator", 1),
       ("agency", "instansi", 1), ("final_report", "capaian-akhir", 1)]


class Analyst(User):
    wait_time = between(0.5, 2.0)

    @task
    def open_a_page(self) -> None:
        name, path, _ = random.choices(MIX, weights=[w for *_, w in MIX])[0]
        reader = next(_next_reader)
        start = time.perf_counter()
        exc, deltas = None, 0
        try:
            deltas = open_page(reader, path)["deltas"]
        except Exception as e:  # reported to locust as a failure, with its message
            exc = e
        self.environment.events.request.fire(request_type="session", name=name,
                                             response_time=(time.perf_counter() - start) * 1000,
                                             response_length=deltas, exception=exc, context={})
