"""Alembic environment. Always run with a live connection handed over by intake.db.migrate
(``safepub migrate``), so the URL and PostgreSQL schema come from Settings like everywhere else.
New revisions: ``safepub migrate --new "message"`` autogenerates one against intake.models.
"""

from alembic import context

from intake.models import Base

target_metadata = Base.metadata
connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through `safepub migrate` (intake.db.migrate)")

context.configure(
    connection=connection,
    target_metadata=target_metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite needs batch mode for ALTERs
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
