import asyncio
import io
import os
import pty
import select
import termios
from pathlib import Path

from octane.engine.console import Console, LineReader, fmt_elapsed, log_banner, render_tree
from octane.engine.context import Progress
from tests.unit.engine.plans import group, leaf


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_elapsed_is_short() -> None:
    assert [fmt_elapsed(s) for s in (0, 59.9, 61, 3599, 3720)] == \
        ["0s", "59s", "1m01s", "59m59s", "1h02m"]


def test_tree_marks_done_and_parallel_steps() -> None:
    root = group("app", leaf("a"), group("units", leaf("u0"), leaf("u1"), parallel=True))
    assert render_tree(root, frozenset({"a", "u1"})).splitlines() == [
        "Group app", "  Do a ✓", "  Group units", "    Ψ Do u0", "    Ψ Do u1 ✓"]


def test_banner_names_the_log() -> None:
    assert log_banner(Path("/x/octane.log")) == "Full execution log: '/x/octane.log'"


def test_plain_progress_prints_on_change_and_on_heartbeat_only() -> None:
    out, clock = io.StringIO(), Clock()
    con = Console(out, input_fd=None, tty=False, clock=clock, heartbeat=30)
    con.begin("s", "Wait for model 'm' to reach the idle state")
    con.tick()
    assert out.getvalue() == ""  # nothing to say yet
    clock.now += 5
    con.report("s", Progress("model 'm' to be idle", ("keystone/0", "keystone/1")))
    con.report("s", Progress("model 'm' to be idle", ("keystone/0", "keystone/1")))
    clock.now += 10
    con.report("s", Progress("model 'm' to be idle", ("keystone/1",)))
    clock.now += 29
    con.tick()
    clock.now += 1
    con.tick()
    con.end("s")
    clock.now += 60
    con.tick()
    assert out.getvalue().splitlines() == [
        "Wait for model 'm' to reach the idle state: waiting for model 'm' to be idle "
        "(5s elapsed; still busy: keystone/0, keystone/1)",
        "Wait for model 'm' to reach the idle state: waiting for model 'm' to be idle "
        "(15s elapsed; still busy: keystone/1)",
        "Wait for model 'm' to reach the idle state: waiting for model 'm' to be idle "
        "(45s elapsed; still busy: keystone/1)",
    ]


def test_long_busy_lists_are_shortened() -> None:
    out = io.StringIO()
    con = Console(out, input_fd=None, tty=False, clock=Clock())
    con.begin("s", "Wait")
    con.report("s", Progress(None, tuple(f"u/{i}" for i in range(9))))
    assert out.getvalue() == "Wait: still running (0s elapsed; still busy: " \
        "u/0, u/1, u/2, u/3, u/4, u/5 (+3))\n"


def test_terminal_block_is_redrawn_and_erased_around_lines() -> None:
    out, clock = io.StringIO(), Clock()
    con = Console(out, input_fd=None, tty=True, clock=clock)
    con.begin("a", "Refresh a")
    con.begin("b", "Refresh b")
    con.report("a", Progress("units", ("a/0",)))
    text = out.getvalue()
    assert "Refresh a: waiting for units (0s elapsed; still busy: a/0)\n" in text
    assert "Refresh b: still running (0s elapsed)\n" in text
    out.truncate(0)
    out.seek(0)
    con.show("Refresh c ✓")
    # the two live lines are erased, the finished line printed, the block drawn again
    assert out.getvalue().startswith("\x1b[2F\x1b[JRefresh c ✓\n")
    assert out.getvalue().count("\n") == 3
    con.end("a")
    con.end("b")
    con.close()
    assert out.getvalue().endswith("\x1b[1F\x1b[J")


def test_quiet_keeps_only_important_lines() -> None:
    out = io.StringIO()
    con = Console(out, input_fd=None, quiet=True, tty=False, clock=Clock())
    con.show("Refresh a ✓")
    con.show("Upgrade completed.", important=True)
    con.begin("s", "Wait")
    con.report("s", Progress("x"))
    assert out.getvalue() == "Upgrade completed.\n"


async def test_output_is_held_while_a_question_is_open() -> None:
    read, write = os.pipe()
    out = io.StringIO()
    con = Console(out, input_fd=read, tty=False)
    try:
        asking = asyncio.create_task(con.ask("Continue (y/n): ", preamble="Group app"))
        await asyncio.sleep(0.01)
        con.show("Refresh b ✓")  # a parallel step finishing while the operator reads
        assert "Refresh b" not in out.getvalue()
        os.write(write, b"y\n")
        assert await asyncio.wait_for(asking, 5) is True
    finally:
        os.close(read)
        os.close(write)
    assert out.getvalue() == "Group app\nContinue (y/n): y\nRefresh b ✓\n"


async def test_text_answers_are_echoed_unless_secret() -> None:
    read, write = os.pipe()
    out = io.StringIO()
    con = Console(out, input_fd=read, tty=False)
    try:
        os.write(write, b"RegionOne\nk3y\n")
        assert await con.ask_text("Region: ") == "RegionOne"
        assert await con.ask_text("Key: ", secret=True) == "k3y"
    finally:
        os.close(read)
        os.close(write)
    assert out.getvalue() == "Region: RegionOne\nKey: \n"


async def test_a_secret_typed_on_a_terminal_is_not_echoed() -> None:
    master, slave = pty.openpty()
    out = io.StringIO()
    con = Console(out, input_fd=slave, tty=True)
    try:
        asking = asyncio.create_task(con.ask_text("Key: ", secret=True))
        for _ in range(500):  # until the terminal's echo is off (bounded)
            if not termios.tcgetattr(slave)[3] & termios.ECHO:
                break
            await asyncio.sleep(0.01)
        os.write(master, b"k3y\n")
        assert await asyncio.wait_for(asking, 5) == "k3y"
        assert termios.tcgetattr(slave)[3] & termios.ECHO  # restored
        ready, _, _ = select.select([master], [], [], 0.1)
        echoed = os.read(master, 1024) if ready else b""
        assert b"k3y" not in echoed
    finally:
        os.close(master)
        os.close(slave)
    assert out.getvalue() == "Key: \n"


async def test_no_input_means_no_answer() -> None:
    con = Console(io.StringIO(), input_fd=None, tty=False)
    assert await con.ask("Continue (y/n): ") is None


async def test_line_reader_reads_regular_files_and_pipes(tmp_path: Path) -> None:
    answers = tmp_path / "answers"
    answers.write_text("y\r\nno\nlast")
    fd = os.open(answers, os.O_RDONLY)
    try:
        reader = LineReader(fd)
        assert [await reader.readline() for _ in range(4)] == ["y", "no", "last", None]
    finally:
        os.close(fd)


def test_each_process_gets_its_own_log_file(tmp_path: Path) -> None:
    from octane.cli import new_log_file
    first, second = new_log_file(tmp_path), new_log_file(tmp_path)
    assert first != second and first.exists() and second.exists()
    assert first.name.startswith("octane-") and first.suffix == ".log"
