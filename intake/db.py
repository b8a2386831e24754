"""Database engine, sessions and migrations. No Flask import.

SQLite (a file in SAFEPUB_DATA_DIR) by default, PostgreSQL when DATABASE_URL says so. An optional
PostgreSQL schema (SAFEPUB_DATABASE_SCHEMA) is applied through ``search_path`` so several instances
(or parallel test workers) can share one database without seeing each other's tables.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

from sqlalchemy import CursorResult, Engine, Update, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

from config.settings import Settings

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_SCHEMA = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def make_engine(settings: Settings) -> Engine:
    url = settings.database_url
    kwargs: dict[str, Any] = {"future": True, "pool_pre_ping": True}
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"timeout": 30}
    elif settings.database_schema:
        if not _SCHEMA.match(settings.database_schema):
            raise ValueError("SAFEPUB_DATABASE_SCHEMA must be a lower-case identifier")
        kwargs["connect_args"] = {"options": f"-csearch_path={settings.database_schema}"}
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def update_one(session: Session, statement: Update) -> bool:
    """Run a conditional UPDATE and say whether it changed exactly one row.

    The state machines (leases, approvals, revisions, the audit head) move a row only if it is still in
    the state the caller saw: the WHERE clause is the check and the row count is the answer, atomic on
    SQLite and PostgreSQL alike. ORM objects already loaded are not refreshed (refresh them if needed).
    """
    result = session.execute(statement.execution_options(synchronize_session=False))
    return cast(CursorResult[Any], result).rowcount == 1


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False, future=True)


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A unit of work: commit on success, roll back on any exception."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def migrate(engine: Engine, schema: str | None = None) -> None:
    """Bring the schema to the latest Alembic revision (creating the PostgreSQL schema if named)."""
    from alembic import command
    from alembic.config import Config

    with engine.begin() as connection:
        if schema and connection.dialect.name == "postgresql":
            connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
            # The connect option already sets search_path; repeat it for this connection's clarity.
            connection.execute(text(f'SET search_path TO "{schema}"'))
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
