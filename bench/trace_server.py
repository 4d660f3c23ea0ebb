"""Bench only: ``streamlit run`` with every message to the browser logged.

``python -m bench.trace_server LOG run app.py [streamlit's options]`` is
``streamlit run`` with three methods wrapped, to log each ForwardMsg (each
delta, and the run's other messages) three times, on the server's event loop:

- ``E``: queued for the browser (``AppSession._enqueue_forward_msg``; a
  script's messages reach it from the script thread by ``call_soon``);
- ``S``: handed to the connection (``Runtime._send_message``), which only
  puts it on the connection's send queue;
- ``W``: written to the websocket (Starlette's ``WebSocket.send_bytes`` has
  returned).

One line each (kind, wall-clock ms, serialized bytes, what; ``W`` lines do
not know what they carry, ``bench.trace`` pairs them with the ``S`` lines):

    S 1795816603269.7 2132 delta:plotly_chart:0.1.3.0.1

The byte count is the websocket message's payload, so ``bench.trace`` can pair
each line with the message the page received. The first two methods are
private to Streamlit 1.67; a later version may rename them, and then this
fails at start, loudly. Not part of the app.
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
    """``method`` (whose last positional argument, or ``msg``, is a ForwardMsg)
    that first logs it."""
    def wrapper(*args, **kwargs):
        msg = kwargs.get("msg", args[-1] if args else None)
        log.write(f"{mark} {time.time() * 1000:.1f} {msg.ByteSize()} "
                  f"{describe(msg)}\n")
        return method(*args, **kwargs)
    return wrapper


def logged_write(send_bytes: Callable, log: TextIO) -> Callable:
    """Starlette's async ``WebSocket.send_bytes`` that logs once it has returned."""
    async def wrapper(websocket, data: bytes, *args, **kwargs):
        result = await send_bytes(websocket, data, *args, **kwargs)
        log.write(f"W {time.time() * 1000:.1f} {len(data)} -\n")
        return result
    return wrapper


def install(log: TextIO) -> None:
    """Wrap Streamlit's queueing and sending of ForwardMsgs, and the socket's
    write, to log them."""
    from starlette.websockets import WebSocket
    from streamlit.runtime import app_session, runtime

    session, server = app_session.AppSession, runtime.Runtime
    session._enqueue_forward_msg = logged(session._enqueue_forward_msg, log, "E")
    server._send_message = logged(server._send_message, log, "S")
    WebSocket.send_bytes = logged_write(WebSocket.send_bytes, log)


def main(argv: list[str]) -> None:
    """Install the logging, then run Streamlit's command line with the rest
    of ``argv`` (it exits the process itself)."""
    if len(argv) < 2:
        raise SystemExit("usage: python -m bench.trace_server LOG run app.py ...")
    from streamlit.web.cli import main as streamlit_main

    install(open(argv[0], "a", encoding="utf-8", buffering=1))
    sys.argv = ["streamlit", *argv[1:]]
    streamlit_main()


if __name__ == "__main__":
    main(sys.argv[1:])
