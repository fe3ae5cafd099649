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


def _run(ws, msg: BackMsg, page: str, timeout: float, widgets: dict | None = None) -> int:
    """Send one rerun; read ForwardMsgs until it finishes; returns the deltas. `widgets` collects the ids of the
    widgets drawn, by the key the app gave them (the end of the id)."""
    ws.send(msg.SerializeToString())
    deadline = time.perf_counter() + timeout
    deltas = 0
    while True:
        left = deadline - time.perf_counter()
        if left <= 0:
            raise SessionError(f"{page or '/'}: no script_finished within {timeout:.0f} s")
        fwd = ForwardMsg()
        fwd.ParseFromString(ws.recv(timeout=left))
        kind = fwd.WhichOneof("type")
        if kind == "new_session" and widgets is not None:
            widgets.clear()      # a new script run (e.g. after st.rerun): only the widgets of the last run count
        elif kind == "delta":
            deltas += 1
            if fwd.delta.WhichOneof("type") == "new_element":
                el = fwd.delta.new_element
                what = el.WhichOneof("type")
                if what == "exception":
                    raise SessionError(f"{page or '/'}: {el.exception.message}")
                if widgets is not None and what in ("text_input", "button"):
                    wid = getattr(el, what).id
                    widgets[wid.rsplit("-", 1)[-1]] = wid
        elif kind == "script_finished":
            status = ForwardMsg.ScriptFinishedStatus.Name(fwd.script_finished)
            if status == FINISHED_OK:
                return deltas
            if status != "FINISHED_EARLY_FOR_RERUN":
                raise SessionError(f"{page or '/'}: script finished with {status}")


class Session:
    """One browser-like session kept open: sign in once through the sign-in form, then open pages in it
    (what an analyst does; the session's sign-in lives in its session state on the server)."""

    def __init__(self, base_url: str, timeout: float = 120.0) -> None:
        self.timeout = timeout
        self._connection = connect(f"ws://{urlsplit(base_url).netloc}/_stcore/stream", subprotocols=["streamlit"],
                                   open_timeout=timeout, max_size=None)
        self.ws = self._connection.__enter__()

    def open(self, page: str = "", query: str = "", widgets: dict | None = None, states=()) -> dict:
        """Open `page` (its url path, '' for the landing page); `states` are WidgetState messages to send."""
        msg = BackMsg()
        msg.rerun_script.query_string = query
        msg.rerun_script.page_name = page
        msg.rerun_script.page_script_hash = ""
        for state in states:
            msg.rerun_script.widget_states.widgets.append(state)
        start = time.perf_counter()
        deltas = _run(self.ws, msg, page, self.timeout, widgets)
        return {"seconds": time.perf_counter() - start, "deltas": deltas}

    def sign_in(self, username: str, password: str) -> dict:
        """The sign-in form, filled and submitted; raises SessionError when the form does not go away."""
        from streamlit.proto.WidgetStates_pb2 import WidgetState
        widgets: dict = {}
        first = self.open("", widgets=widgets)
        if "login_username" not in widgets:
            raise SessionError(f"no sign-in form on the landing page (widgets: {sorted(widgets)})")
        states = []
        for key, value in (("login_username", username), ("login_password", password)):
            states.append(WidgetState(id=widgets[key], string_value=value))
        submit = next(wid for key, wid in widgets.items() if "FormSubmitter" in wid)
        states.append(WidgetState(id=submit, trigger_value=True))
        after: dict = {}
        done = self.open("", widgets=after, states=states)
        if "login_username" in after:
            raise SessionError(f"{username}: still on the sign-in form after submitting it")
        return {"seconds": first["seconds"] + done["seconds"], "deltas": first["deltas"] + done["deltas"]}

    def close(self) -> None:
        self._connection.__exit__(None, None, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


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
