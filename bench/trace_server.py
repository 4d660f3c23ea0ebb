"""Bench only: ``streamlit run`` with every message to the browser logged.

``python -m bench.trace_server LOG run app.py [streamlit's options]`` is
``streamlit run`` with two of Streamlit's internal methods wrapped, to log each
ForwardMsg (each delta, and the run's other messages) twice: when the script
thread queues it (``E``) and when the server's event loop writes it to the
websocket (``S``). One line each:

    S 1795816603269.7 423 delta:plotly_chart:0.1.3.0.1

(kind, wall-clock ms, serialized bytes, what). The byte count is the websocket
message's payload, so ``bench.trace`` can pair each line with the message the
page received. The wrapped methods are private to Streamlit 1.67
(``AppSession._enqueue_forward_msg``, ``Runtime._send_message``); a later
version may rename them, and then this fails at start, loudly. Not part of
the app.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO


def describe(msg) -> str:
    """'delta:<element or block kind>:<delta path>' for a delta, else the type."""
    kind = msg.WhichOneof("type")
    if kind != "delta":
        return kind
    delta = msg.delta
    what = delta.WhichOneof("type")
    if what == "new_element":
        what = delta.new_element.WhichOneof("type")
    elif what == "add_block":
        what = f"block:{delta.add_block.WhichOneof('type') or ''}"
    return f"delta:{what}:{'.'.join(map(str, msg.metadata.delta_path))}"


def logged(method: Callable, log: TextIO, mark: str) -> Callable:
    """``method`` (whose last argument is a ForwardMsg) that first logs it."""
    def wrapper(*args):
        msg = args[-1]
        log.write(f"{mark} {time.time() * 1000:.1f} {msg.ByteSize()} "
                  f"{describe(msg)}\n")
        return method(*args)
    return wrapper


def install(log: TextIO) -> None:
    """Wrap Streamlit's enqueue and send of ForwardMsgs to log them."""
    from streamlit.runtime import app_session, runtime

    session, server = app_session.AppSession, runtime.Runtime
    session._enqueue_forward_msg = logged(session._enqueue_forward_msg, log, "E")
    server._send_message = logged(server._send_message, log, "S")


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        raise SystemExit("usage: python -m bench.trace_server LOG run app.py ...")
    from streamlit.web.cli import main as streamlit_main

    install(open(argv[0], "a", encoding="utf-8", buffering=1))  # noqa: SIM115
    sys.argv = ["streamlit", *argv[1:]]
    return streamlit_main()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
