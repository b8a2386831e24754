#!/usr/bin/env python3
"""Throughput of the processing workers: pages per minute with 1 and 2 workers (issue 14).

    .venv/bin/python benchmarks/bench_scale.py [--workers 1,2] [--copies 4] [--pdf ../shared/corpus/bench/bench100.pdf]
        [--database-url postgresql+psycopg://...] [--redis-url redis://...] [--s3-endpoint URL --s3-bucket NAME]

For each worker count: a fresh queue and database schema (or SQLite file), N real ``python -m worker``
processes (the sandboxed engine, exactly as deployed), each with a data directory of its own and the
keyring in SAFEPUB_KEK; once every worker has registered with Redis, ``--copies`` uploads of the bench
PDF with its register go in through the API, and the clock runs until the last one is ``proposed``.
Pages per minute = pages processed / elapsed minutes. The store is a local directory by default (the
workers are on one machine anyway), or an S3-compatible bucket with ``--s3-endpoint``/``--s3-bucket``
(credentials from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY).

Defaults: TEST_DATABASE_URL (else SQLite) and TEST_REDIS_URL / REDIS_URL (else redis://127.0.0.1:6379/0).
It is a report: exit status 0 unless a submission fails (1).
"""

from __future__ import annotations

import argparse
import base64
import io
import os
import secrets
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
BENCH = REPO.parent / "shared" / "corpus" / "bench"


