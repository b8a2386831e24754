"""How a child ends decides what the parent raises, and the parent always survives.

Real limits on the real child (CPU seconds, address space, the wall clock), and scripted children that
behave as a compromised or crashing child would (a fatal signal, garbage or pickle on stdout): each ends
in a typed error the uploader can read, never in the parent running the child's data."""

from __future__ import annotations

import os
import sys

import pytest

from redaction.budgets import BudgetExceeded, Budgets
from redaction.sandbox import Limits, ParserCrashed, SandboxedEngine, SandboxError
from tests.redaction.sandbox import hostile
from tests.redaction.sandbox.test_engine import draft

MIB = 1024 * 1024


class ScriptedChild(SandboxedEngine):
    """A sandboxed engine whose child is a script standing in for a compromised or crashing child."""

    def __init__(self, script: str, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(mode="rlimits", **kwargs)
        self.script = script

    def command(self, limits=None) -> list[str]:  # type: ignore[no-untyped-def]
        return [sys.executable, "-I", "-c", self.script]


READ_REQUEST = "import sys, os, signal, struct\nsys.stdin.buffer.read()\n"


def test_when_the_child_exceeds_its_cpu_seconds_then_the_budget_is_exceeded() -> None:
    engine = SandboxedEngine(mode="auto", ocr=False, limits=Limits(cpu_seconds=1), timeout_seconds=120)
    with pytest.raises(BudgetExceeded, match="more processing time"):
        engine.analyze(draft())  # loading the model alone takes more than a second of CPU


def test_when_a_rendering_needs_more_memory_than_the_limit_then_the_budget_is_exceeded() -> None:
    engine = SandboxedEngine(
        mode="auto", limits=Limits(memory_bytes=700 * MIB), budgets=Budgets(max_render_pixels=10**10)
    )
    with pytest.raises(BudgetExceeded, match="more memory"):
        engine.page_image(hostile.giant_page(), 0, dpi=200)  # 1.6 G pixels asked for, 700 MiB allowed


def test_when_the_child_outlives_the_wall_clock_timeout_then_its_group_is_killed() -> None:
    engine = ScriptedChild(READ_REQUEST + "import time\ntime.sleep(600)\n", timeout_seconds=1)
    with pytest.raises(BudgetExceeded, match="took longer"):
        engine.page_sizes(draft())


@pytest.mark.parametrize("sig", ["SIGSEGV", "SIGABRT", "SIGBUS"])
def test_when_the_child_dies_of_a_fatal_signal_then_the_parser_crashed(sig: str) -> None:
    engine = ScriptedChild(READ_REQUEST + f"os.kill(os.getpid(), signal.{sig})\n")
    with pytest.raises(ParserCrashed, match="crashed the PDF reader"):
        engine.page_sizes(draft())


def test_when_the_child_is_killed_then_it_is_taken_as_the_memory_limit() -> None:
    engine = ScriptedChild(READ_REQUEST + "os.kill(os.getpid(), signal.SIGKILL)\n")
    with pytest.raises(BudgetExceeded, match="more memory"):
        engine.page_sizes(draft())


def test_when_the_child_writes_pickle_then_nothing_is_unpickled() -> None:
    payload = "import pickle; body = pickle.dumps(OSError('x'))\n"
    engine = ScriptedChild(
        READ_REQUEST + payload + "sys.stdout.buffer.write(struct.pack('>IQ', len(body), 0) + body)\n"
    )
    with pytest.raises(SandboxError) as caught:
        engine.page_sizes(draft())
    assert caught.value.kind == "ProtocolError"


def test_when_the_child_answers_with_the_wrong_shape_then_it_is_a_sandbox_error() -> None:
    body = 'b\'{"result": "not a list of sizes"}\''
    engine = ScriptedChild(READ_REQUEST + f"sys.stdout.buffer.write(struct.pack('>IQ', len({body}), 0) + {body})\n")
    with pytest.raises(SandboxError):
        engine.page_sizes(draft())


def test_when_the_child_names_an_unknown_error_then_only_a_clean_type_name_reaches_the_parent() -> None:
    body = 'b\'{"error": "internal", "type": "Zephyrine Quarterman\\\\n"}\''
    engine = ScriptedChild(READ_REQUEST + f"sys.stdout.buffer.write(struct.pack('>IQ', len({body}), 0) + {body})\n")
    with pytest.raises(SandboxError) as caught:
        engine.page_sizes(draft())
    assert caught.value.kind == "unknown" and "Zephyrine" not in str(caught.value)


def test_when_the_child_exits_without_answering_then_it_is_a_sandbox_error() -> None:
    with pytest.raises(SandboxError, match="ExitedWithoutAnswer"):
        ScriptedChild(READ_REQUEST + "sys.exit(0)\n").page_sizes(draft())


def _children_with(marker: str) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                cmdline = open(f"/proc/{entry}/cmdline", "rb").read().split(b"\0")
            except OSError:
                continue
            if marker.encode() in cmdline:
                found.append(int(entry))
    return found


def test_when_the_real_child_times_out_then_nothing_it_started_is_left_running() -> None:
    """The wall clock kills the whole tree: bwrap (or the child's process group), the extraction fork
    and the model-loading child alike. The odd memory limit marks this test's processes."""
    limits = Limits(memory_bytes=3 * 1024**3 + 4096)
    engine = SandboxedEngine(mode="auto", ocr=False, limits=limits, timeout_seconds=1)
    with pytest.raises(BudgetExceeded, match="took longer"):
        engine.analyze(draft())  # loading the model alone takes longer than a second
    assert _children_with(f"--memory={limits.memory_bytes}") == []


def test_when_the_child_declares_a_huge_answer_then_the_parent_refuses_it_unread() -> None:
    engine = ScriptedChild(READ_REQUEST + "sys.stdout.buffer.write(struct.pack('>IQ', 2, 1 << 40) + b'{}')\n")
    with pytest.raises(SandboxError) as caught:
        engine.page_image(draft(), 0)
    assert caught.value.kind == "ProtocolError"


def test_when_the_child_sends_fewer_page_images_than_it_claims_then_it_is_refused() -> None:
    script = (
        READ_REQUEST
        + "import json\n"
        + "def frame(header, payload=b''):\n"
        + "    body = json.dumps(header).encode()\n"
        + "    sys.stdout.buffer.write(struct.pack('>IQ', len(body), len(payload)) + body + payload)\n"
        + "frame({'part': [10, 10]}, b'\\x89PNG\\r\\n\\x1a\\n')\n"
        + "frame({'result': 2})\n"
    )
    with pytest.raises(SandboxError):
        ScriptedChild(script).page_images(draft())


def test_when_the_child_sends_many_frames_then_their_total_is_capped(monkeypatch) -> None:
    """Each frame under the cap, but their sum over it: the parent stops reading (a compromised child
    must not grow the key-holding parent's memory with endless parts)."""
    from redaction.sandbox import process

    monkeypatch.setattr(process, "MAX_ANSWER_BYTES", 64 * 1024)
    script = (
        READ_REQUEST
        + "import json\n"
        + "for n in range(100):\n"
        + "    body = json.dumps({'part': [1, 1]}).encode()\n"
        + "    sys.stdout.buffer.write(struct.pack('>IQ', len(body), 4096) + body + b'x' * 4096)\n"
        + "body = json.dumps({'result': 100}).encode()\n"
        + "sys.stdout.buffer.write(struct.pack('>IQ', len(body), 0) + body)\n"
    )
    with pytest.raises(SandboxError) as caught:
        ScriptedChild(script).page_images(draft())
    assert caught.value.kind == "ProtocolError"
