"""The trace diagnostic pairs the page's messages with the server's log rightly.

``bench.trace`` explains where a filter change waits; its conclusions rest on
pairing each websocket message the page handled with the server's line for it
(same order, same size), and on the timeline it computes per click. These tests
hold the pure parts to hand-made timelines; the server's logging wrapper to a
real ForwardMsg.
"""

from __future__ import annotations

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
    calls = []
    log = io.StringIO()
    wrapped = trace_server.logged(lambda *args: calls.append(args) or "sent", log, "S")
    msg = markdown_delta([0, 2])
    assert wrapped("self", "session", msg) == "sent"
    assert calls == [("self", "session", msg)]
    mark, wall, size, what = log.getvalue().split(" ", 3)
    assert (mark, int(size), what) == ("S", msg.ByteSize(), "delta:markdown:0.2\n")
    assert float(wall) > 1.7e12  # wall-clock ms, comparable with the page's clock


def test_parse_log_reads_every_field():
    lines = trace.parse_log(line("E", 3, 803, "new_session") + "\n"
                            + line("S", 4.5, 6845, "delta:dataframe:0.1.6"))
    assert lines == [trace.ServerLine("E", START_WALL + 3, 803, "new_session"),
                     trace.ServerLine("S", START_WALL + 4.5, 6845,
                                      "delta:dataframe:0.1.6")]


def test_pair_matches_by_order_and_size_and_skips_unseen_lines():
    sent = trace.parse_log("\n".join([
        line("S", 1, 803, "new_session"),
        line("S", 2, 40, "page_info_changed"),  # the page has not handled this yet
        line("S", 3, 150, "delta:metric:0.1.2.0.0"),
        line("S", 4, 150, "delta:metric:0.1.2.1.0"),
    ]))
    page = [[10, 803], [11, 150], [12, 150], [13, 999]]
    paired = trace.pair(page, sent)
    assert [p.what if p else None for p in paired] == [
        "new_session", "delta:metric:0.1.2.0.0", "delta:metric:0.1.2.1.0", None]


def record(kind: str, ws: list, tasks: list, kpi: float, drawn: float) -> dict:
    return {"origin": START_WALL - 500, "start": 500.0, "kind": kind, "ws": ws,
            "tasks": tasks, "sent": [33.0],
            "times": {"total": max(kpi, drawn), "kpi": kpi, "drawn": drawn}}


SERVER = trace.parse_log("\n".join([
    line("E", -50, 10, "delta:markdown:0.1.0"),  # an earlier click's: ignored
    line("E", 40, 803, "new_session"),
    line("S", 41, 803, "new_session"),
    line("S", 70, 2132, "delta:plotly_chart:0.1.3.0.1"),
    line("S", 71, 6845, "delta:dataframe:0.1.6"),
]))


def test_a_split_click_shows_the_task_its_table_waited_behind():
    click = trace.click_summary(
        record("new state", [[60, 803], [100, 2132], [205, 6845]],
               tasks=[[20, 60], [106, 96]], kpi=206, drawn=262), SERVER)
    assert click["split"] is True
    assert (click["request"], click["server_first"]) == (33.0, 40.0)
    assert (click["chart_sent"], click["table_sent"]) == (70.0, 71.0)
    assert (click["chart_handled"], click["table_handled"]) == (100, 205)
    assert click["tasks_between"] == [[106, 96]]  # not the click's own task at 20
    assert (click["messages"], click["bytes"], click["unpaired"]) == (3, 9780, 0)


def test_the_summary_counts_splits_and_where_tables_waited():
    split = trace.click_summary(
        record("new state", [[60, 803], [100, 2132], [205, 6845]],
               tasks=[[106, 96]], kpi=206, drawn=262), SERVER)
    whole = trace.click_summary(
        record("new state", [[60, 803], [100, 2132], [101, 6845]],
               tasks=[[102, 90]], kpi=192, drawn=192), SERVER)
    summary = trace.summarize([split, whole])["new state"]
    assert summary["clicks"] == 2 and summary["split"] == 1
    assert summary["table waited, split"] == 134.0  # handled 205, sent 71
    assert summary["table waited, not split"] == 30.0
    assert summary["a long task meanwhile, split"] == 1
    assert summary["a long task meanwhile, not split"] == 0
    assert "SPLIT" in trace.describe_click(split)
    assert "SPLIT" not in trace.describe_click(whole)