def environment(args: argparse.Namespace, home: Path, kek: str, queue: str, schema: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SAFEPUB_", "DATABASE_URL", "REDIS_URL"))}
    env.update(
        {
            "SAFEPUB_DATA_DIR": str(home / "instance"),
            "DATABASE_URL": args.database_url or f"sqlite:///{home.parent / 'bench.sqlite3'}",
            "SAFEPUB_DATABASE_SCHEMA": schema or "",
            "REDIS_URL": args.redis_url,
            "SAFEPUB_QUEUE": queue,
            "SAFEPUB_KEK": kek,
            "SECRET_KEY": "bench-" + secrets.token_urlsafe(24),
            "PYTHONPATH": str(REPO),
        }
    )
    if args.s3_endpoint:
        env.update(
            {
                "SAFEPUB_STORE": "s3",
                "SAFEPUB_STORE_S3_ENDPOINT": args.s3_endpoint,
                "SAFEPUB_STORE_S3_BUCKET": args.s3_bucket,
                "SAFEPUB_STORE_S3_PREFIX": f"bench-{queue}/",
            }
        )
    else:
        env["SAFEPUB_STORAGE_DIR"] = str(home.parent / "store")  # one machine: one directory for all
    return env


def run(args: argparse.Namespace, workers: int, pdf: bytes, register: bytes, root: Path) -> dict[str, Any]:
    from redis import Redis
    from rq import Worker
    from sqlalchemy import create_engine, select, text

    from config.settings import Settings
    from intake.accounts.auth import create_partnership, create_token
    from intake.app import create_app
    from intake.db import migrate
    from intake.models import Submission, User
    from intake.services import build_services
    from worker.queue import RqJobQueue

    queue = f"bench-scale-{uuid.uuid4().hex[:8]}"
    schema = queue.replace("-", "_") if args.database_url and args.database_url.startswith("postgres") else None
    kek = "bench:" + base64.b64encode(secrets.token_bytes(32)).decode()
    base = root / f"{workers}-workers"
    (base / "web").mkdir(parents=True)
    settings = Settings.from_env(environment(args, base / "web", kek, queue, schema))
    redis = Redis.from_url(args.redis_url)
    services = build_services(settings, redis=redis, jobs=RqJobQueue(settings, redis))
    migrate(services.engine, settings.database_schema)
    processes: list[subprocess.Popen[bytes]] = []
    try:
        with services.sessions() as session, session.begin():
            partnership = create_partnership(session, "Bench partnership")
            user = User(email="bench@example.test", role="partnership_uploader", partnership_id=partnership.id)
            user.password_hash = "!"  # never logs in: the bearer token is enough
            session.add(user)
            session.flush()
            token, _ = create_token(session, user)
        for index in range(workers):
            home = base / f"worker-{index}"
            home.mkdir()
            log = open(home / "worker.log", "ab")  # noqa: SIM115 - closed when the process ends
            processes.append(
                subprocess.Popen(
                    [sys.executable, "-m", "worker"],
                    cwd=REPO,
                    env=environment(args, home, kek, queue, schema),
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
        deadline = time.monotonic() + 180
        while len([w for w in Worker.all(connection=redis) if w.name.startswith(queue)]) < workers:
            if time.monotonic() > deadline or any(p.poll() is not None for p in processes):
                raise SystemExit(f"the workers did not start: see {base}/worker-*/worker.log")
            time.sleep(0.2)

        client = create_app(settings, services=services).test_client()
        headers = {"Authorization": f"Bearer {token}"}
        started = time.monotonic()
        sids = []
        for _ in range(args.copies):
            body = {"file": (io.BytesIO(pdf), "bench.pdf"), "register": (io.BytesIO(register), "register.json")}
            response = client.post("/api/v1/submissions", data=body, headers=headers)
            assert response.status_code == 202, response.get_json()
            sids.append(response.get_json()["id"])
        while True:
            with services.sessions() as session:
                rows = session.scalars(select(Submission).where(Submission.id.in_(sids))).all()
                done = [r for r in rows if r.status in ("proposed", "failed")]
                if len(done) == len(sids):
                    failed = [r.id for r in rows if r.status == "failed"]
                    pages = sum(r.page_count or 0 for r in rows)
                    break
            time.sleep(0.5)
        elapsed = time.monotonic() - started
    finally:
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, 15)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, 9)
        services.close()
        if schema:
            engine = create_engine(settings.database_url)
            with engine.begin() as connection:
                connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            engine.dispose()
        keys = list(redis.scan_iter(match=f"*{queue}*", count=1000))
        if keys:
            redis.delete(*keys)
    return {"workers": workers, "documents": len(sids), "pages": pages, "seconds": elapsed, "failed": failed}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pdf", type=Path, default=BENCH / "bench100.pdf")
    parser.add_argument("--register", type=Path, default=None, help="default: the PDF's .register.json")
    parser.add_argument("--workers", default="1,2", help="comma-separated worker counts (default 1,2)")
    parser.add_argument("--copies", type=int, default=4, help="uploads of the PDF per run (default 4)")
    parser.add_argument("--database-url", default=os.environ.get("TEST_DATABASE_URL"))
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("TEST_REDIS_URL") or os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0",
    )
    parser.add_argument("--s3-endpoint", default=None)
    parser.add_argument("--s3-bucket", default=None)
    args = parser.parse_args(argv)
    if not args.pdf.exists():
        print(f"bench PDF not found: {args.pdf} (expected ../shared/corpus/bench next to the repo)", file=sys.stderr)
        return 2
    register_path = args.register or args.pdf.with_name(args.pdf.stem + ".register.json")
    register = register_path.read_bytes() if register_path.exists() else b""
    counts = [int(n) for n in args.workers.split(",") if n.strip()]
    print(
        f"{args.pdf.name} x {args.copies} per run, {os.cpu_count()} CPUs, database "
        f"{'PostgreSQL' if args.database_url else 'SQLite'}, store {'S3' if args.s3_endpoint else 'local'}"
    )
    results = []
    with tempfile.TemporaryDirectory(prefix="safepub-bench-scale-") as tmp:
        for workers in counts:
            result = run(args, workers, args.pdf.read_bytes(), register, Path(tmp))
            results.append(result)
            rate = result["pages"] / (result["seconds"] / 60) if result["seconds"] else 0.0
            speedup = rate / results[0]["rate"] if results[0].get("rate") else 1.0
            result["rate"] = rate
            print(
                f"{workers} worker(s): {result['documents']} documents, {result['pages']} pages in "
                f"{result['seconds']:.1f} s = {rate:.0f} pages/minute (x{speedup:.2f})"
                + (f"; FAILED: {len(result['failed'])}" if result["failed"] else "")
            )
    return 1 if any(r["failed"] for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
