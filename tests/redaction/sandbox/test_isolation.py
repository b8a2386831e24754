"""What the child can reach: no network and a read-only file system under bwrap, an environment
without secrets, its limits set and core dumps off. Checked in real processes."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pymupdf
import pytest

from redaction.sandbox import Limits, SandboxedEngine, harden_current_process
from redaction.sandbox.limits import BWRAP_ARGS, bwrap_args
from tests.redaction.conftest import REPO
from tests.redaction.sandbox.conftest import needs_bwrap
from tests.redaction.sandbox.test_deaths import ScriptedChild
from tests.redaction.sandbox.test_engine import draft

PROBE = r"""
import socket, sys
results = []
try:
    socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5).close()
    results.append("network open")
except OSError:
    results.append("network denied")
for path in (sys.argv[2], "/tmp/scratch"):
    try:
        open(path, "w").write("x")
        results.append("wrote " + path)
    except OSError:
        results.append("refused " + path)
status = dict(line.split(":\t", 1) for line in open("/proc/self/status").read().splitlines() if ":\t" in line)
results.append("caps " + status["CapEff"].strip() + " nonewprivs " + status["NoNewPrivs"].strip())
print(";".join(results))
"""


@needs_bwrap
def test_under_bwrap_the_child_has_no_network_no_capabilities_and_writes_only_to_its_own_tmp(tmp_path) -> None:
    import socket

    with socket.socket() as server:  # a port that really is open on the host
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        outside = tmp_path / "escaped"
        command = ["bwrap", *bwrap_args(), "--", sys.executable, "-I", "-c", PROBE, str(port), str(outside)]
        result = subprocess.run(command, capture_output=True, text=True, timeout=60, check=True)
        # the same probe outside the sandbox reaches the port and writes the file: the probe can tell
        control = subprocess.run(
            [sys.executable, "-I", "-c", PROBE, str(port), str(outside)], capture_output=True, text=True, check=True
        )
    assert result.stdout.strip() == (
        f"network denied;refused {outside};wrote /tmp/scratch;caps 0000000000000000 nonewprivs 1"
    )
    assert control.stdout.startswith("network open;wrote")
    assert SandboxedEngine(mode="bwrap").command()[1 : len(bwrap_args()) + 1] == bwrap_args()


def test_an_interpreter_or_checkout_under_tmp_is_bound_into_the_sandbox(monkeypatch, tmp_path) -> None:
    """The sandbox's private /tmp would hide a virtualenv or a CI checkout that lives under /tmp."""
    venv = tmp_path / "venv"
    venv.mkdir()
    monkeypatch.setattr(sys, "prefix", str(venv))
    args = bwrap_args()
    at = args.index("--tmpfs")
    fixed_end = at + 2 + (len(args) - len(BWRAP_ARGS))
    binds = args[at + 2 : fixed_end]  # right after the tmpfs, so they show through it
    triples = [binds[i : i + 3] for i in range(0, len(binds), 3)]
    assert ["--ro-bind", str(venv.resolve()), str(venv.resolve())] in triples
    assert all(t[0] == "--ro-bind" and t[1] == t[2] and t[1].startswith("/tmp/") for t in triples)
    assert args[: at + 2] + args[fixed_end:] == list(BWRAP_ARGS)  # the fixed arguments are unchanged


def test_the_child_environment_holds_no_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SAFEPUB_KEK", "DATABASE_URL", "REDIS_URL", "AWS_SECRET_ACCESS_KEY", "SECRET_KEY"):
        monkeypatch.setenv(name, "secret-value")
    monkeypatch.setenv("TESSDATA_PREFIX", "/usr/share/tessdata")
    script = (
        "import json, os, struct, sys\nsys.stdin.buffer.read()\n"
        "body = json.dumps({'result': dict(os.environ)}).encode()\n"
        "sys.stdout.buffer.write(struct.pack('>IQ', len(body), 0) + body)\n"
    )
    seen, _ = ScriptedChild(script)._call("page_sizes", {}, draft())
    assert "secret-value" not in seen.values()
    assert seen["HOME"] == "/tmp" and seen["TESSDATA_PREFIX"] == "/usr/share/tessdata"
    assert set(seen) <= {"PATH", "LANG", "LC_ALL", "LC_CTYPE", "TESSDATA_PREFIX", "OMP_THREAD_LIMIT", "HOME"}


