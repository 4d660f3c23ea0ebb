"""The trace diagnostic pairs the page's messages with the server's log rightly.

``bench.trace`` explains where a filter change waits; its conclusions rest on
pairing each websocket message the page handled with the server's line for it
(same order, same size), and on the timeline it computes per click. These tests
hold the pure parts to hand-made timelines; the server's logging wrapper to a
real ForwardMsg.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import io

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from bench import trace, trace_server

START_WALL = 1_000_000.0  # the page's timeOrigin + start, wall-clock ms


def line(mark: str, ms: float, size: int, what: str) -> str:
    return f"{mark} {START_WALL + ms:.1f} {size} {what}"


def markdown_delta(path: list[int]) -> ForwardMsg:
    msg = ForwardMsg()
    msg.delta.new_element.markdown.body = "The 12 programs"
    msg.metadata.delta_path[:] = path
    return msg


def test_describe_names_the_element_and_its_path():
    assert trace_server.describe(markdown_delta([0, 1, 4])) == "delta:markdown:0.1.4"
    block = ForwardMsg()
    block.delta.add_block.vertical.SetInParent()
    block.metadata.delta_path[:] = [0, 1]
    assert trace_server.describe(block) == "delta:block:vertical:0.1"
    finished = ForwardMsg()
    finished.script_finished = ForwardMsg.FINISHED_SUCCESSFULLY
    assert trace_server.describe(finished) == "script_finished"


def test_logged_writes_one_line_then_calls_through():
    """The wrapper logs the message's kind, size and path, then calls through
    with the same arguments, positional or by keyword."""
    calls = []
    log = io.StringIO()
    wrapped = trace_server.logged(
        lambda *args, **kwargs: calls.append((args, kwargs)) or "sent", log, "S")
    msg = markdown_delta([0, 2])
    assert wrapped("self", "session", msg) == "sent"
    assert wrapped("self", "session", msg=msg) == "sent"
    assert calls == [(("self", "session", msg), {}),
                     (("self", "session"), {"msg": msg})]
    first_line, second_line = log.getvalue().splitlines()
    mark, wall, size, what = first_line.split(" ", 3)
    assert (mark, int(size), what) == ("S", msg.ByteSize(), "delta:markdown:0.2")
    assert float(wall) > 1.7e12  # wall-clock ms, comparable with the page's clock
    assert second_line.split(" ", 3)[2:] == [str(msg.ByteSize()), "delta:markdown:0.2"]


def test_logged_write_logs_after_the_socket_write_returns():
    """'W' is logged once the write has finished, with the payload's length."""
    log = io.StringIO()
    order = []

    async def send_bytes(websocket, data):
        order.append(("sent", log.getvalue()))
        return len(data)

    wrapped = trace_server.logged_write(send_bytes, log)
    # In a thread of its own: the browser tests' Playwright may be running an
    # event loop in this one.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        sent = pool.submit(asyncio.run, wrapped("websocket", b"x" * 1234)).result()
    assert sent == 1234
    assert order == [("sent", "")]  # nothing logged before the write
    mark, _, size, what = log.getvalue().split(" ", 3)
    assert (mark, size, what) == ("W", "1234", "-\n")


def test_parse_log_reads_every_field():
    lines = trace.parse_log(line("E", 3, 803, "new_session") + "\n"
                            + line("W", 4.5, 6845, "-"))
    assert lines == [trace.ServerLine("E", START_WALL + 3, 803, "new_session"),
                     trace.ServerLine("W", START_WALL + 4.5, 6845, "-")]


def test_pair_matches_in_order_by_size_within_the_lookahead():
    lines = trace.parse_log("\n".join([
        line("W", 1, 803, "-"),
        line("W", 2, 40, "-"),  # a message the page never reported: skipped
        line("W", 3, 150, "-"),
        line("W", 4, 150, "-"),
    ]))
    paired = trace.pair([803, 150, 150, 999], lines)
    assert [p.wall_ms - START_WALL if p else None for p in paired] == [1, 3, 4, None]
    # Beyond the lookahead a size is not searched for: 150 is the 3rd line.
    assert trace.pair([150], lines, lookahead=2) == [None]
    assert trace.pair([150], lines, lookahead=3)[0].wall_ms == START_WALL + 3


