"""One dashboard session the way a browser opens it, without a browser: WebSocket to `/_stcore/stream`,
a `rerun_script` BackMsg for a page, then the ForwardMsgs until `script_finished`.

Used by the locust load test (`benchmarks/locustfile.py`) and by the memory measurement
(`benchmarks/memory.py`). The messages are Streamlit's own protobufs (`streamlit.proto`).
"""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.sync.client import connect

FINISHED_OK = "FINISHED_SUCCESSFULLY"


class SessionError(RuntimeError):
    pass


def open_page(base_url: str, page: str = "", query: str = "", timeout: float = 120.0) -> dict:
    """Open `page` (its url path, '' for the landing page) in a new session; returns timings and counts.

    Raises SessionError when the script ends with an exception or does not finish in time.
    """
    parts = urlsplit(base_url)
    ws_url = f"ws://{parts.netloc}/_stcore/stream"
    start = time.perf_counter()
    deltas = 0
    with connect(ws_url, subprotocols=["streamlit"], open_timeout=timeout, max_size=None) as ws:
        msg = BackMsg()
        msg.rerun_script.query_string = query
        msg.rerun_script.page_name = page
        msg.rerun_script.page_script_hash = ""
        ws.send(msg.SerializeToString())
        deadline = start + timeout
        while True:
            left = deadline - time.perf_counter()
            if left <= 0:
                raise SessionError(f"{page or '/'}: no script_finished within {timeout:.0f} s")
            fwd = ForwardMsg()
            fwd.ParseFromString(ws.recv(timeout=left))
            kind = fwd.WhichOneof("type")
            if kind == "delta":
                deltas += 1
                if fwd.delta.WhichOneof("type") == "new_element" and \
                        fwd.delta.new_element.WhichOneof("type") == "exception":
                    raise SessionError(f"{page or '/'}: {fwd.delta.new_element.exception.message}")
            elif kind == "script_finished":
                status = ForwardMsg.ScriptFinishedStatus.Name(fwd.script_finished)
                if status == FINISHED_OK:
                    break
                if status != "FINISHED_EARLY_FOR_RERUN":
                    raise SessionError(f"{page or '/'}: script finished with {status}")
    return {"seconds": time.perf_counter() - start, "deltas": deltas}


PAGES = {"national": "", "theme": "tema", "indicator": "indikator", "final_report": "capaian-akhir",
         "catalogue": "katalog", "agency": "instansi", "region": "wilayah", "compliance": "kepatuhan",
         "upload": "unggah"}
