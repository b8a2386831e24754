"""moto's S3 server on 127.0.0.1 (a real HTTP endpoint) and a small HTTP proxy in front of it that
answers chosen requests with an error, for the store tests and the multi-worker test.

moto keeps its state per process, so every test makes its own bucket (``new_bucket``).
"""

from __future__ import annotations

import http.client
import threading
import uuid
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

REGION = "us-east-1"
CREDENTIALS = {"aws_access_key_id": "test", "aws_secret_access_key": "test"}


def moto_server() -> Iterator[str]:
    """A moto S3 server on 127.0.0.1 for as long as the generator runs: its endpoint URL."""
    server_module = pytest.importorskip("moto.server")
    server = server_module.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture(scope="module")
def moto_endpoint() -> Iterator[str]:
    yield from moto_server()


def admin_client(endpoint: str) -> Any:
    """A plain boto3 client that bypasses SafePub, to look at what is really in the bucket."""
    import boto3

    return boto3.client("s3", endpoint_url=endpoint, region_name=REGION, **CREDENTIALS)


def new_bucket(endpoint: str, *, versioned: bool = False) -> str:
    client = admin_client(endpoint)
    bucket = f"store-{uuid.uuid4().hex[:16]}"
    client.create_bucket(Bucket=bucket)
    if versioned:
        client.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    return bucket


def every_object_body(endpoint: str, bucket: str) -> dict[tuple[str, str], bytes]:
    """Every version of every object in the bucket: {(key, version id): body}."""
    client = admin_client(endpoint)
    bodies = {}
    for page in client.get_paginator("list_object_versions").paginate(Bucket=bucket):
        for entry in page.get("Versions", []):
            answer = client.get_object(Bucket=bucket, Key=entry["Key"], VersionId=entry["VersionId"])
            bodies[(entry["Key"], entry["VersionId"])] = answer["Body"].read()
    return bodies


FAIL_503 = (503, "ServiceUnavailable", "Please reduce your request rate.")


class FaultyProxy:
    """Forwards HTTP requests to ``upstream``, except those ``should_fail(method, path)`` picks while
    ``failures`` lasts (None: forever), which get an S3-style error answer instead. Counts requests."""

    def __init__(
        self,
        upstream: str,
        *,
        failures: int | None = None,
        error: tuple[int, str, str] = FAIL_503,
        should_fail: Callable[[str, str], bool] = lambda method, path: True,
    ) -> None:
        self.upstream = upstream.removeprefix("http://")
        self.failures = failures
        self.error = error
        self.should_fail = should_fail
        self.seen: list[tuple[str, str, int]] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> FaultyProxy:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _fail_now(self, method: str, path: str) -> bool:
        with self._lock:
            if not self.should_fail(method, path):
                return False
            if self.failures is None:
                return True
            if self.failures > 0:
                self.failures -= 1
                return True
            return False

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_args: Any) -> None:
                pass

            def _any(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                if proxy._fail_now(self.command, self.path):
                    status, code, message = proxy.error
                    answer = f"<Error><Code>{code}</Code><Message>{message}</Message></Error>".encode()
                    proxy.seen.append((self.command, self.path, status))
                    self.send_response(status)
                    self.send_header("Content-Type", "application/xml")
                    self.send_header("Content-Length", str(len(answer)))
                    self.end_headers()
                    self.wfile.write(answer)
                    return
                upstream = http.client.HTTPConnection(proxy.upstream, timeout=30)
                upstream.request(self.command, self.path, body=body, headers=dict(self.headers.items()))
                response = upstream.getresponse()
                data = response.read()
                proxy.seen.append((self.command, self.path, response.status))
                self.send_response(response.status)
                for key, value in response.getheaders():
                    if key.lower() not in ("content-length", "transfer-encoding", "connection", "server", "date"):
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)
                upstream.close()

            do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _any

        return Handler
