"""One sandboxed child process, from start to exit: it is fed the request on a thread, its frames are read
until its answer, the wall clock kills its whole process group, and how it ended decides what is raised.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
from collections.abc import Callable
from typing import Any, Literal

from redaction.budgets import BudgetExceeded
from redaction.sandbox import codec
from redaction.sandbox.errors import ParserCrashed, SandboxError
from redaction.sandbox.limits import Limits, child_environment
from redaction.sandbox.protocol import ProtocolError, read_frame, write_frame

Mode = Literal["bwrap", "rlimits"]
Progress = Callable[[int, int], None]

MEMORY = "the document needs more memory than the processing limit allows"
CPU_TIME = "the document needs more processing time than the limit allows"
WALL_TIME = "the document took longer to process than the time limit allows"
CRASHED = "the document crashed the PDF reader"
#: The largest payload the parent accepts from a child (a rendered PDF or a PNG): a compromised child
#: must not make the key-holding parent allocate without bound.
MAX_ANSWER_BYTES = 512 * 1024 * 1024  # also the total over every frame of one answer
#: The largest JSON header of one frame (the proposals of a 2,000-page draft fit easily)
MAX_HEADER_BYTES = 128 * 1024 * 1024


class ChildProcess:
    """One child process, from start to exit."""

    def __init__(self, command: list[str], mode: Mode, limits: Limits) -> None:
        self.mode, self.limits = mode, limits
        self.timed_out = False
        self.peak_rss = 0
        #: the parts of a long answer, in order, as (header, payload)
        self.parts: list[tuple[Any, bytes]] = []
        self.process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,  # the child's tracebacks may quote the document: never logged
            close_fds=True,
            env=child_environment(os.environ),
            cwd="/",
            start_new_session=True,  # its own process group, killed whole
        )

    def run(self, request: dict[str, Any], data: bytes, progress: Progress | None, timeout: float) -> tuple[Any, bytes]:
        timer = threading.Timer(timeout, self._time_out)
        feeder = threading.Thread(target=self._feed, args=(request, data), daemon=True)
        timer.start()
        feeder.start()
        try:
            answer = self._read(progress)
        except BaseException:
            self.kill()
            raise
        finally:
            timer.cancel()
            self._reap()
            feeder.join()
        if answer is None:
            raise BudgetExceeded(WALL_TIME) if self.timed_out else self._death()
        header, payload = answer
        if "error" in header:
            if header["error"] == "MemoryError":
                raise BudgetExceeded(MEMORY)
            raise codec.error_from_dict(header)
        return header.get("result"), payload

    def _feed(self, request: dict[str, Any], data: bytes) -> None:
        assert self.process.stdin is not None
        try:
            write_frame(self.process.stdin, request, data)
            self.process.stdin.close()
        except (OSError, ValueError):
            pass  # the child died or stopped reading; its exit says why

    def _read(self, progress: Progress | None) -> tuple[dict[str, Any], bytes] | None:
        assert self.process.stdout is not None
        received = 0  # across every frame: a compromised child must not grow the parent without bound
        try:
            while True:
                frame = read_frame(self.process.stdout, max_header=MAX_HEADER_BYTES, max_payload=MAX_ANSWER_BYTES)
                if frame is None:
                    return None
                header, payload = frame
                received += len(payload) + len(str(header))
                if received > MAX_ANSWER_BYTES:
                    raise ProtocolError("answer too large")
                if "part" in header:
                    self.parts.append((header["part"], payload))
                    continue
                if "progress" not in header:
                    return header, payload
                done, total = header["progress"]
                if progress is not None:
                    progress(int(done), int(total))
        except (ProtocolError, ValueError, TypeError):
            if self.timed_out or self._has_exited():
                return None  # cut short by its death (a limit, the timeout): the exit says why
            self.kill()
            raise SandboxError("ProtocolError") from None

    def _has_exited(self) -> bool:
        """Whether the child has ended by itself (without reaping it)."""
        info = os.waitid(os.P_PID, self.process.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
        return info is not None

    def _time_out(self) -> None:
        self.timed_out = True
        self.kill()

    def kill(self) -> None:
        if self.process.returncode is not None:
            return  # reaped: its group id may belong to someone else by now
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass

    def _reap(self) -> None:
        """Wait for the child to exit (killed if it lingers), kill whatever it left in its process group
        while its group id is still reserved (the exited leader is not yet reaped), then reap it with its
        resource usage, and close the pipes."""
        if self.process.returncode is None:
            guard = threading.Timer(30, self.kill)
            guard.start()
            try:
                os.waitid(os.P_PID, self.process.pid, os.WEXITED | os.WNOWAIT)
            finally:
                guard.cancel()
            self.kill()
            _, status, usage = os.wait4(self.process.pid, 0)
            self.process.returncode = os.waitstatus_to_exitcode(status)
            self.peak_rss = usage.ru_maxrss * 1024  # KiB on Linux
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                try:
                    stream.close()
                except (OSError, ValueError):
                    pass

    def _signal(self) -> int | None:
        code = self.process.returncode
        if code is None:
            return None
        if code < 0:
            return -code
        if self.mode == "bwrap" and code > 128:  # bwrap exits 128 + the signal that killed its child
            return code - 128
        return None

    def _death(self) -> Exception:
        """Why a child ended without an answer. SIGKILL is RLIMIT_CPU's hard limit or the kernel's OOM
        killer; a segmentation fault or abort by a child that had used half its memory limit is taken as
        the address-space limit (an allocation MuPDF or the stack could not get), anything else as a
        crash of the parser."""
        sig = self._signal()
        if sig == signal.SIGXCPU:
            return BudgetExceeded(CPU_TIME)
        if sig == signal.SIGKILL:
            return BudgetExceeded(MEMORY)
        if sig in (signal.SIGSEGV, signal.SIGBUS, signal.SIGABRT) and self.peak_rss >= self.limits.memory_bytes // 2:
            return BudgetExceeded(MEMORY)
        if sig is not None:
            return ParserCrashed(CRASHED)
        return SandboxError("ExitedWithoutAnswer")
