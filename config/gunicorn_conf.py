"""gunicorn settings shared by the Procfile and `safepub run`: JSON logs like every other process.

Loaded with ``gunicorn -c python:config.gunicorn_conf``. The access log is off: the app logs one
structured line per request itself (method, endpoint, status, user id; never bodies or tokens).
"""

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


def on_starting(server: object) -> None:
    """The master and (below) every worker: no core dumps, not dumpable or traceable by other processes
    of the same user. The web process never parses a document, but it holds uploads in memory and the
    key-encryption key."""
    from redaction.sandbox import harden_current_process

    harden_current_process()


def post_fork(server: object, worker: object) -> None:
    from redaction.sandbox import harden_current_process

    harden_current_process()