def test_written_messages_take_what_they_carry_from_the_handed_lines():
    lines = trace.parse_log("\n".join([
        line("S", -30, 2132, "delta:plotly_chart:0.1.3.0.1"),  # before the click
        line("W", -29, 2132, "-"),
        line("S", 10, 150, "delta:metric:0.1.2.0.0"),
        line("S", 11, 2132, "delta:plotly_chart:0.1.3.0.1"),
        line("W", 12, 150, "-"),
        line("W", 13, 2132, "-"),
        line("W", 14, 77, "-"),  # no 'S' line of that size
    ]))
    written = trace.written_messages(lines, START_WALL)
    assert [(w.wall_ms - START_WALL, w.what) for w in written] == [
        (12, "delta:metric:0.1.2.0.0"), (13, "delta:plotly_chart:0.1.3.0.1"),
        (14, "?")]


def test_overlapping_keeps_tasks_that_ran_during_the_wait():
    tasks = [[0, 60], [20, 60], [80, 10], [100, 5], [105, 10]]
    # The wait is [70, 105): [20, 60] runs until 80, [80, 10] inside it,
    # [100, 5] ends at its end; [0, 60] ended before, [105, 10] starts after.
    assert trace.overlapping(tasks, 70, 105) == [[20, 60], [80, 10], [100, 5]]
    assert trace.overlapping(tasks, None, 105) == []


def record(kind: str, ws: list, tasks: list, kpi: float, drawn: float) -> dict:
    return {"origin": START_WALL - 500, "start": 500.0, "kind": kind, "ws": ws,
            "tasks": tasks, "sent": [33.0],
            "times": {"total": max(kpi, drawn), "kpi": kpi, "drawn": drawn}}


SERVER = trace.parse_log("\n".join([
    line("E", -50, 10, "delta:markdown:0.1.0"),  # an earlier click's: ignored
    line("E", 40, 803, "new_session"),
    line("S", 41, 803, "new_session"),
    line("W", 42, 803, "-"),
    line("S", 70, 2132, "delta:plotly_chart:0.1.3.0.1"),
    line("S", 71, 6845, "delta:dataframe:0.1.6"),
    line("W", 72, 2132, "-"),
    line("W", 75, 6845, "-"),
]))


def test_a_split_click_shows_the_task_its_table_waited_behind():
    click = trace.click_summary(
        record("new state", [[60, 803], [100, 2132], [205, 6845]],
               tasks=[[5, 40], [60, 30], [106, 96]], kpi=206, drawn=262), SERVER)
    assert click["split"] is True
    assert (click["request"], click["server_first"]) == (33.0, 40.0)
    assert (click["chart_written"], click["table_written"]) == (72.0, 75.0)
    assert (click["chart_handled"], click["table_handled"]) == (100, 205)
    # Waiting from 75 to 205: the task from 60 to 90 and the one from 106; not
    # the click's own task, which ended at 45.
    assert click["tasks_between"] == [[60, 30], [106, 96]]
    assert (click["messages"], click["bytes"], click["unpaired"]) == (3, 9780, 0)


def test_a_message_without_a_write_is_counted_unpaired():
    click = trace.click_summary(
        record("new state", [[60, 803], [61, 555], [100, 2132], [205, 6845]],
               tasks=[], kpi=190, drawn=215), SERVER)
    assert click["unpaired"] == 1
    assert click["split"] is False  # 25 ms apart: not more than SPLIT_MS
    assert click["table_written"] == 75.0


def test_split_means_more_than_split_ms_between_kpis_and_table():
    def split(gap: float) -> bool:
        return trace.click_summary(record("seen state", [], [], 100, 100 + gap),
                                   SERVER)["split"]
    assert trace.SPLIT_MS == 30
    assert (split(30), split(30.5), split(0)) == (False, True, False)


def test_the_summary_counts_splits_and_takes_medians():
    def click(table_handled: float, drawn: float, tasks: list) -> dict:
        return trace.click_summary(
            record("new state", [[60, 803], [100, 2132], [table_handled, 6845]],
                   tasks=tasks, kpi=110, drawn=drawn), SERVER)
    clicks = [click(205, 262, [[106, 96]]),  # split, waited 130
              click(80, 180, []),            # split, waited 5
              click(90, 200, []),            # split, waited 15
              click(101, 120, [[95, 90]]),   # whole, waited 26
              click(85, 112, [])]            # whole, waited 10
    summary = trace.summarize(clicks)["new state"]
    assert summary["clicks"] == 5 and summary["split"] == 3
    assert summary["table waited, split"] == 15.0  # the median; the mean is 50
    assert summary["table waited, not split"] == 18.0  # median of 26 and 10
    assert summary["a long task meanwhile, split"] == 1
    assert summary["a long task meanwhile, not split"] == 1
    assert "SPLIT" in trace.describe_click(clicks[0])
    assert "SPLIT" not in trace.describe_click(clicks[3])
