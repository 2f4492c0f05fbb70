"""Where the article database is, and connections to it.

Resolution order: an explicit URL (the Airflow glue passes the `newswatch_db` connection's
URI) → `NEWSWATCH_DATABASE_URL` → an embedded Postgres (the `pgserver` package ships real
Postgres binaries) in `$NEWSWATCH_HOME/pgdata`, so the demo works on a bare machine.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

EMBEDDED_DB_NAME = "newswatch"


class DatabaseEncodingError(RuntimeError):
    """The database cannot compare Devanagari text correctly."""


def newswatch_home() -> Path:
    """Local state (embedded Postgres, outbox): `$NEWSWATCH_HOME`, else `~/.newswatch`."""
    home = Path(os.environ.get("NEWSWATCH_HOME") or Path.home() / ".newswatch").expanduser()
    home.mkdir(parents=True, exist_ok=True)
    return home.resolve()


def database_url(explicit: str | None = None) -> str:
    if explicit:
        return normalize_url(explicit)
    env = os.environ.get("NEWSWATCH_DATABASE_URL")
    if env:
        return normalize_url(env)
    return embedded_database_url()


def normalize_url(url: str) -> str:
    """Airflow renders Postgres connections as postgres://; libpq takes both, SQLAlchemy not."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    return url.replace("postgresql+psycopg2://", "postgresql://").replace(
        "postgresql+psycopg://", "postgresql://"
    )


def embedded_database_url(pgdata: Path | None = None, dbname: str = EMBEDDED_DB_NAME) -> str:
    """Start (or reuse) the embedded server; it keeps running after this process exits, so
    `airflow dags test` and the CLI share it. Creates `dbname` as UTF-8 on first use."""
    pgdata = pgdata or newswatch_home() / "pgdata"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs' XDG_RUNTIME_DIR notice: noise here
        import pgserver  # heavy, and only needed without a configured server

        server = pgserver.get_server(pgdata, cleanup_mode=None)
    create_database(server.get_uri("postgres"), dbname)
    return server.get_uri(dbname)


def create_database(admin_url: str, dbname: str) -> None:
    """Create a UTF-8 database with a UTF-8 ctype (template0, so the template's locale
    cannot leak in), unless it exists."""
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (dbname,)).fetchone()
        if exists:
            return
        conn.execute(
            sql.SQL(
                "CREATE DATABASE {} ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8' "
                "TEMPLATE template0"
            ).format(sql.Identifier(dbname))
        )


def with_database(url: str, dbname: str) -> str:
    """The same server URL, another database (tests and benchmarks use throwaway ones)."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{dbname}"))


def drop_database(admin_url: str, dbname: str) -> None:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(dbname)))


def check_encoding(conn: psycopg.Connection) -> None:
    """Under a C ctype Postgres text functions see nothing in Devanagari: refuse to run there."""
    encoding, ctype = conn.execute(
        "SELECT pg_encoding_to_char(encoding), datctype FROM pg_database "
        "WHERE datname = current_database()"
    ).fetchone()
    if isinstance(ctype, bytes):  # a SQL_ASCII database hands text back as bytes
        encoding, ctype = bytes(encoding).decode("ascii"), ctype.decode("ascii")
    normalized_ctype = ctype.lower().replace("-", "")
    if encoding != "UTF8" or "utf8" not in normalized_ctype:
        raise DatabaseEncodingError(
            f"database {conn.info.dbname!r} has encoding {encoding} and ctype {ctype}; newswatch "
            "needs UTF8 with a UTF-8 ctype: CREATE DATABASE ... ENCODING 'UTF8' "
            "LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8' TEMPLATE template0"
        )


@contextmanager
def connect(url: str | None = None) -> Iterator[psycopg.Connection]:
    """A connection whose transaction commits when the block ends and rolls back on error."""
    with psycopg.connect(database_url(url)) as conn:
        yield conn
