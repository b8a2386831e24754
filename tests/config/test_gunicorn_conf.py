"""The web processes harden themselves like the worker: no core files, not dumpable (a crash must not
write uploads held in memory or the key-encryption key to disk)."""

import subprocess
import sys

PROBE = """
import ctypes, resource
import config.gunicorn_conf as conf
conf.{hook}
libc = ctypes.CDLL(None, use_errno=True)
print(resource.getrlimit(resource.RLIMIT_CORE)[1], libc.prctl(3, 0, 0, 0, 0))  # PR_GET_DUMPABLE
"""


def _probe(hook: str) -> str:
    return subprocess.run(
        [sys.executable, "-c", PROBE.format(hook=hook)], capture_output=True, text=True, check=True
    ).stdout.split()


def test_the_gunicorn_master_and_every_worker_are_hardened() -> None:
    assert _probe("on_starting(None)") == ["0", "0"]
    assert _probe("post_fork(None, None)") == ["0", "0"]


def test_without_the_hooks_a_process_is_dumpable() -> None:  # the probe itself can tell
    assert _probe("accesslog")[1] == "1"


def test_trusting_forwarded_headers_while_listening_beyond_loopback_is_warned_about() -> None:
    from config.gunicorn_conf import proxy_warnings

    [warning] = proxy_warnings(["0.0.0.0:8000"], trusted_proxies=1)
    assert "0.0.0.0:8000" in warning and "SAFEPUB_BIND" in warning
    assert proxy_warnings(["127.0.0.1:8000"], trusted_proxies=1) == []  # behind a proxy on this machine
    assert proxy_warnings(["0.0.0.0:8000"], trusted_proxies=0) == []  # nothing trusted, nothing to forge
