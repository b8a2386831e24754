"""The database for a service command: migrated to the current schema first, so every command works on
a fresh instance."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the engine commands (redact, detect) import this package without SQLAlchemy
    from sqlalchemy.orm import Session, sessionmaker

    from config.settings import Settings


def migrated_sessions(settings: Settings) -> sessionmaker[Session]:
    from intake.db import make_engine, make_session_factory, migrate

    engine = make_engine(settings)
    migrate(engine, settings.database_schema)
    return make_session_factory(engine)
