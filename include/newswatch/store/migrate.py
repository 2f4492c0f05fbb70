"""Apply the versioned schema migrations (alembic, which Airflow already ships)."""

from __future__ import annotations

import psycopg
from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine

from newswatch import paths
from newswatch.store.db import check_encoding, database_url

MIGRATIONS_DIR = paths.MIGRATIONS


def _alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def migrate(url: str | None = None) -> str:
    """Bring the schema to the newest revision; safe to call on every run. Returns it."""
    url = database_url(url)
    with psycopg.connect(url) as conn:
        check_encoding(conn)
    # psycopg connects (it takes URLs and key=value strings alike); alembic drives it
    # through SQLAlchemy, which is only the adapter here.
    engine = create_engine("postgresql+psycopg://", creator=lambda: psycopg.connect(url))
    try:
        with engine.connect() as connection:
            config = _alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
            connection.commit()
    finally:
        engine.dispose()
    return current_revision(url)


def current_revision(url: str | None = None) -> str:
    with psycopg.connect(database_url(url)) as conn:
        row = conn.execute("SELECT version_num FROM newswatch_alembic_version").fetchone()
    return row[0]
