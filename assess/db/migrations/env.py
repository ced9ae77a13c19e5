"""Alembic environment: the URL comes from assess.db.migrate (or ASSESS_* settings)."""

from alembic import context
from sqlalchemy import Connection

from assess.config import load_settings
from assess.db.models import Base
from assess.db.session import make_engine


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    run(connection)
else:
    url = context.config.get_main_option("sqlalchemy.url") or load_settings().effective_database_url
    with make_engine(url).connect() as conn:
        run(conn)
        conn.commit()
