"""Alembic environment for newswatch's own tables (not Airflow's).

The version table is `newswatch_alembic_version`, so the article tables can share a
database with Airflow's metadata without the two migration histories colliding.
`newswatch.store.migrate` hands in the connection.
"""

from alembic import context

VERSION_TABLE = "newswatch_alembic_version"


def run_migrations_online() -> None:
    connection = context.config.attributes["connection"]
    context.configure(connection=connection, version_table=VERSION_TABLE)
    with context.begin_transaction():
        # Two processes migrating at once (scheduler + CLI) must not race.
        connection.exec_driver_sql("SELECT pg_advisory_xact_lock(7201)")
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("newswatch migrations run online only")
run_migrations_online()
