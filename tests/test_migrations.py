"""Migrations from empty to head give exactly the schema of the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from assess.db.migrate import is_current
from assess.db.models import Base


def test_migrated_schema_matches_the_models(engine):
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    assert is_current(engine)


def test_empty_database_is_not_current(tmp_path):
    from assess.db.session import make_engine

    empty = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    assert not is_current(empty)
    empty.dispose()
