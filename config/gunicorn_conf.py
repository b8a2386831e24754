"""gunicorn settings shared by the Procfile and `safepub run`: JSON logs like every other process.

Loaded with ``gunicorn -c python:config.gunicorn_conf``. The access log is off: the app logs one
structured line per request itself (method, endpoint, status, user id; never bodies or tokens).
"""

from typing import Any

logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "intake.logs.JsonFormatter"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}},
    "root": {"level": "INFO", "handlers": ["stderr"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["stderr"], "propagate": False},
        "gunicorn.access": {"level": "WARNING", "handlers": ["stderr"], "propagate": False},
    },
}
accesslog = None
# Uploads are held in memory (never spooled to disk) and can take a while on slow links.
timeout = 300
control_socket_disable = True


def on_starting(server: Any) -> None:
    """The master and (below) every worker: no core dumps, not dumpable or traceable by other processes
    of the same user. The web process never parses a document, but it holds uploads in memory and the
    key-encryption key."""
    from redaction.sandbox import harden_current_process

    harden_current_process()
    for warning in proxy_warnings(getattr(getattr(server, "cfg", None), "bind", None) or []):
        server.log.warning(warning)


def proxy_warnings(binds: list[str], trusted_proxies: int | None = None) -> list[str]:
    """A warning when X-Forwarded-For is trusted (SAFEPUB_TRUSTED_PROXIES > 0) while gunicorn listens
    beyond this machine: anyone who can reach that address directly can then choose the client address
    the login throttle sees. Fine on a platform whose router is the only way in; otherwise bind to
    loopback behind the proxy (SAFEPUB_BIND=127.0.0.1:8000). A warning, not a refusal, because the
    platform case is legitimate and cannot be told apart from here."""
    if trusted_proxies is None:
        from config.settings import Settings

        trusted_proxies = Settings.from_env().trusted_proxies
    if not trusted_proxies:
        return []
    exposed = [b for b in binds if not b.startswith(("127.", "localhost", "[::1]", "unix:"))]
    if not exposed:
        return []
    return [
        f"SAFEPUB_TRUSTED_PROXIES={trusted_proxies} but gunicorn listens on {', '.join(exposed)}: X-Forwarded-For "
        "can be forged by anyone who reaches that address directly. Bind to 127.0.0.1 behind the proxy "
        "(SAFEPUB_BIND), unless the platform's router is the only way in."
    ]


def post_fork(server: object, worker: object) -> None:
    from redaction.sandbox import harden_current_process

    harden_current_process()
