"""Process limits for the sandboxed child, the hardening of long-lived parents, and the bwrap command.

The child applies its own limits as its very first act (before it reads a byte of the document), rather
than through ``preexec_fn``, which is unsafe in a parent with threads (the worker's heartbeat). Limits
are inherited across fork and exec, so NER workers, the pypdf helpers and Tesseract each get the same
per-process address-space and CPU limits.
"""

from __future__ import annotations

import ctypes
import functools
import os
import resource
import shutil
import signal
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

GIB = 1024**3
PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4

#: What the child sees of the parent's environment. Nothing else crosses: no SAFEPUB_* secrets,
#: DATABASE_URL, REDIS_URL, keys or cloud credentials.
ENV_ALLOW = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TESSDATA_PREFIX", "OMP_THREAD_LIMIT")

#: Read-only root, a private tmpfs /tmp, fresh /dev and /proc, every namespace unshared (no network),
#: no capabilities even when the parent runs as root (bwrap keeps them for a privileged caller unless
#: told), killed with its parent, a new session (no terminal injection).
BWRAP_ARGS = (
    "--ro-bind", "/", "/",
    "--tmpfs", "/tmp",
    "--dev", "/dev",
    "--proc", "/proc",
    "--unshare-all",
    "--cap-drop", "ALL",
    "--die-with-parent",
    "--new-session",
    "--chdir", "/",
)  # fmt: skip


def bwrap_args(hidden: Sequence[Path | str] = ()) -> list[str]:
    """BWRAP_ARGS, plus read-only binds of the interpreter, the code and the OCR data where they live
    under /tmp (a CI checkout, a virtualenv in a temporary folder): the private tmpfs would hide them.

    ``hidden`` are the paths the child must not read although the root is bound read-only: the keyring,
    the audit signing key, the data directory (database, sealed store, archive). A directory is covered
    by an empty tmpfs, a file by /dev/null (which the child cannot even open: binds are nodev)."""
    import sys

    import redaction

    tmp = Path("/tmp")
    wanted = [Path(sys.prefix), Path(sys.base_prefix), Path(redaction.__file__).resolve().parents[1]]
    if os.environ.get("TESSDATA_PREFIX"):
        wanted.append(Path(os.environ["TESSDATA_PREFIX"]))
    binds: list[str] = []
    for path in dict.fromkeys(p.resolve() for p in wanted):
        if path != tmp and path.is_relative_to(tmp) and path.exists():
            binds += ["--ro-bind", str(path), str(path)]
    at = BWRAP_ARGS.index("--tmpfs") + 2  # after the tmpfs, so the binds show through it
    masks: list[str] = []
    for raw in hidden:
        path = Path(raw).resolve()
        if path.is_dir():
            masks += ["--tmpfs", str(path)]
        elif path.exists():
            masks += ["--ro-bind", "/dev/null", str(path)]
    # the masks come after the fresh /dev: a /dev/null bound before it cannot be read
    after_proc = BWRAP_ARGS.index("--proc") + 2
    return [*BWRAP_ARGS[:at], *binds, *BWRAP_ARGS[at:after_proc], *masks, *BWRAP_ARGS[after_proc:]]


@dataclass(frozen=True)
class Limits:
    memory_bytes: int = 3 * GIB  # RLIMIT_AS, per process
    cpu_seconds: int = 600  # RLIMIT_CPU, per process: SIGXCPU at the limit, SIGKILL a little later
    open_files: int = 256  # RLIMIT_NOFILE

    def argv(self) -> list[str]:
        return [
            f"--memory={self.memory_bytes}",
            f"--cpu={self.cpu_seconds}",
            f"--files={self.open_files}",
        ]


def apply_limits(limits: Limits) -> None:
    """In the child, before anything else: killed with its parent (a work horse killed by RQ's job
    timeout must not leave its child parsing), the limits, no core files, not dumpable."""
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # (under bwrap, --die-with-parent does the same for bwrap)
    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 5))
    resource.setrlimit(resource.RLIMIT_NOFILE, (limits.open_files, limits.open_files))
    harden_current_process()


def harden_current_process() -> None:
    """No core files and not dumpable: a crash must not write plaintext drafts or keys to disk, and
    no other process of the same user may ptrace this one or read its memory through /proc.
    Called by the worker and the web process at start, and by every sandboxed child."""
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    _prctl(PR_SET_DUMPABLE, 0)


def child_environment(environ: Mapping[str, str]) -> dict[str, str]:
    env = {key: environ[key] for key in ENV_ALLOW if environ.get(key)}
    env.setdefault("PATH", "/usr/local/bin:/usr/bin:/bin")
    env.setdefault("LANG", "C.UTF-8")
    env.setdefault("OMP_THREAD_LIMIT", "1")
    env["HOME"] = "/tmp"
    return env


def bwrap_path() -> str | None:
    return shutil.which("bwrap")


@functools.cache
def bwrap_usable() -> bool:
    """Whether bwrap can start a sandbox here (user namespaces may be disabled, e.g. in containers)."""
    path = bwrap_path()
    if path is None:
        return False
    try:
        result = subprocess.run(
            [path, *bwrap_args(), "--", "/bin/true"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=30,
            env=child_environment(os.environ),
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return result.returncode == 0


def _prctl(option: int, value: int) -> None:
    prctl = getattr(ctypes.CDLL(None, use_errno=True), "prctl", None)  # Linux only
    if prctl is None:
        return
    if prctl(option, value, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl failed")