def test_the_child_limits_itself_before_reading_the_document() -> None:
    code = (
        "import resource, ctypes\n"
        "from redaction.sandbox.limits import Limits, apply_limits\n"
        "apply_limits(Limits(memory_bytes=1 << 30, cpu_seconds=7, open_files=64))\n"
        "dumpable = ctypes.CDLL(None).prctl(3, 0, 0, 0, 0)\n"
        "signal = ctypes.c_int(0)\n"
        "ctypes.CDLL(None).prctl(2, ctypes.byref(signal), 0, 0, 0)\n"
        "print([resource.getrlimit(r)[0] for r in (resource.RLIMIT_AS, resource.RLIMIT_CPU,"
        " resource.RLIMIT_NOFILE, resource.RLIMIT_CORE)], dumpable, signal.value)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert result.stdout.strip() == f"{[1 << 30, 7, 64, 0]} 0 9"  # SIGKILL when the parent dies


def test_harden_current_process_turns_off_core_dumps_and_dumpability() -> None:
    code = (
        "import resource, ctypes\n"
        "from redaction.sandbox import harden_current_process\n"
        "harden_current_process()\n"
        "print(resource.getrlimit(resource.RLIMIT_CORE), ctypes.CDLL(None).prctl(3, 0, 0, 0, 0))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert result.stdout.strip() == "(0, 0) 0"
    assert callable(harden_current_process)


def test_ner_workers_fork_inside_the_limited_child() -> None:
    """A long text makes NER fork its workers in the child; they inherit the per-process limits."""
    line = "Zephyrine Quarterman met the health visitor in Leeds with her brother Orrin.\n"
    engine = SandboxedEngine(mode="auto", ocr=False, n_process=2, limits=Limits(), timeout_seconds=300)
    analysis = engine.analyze((line * 1000).encode())
    assert analysis.kind == "text"
    assert sum(p.text == "Zephyrine Quarterman" for p in analysis.proposals) == 1000


def picture_of_text(text: str) -> bytes:
    """A PDF whose only text is a picture of ``text`` (needs OCR to be read)."""
    source = pymupdf.open()
    page = source.new_page(width=500, height=80)
    page.insert_text((10, 50), text, fontsize=24)
    png = page.get_pixmap(dpi=200).tobytes("png")
    doc = pymupdf.open()
    doc.new_page(width=500, height=80).insert_image(pymupdf.Rect(0, 0, 500, 80), stream=png)
    return doc.tobytes()


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="Tesseract is not installed")
def test_ocr_runs_inside_the_sandbox_with_its_limits() -> None:
    """Tesseract is a subprocess of the child: it finds its language data under the read-only root,
    works in the private /tmp and inherits the limits."""
    engine = SandboxedEngine(mode="auto", ocr=True, limits=Limits(), timeout_seconds=300)
    analysis = engine.analyze(picture_of_text("Call 07700 900123 today"))
    assert not analysis.needs_review, analysis.needs_review
    assert any(p.channel == "image" for p in analysis.proposals)


PARENT = """
import sys
from redaction.sandbox import Limits, SandboxedEngine
engine = SandboxedEngine(mode=sys.argv[1], ocr=False, limits=Limits(memory_bytes=int(sys.argv[2])))
engine.analyze(sys.stdin.buffer.read())
"""


@pytest.mark.parametrize("mode", ["rlimits", pytest.param("bwrap", marks=needs_bwrap)])
def test_when_the_parent_is_killed_then_its_child_dies_too(mode: str) -> None:
    """A work horse killed by RQ's job timeout (SIGKILL) must not leave its child parsing a document."""
    from tests.redaction.sandbox.test_deaths import _children_with

    memory = 3 * 1024**3 + 8192 + (4096 if mode == "bwrap" else 0)  # marks this test's children
    marker = f"--memory={memory}"
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT, mode, str(memory)], stdin=subprocess.PIPE, cwd=REPO, start_new_session=False
    )
    assert parent.stdin is not None
    # about a minute of NER in the child: it is still working when its parent is killed
    parent.stdin.write(("Zephyrine Quarterman met the health visitor in Leeds on 3 May.\n" * 50_000).encode())
    parent.stdin.close()
    try:
        # past reading its request (a child still reading would end at EOF anyway): loading the model
        _wait(lambda: max((_cpu_seconds(pid) for pid in _children_with(marker)), default=0) > 1.5, "the child to work")
    finally:
        parent.kill()
        parent.wait()
    _wait(lambda: not _children_with(marker), "the child to die with its parent", timeout=15)


def _cpu_seconds(pid: int) -> float:
    import os

    try:
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _wait(predicate, what: str, timeout: float = 60) -> None:  # type: ignore[no-untyped-def]
    import time

    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


@needs_bwrap
def test_under_bwrap_the_child_cannot_read_the_keys_or_the_data_directory() -> None:
    """The root is bound read-only, so without hiding, a parse could read the keyring beside the data
    directory; the worker passes its secret paths and the child finds an empty folder and a file it
    cannot read (bound over by /dev/null on a nodev mount)."""
    import shutil
    import tempfile
    from pathlib import Path

    base = Path(tempfile.mkdtemp(dir="/var/tmp"))  # not under /tmp: the sandbox's own tmpfs hides that
    try:
        data_dir = base / "instance"
        data_dir.mkdir()
        (data_dir / "safepub.sqlite3").write_text("database")
        keyring = base / "instance.keyring.json"
        keyring.write_text("the-kek")
        probe = (
            "import os,sys\n"
            "try: k = repr(open(sys.argv[1]).read())\n"
            "except OSError as e: k = type(e).__name__\n"
            "print(k, os.listdir(sys.argv[2]))"
        )

        def run(hidden):
            command = [
                "bwrap",
                *bwrap_args(hidden),
                "--",
                sys.executable,
                "-I",
                "-c",
                probe,
                str(keyring),
                str(data_dir),
            ]
            return subprocess.run(command, capture_output=True, text=True, timeout=60, check=True).stdout.strip()

        assert run([]) == "'the-kek' ['safepub.sqlite3']"  # the probe can tell
        hidden = run([data_dir, keyring])
        assert hidden in ("'' []", "PermissionError []"), hidden  # an empty or unreadable file, an empty folder
    finally:
        shutil.rmtree(base)


def test_the_worker_hides_its_keys_and_data_from_the_sandbox(tmp_path) -> None:
    from config.settings import Settings
    from worker.__main__ import _secret_paths

    settings = Settings(data_dir=tmp_path / "instance", database_url="sqlite://")
    hidden = _secret_paths(settings)
    for path in (settings.data_dir, settings.key_file, settings.audit_key_file, settings.audit_witness):
        assert path in hidden
