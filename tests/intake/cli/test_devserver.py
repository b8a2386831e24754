"""`safepub run` as a new user meets it: a fresh data dir, no Redis or database configured.

It must print the URL and demo logins, the printed login must work in the real web server, and a
`safepub` command run with the same environment must reach the same instance (its token uploads a
draft that the embedded Redis queue delivers to the worker). Ctrl+C stops everything.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[3]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def instance(tmp_path):
    port = free_port()
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("SAFEPUB_", "REDIS_URL", "DATABASE_URL", "SECRET_KEY"))
    }
    env.update(
        SAFEPUB_DATA_DIR=str(tmp_path / "instance"), PORT=str(port), SAFEPUB_QUEUE=f"sptest-run-{uuid.uuid4().hex[:8]}"
    )
    log = open(tmp_path / "run.log", "wb")  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "-c", "import sys; from intake.cli import main; sys.exit(main(['run']))"],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    yield env, port, process, tmp_path / "run.log"
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    log.close()


def wait_for_banner(log_path: Path, process: subprocess.Popen, timeout: float = 120) -> dict[str, str]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, log_path.read_text()[-3000:]
        text = log_path.read_text(errors="replace")
        if "press Ctrl+C to stop" in text:
            return dict(re.findall(r"(\S+@demo\.safepub\.test)\s+password: (\S+)", text))
        time.sleep(0.2)
    raise AssertionError("no banner: " + log_path.read_text()[-3000:])


def get(opener, url, data=None, headers=None):
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, response.read(), response.geturl()
    except urllib.error.HTTPError as error:
        return error.code, error.read(), url


def test_make_run_brings_up_a_working_instance(instance):
    env, port, process, log_path = instance
    credentials = wait_for_banner(log_path, process)
    assert set(credentials) == {f"{r}@demo.safepub.test" for r in ("uploader", "reviewer", "approver")}
    assert f"http://localhost:{port}/" in log_path.read_text()
    data_dir = Path(env["SAFEPUB_DATA_DIR"])
    keyring = data_dir.parent / f"{data_dir.name}.keyring.json"  # beside the data directory, not in it
    assert oct(keyring.stat().st_mode & 0o777) == "0o600" and not (data_dir / "keyring.json").exists()

    base = f"http://127.0.0.1:{port}"
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    deadline = time.monotonic() + 60
    while True:
        try:
            status, body, _ = get(opener, f"{base}/login")
            break
        except (urllib.error.URLError, ConnectionError):
            assert time.monotonic() < deadline, "web server did not come up"
            time.sleep(0.3)
    assert status == 200
    csrf = re.search(rb'name="csrf_token" value="([^"]+)"', body).group(1).decode()
    form = urllib.parse.urlencode(
        {
            "email": "reviewer@demo.safepub.test",
            "password": credentials["reviewer@demo.safepub.test"],
            "csrf_token": csrf,
        }
    )
    status, body, url = get(opener, f"{base}/login", data=form.encode())
    assert status == 200 and url.endswith("/submissions"), body[:500]
    assert b"reviewer@demo.safepub.test" in body

    # Another safepub command with the same environment talks to the same instance.
    token = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from intake.cli import main; sys.exit(main(sys.argv[1:]))",
            "tokens",
            "create",
            "--email",
            "uploader@demo.safepub.test",
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout.strip()
    boundary = "safepubtestboundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="d.txt"\r\n\r\n'
        "Draft about Child K. Zephyrine Quillfeather went to school.\r\n",
        f'--{boundary}\r\nContent-Disposition: form-data; name="register"\r\n\r\n'
        '{"people": [{"name": "Zephyrine Quillfeather", "role": "child"}]}\r\n',
        f"--{boundary}--\r\n",
    ]
    headers = {"Authorization": f"Bearer {token}", "Content-Type": f"multipart/form-data; boundary={boundary}"}
    status, body, _ = get(opener, f"{base}/api/v1/submissions", data="".join(parts).encode(), headers=headers)
    assert status == 202, body
    sid = json.loads(body)["id"]
    deadline = time.monotonic() + 120
    while True:
        _, body, _ = get(opener, f"{base}/api/v1/submissions/{sid}", headers={"Authorization": f"Bearer {token}"})
        detail = json.loads(body)
        if detail["status"] in ("proposed", "failed"):
            break
        assert time.monotonic() < deadline, detail
        time.sleep(0.5)
    assert detail["status"] == "proposed", detail

    os.killpg(process.pid, signal.SIGINT)  # Ctrl+C in the terminal signals the whole group
    assert process.wait(timeout=60) == 0
    time.sleep(0.5)
    with pytest.raises(ProcessLookupError):
        os.killpg(process.pid, 0)  # nothing of the instance is left running
