"""Database access: SQLAlchemy 2 engine and sessions (SQLite by default, PostgreSQL by DATABASE_URL).

The schema is owned by Alembic migrations (gateway/migrations); `upgrade_to_head()` applies them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
POSTGRES_CONNECT_TIMEOUT_S = 5


class Base(DeclarativeBase):
    pass


def normalise_url(url: str) -> str:
    """`postgresql://` and `postgres://` use the psycopg 3 driver."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _make_sqlite_folder(url: str) -> None:
    """SQLite creates the file but not its folder (a fresh clone has no var/gateway/)."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)


@lru_cache(maxsize=8)
def engine_for(url: str) -> Engine:
    """`hide_parameters`: a database error's message never carries a referral's values (names,
    phone numbers) into the logs."""
    url = normalise_url(url)
    if url.startswith("sqlite"):
        _make_sqlite_folder(url)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 15}, hide_parameters=True)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(connection, _record):  # durability first: a referral is never lost
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    # a server that has gone away is noticed in seconds, not after the kernel's TCP timeout
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5, pool_timeout=10,
                         connect_args={"connect_timeout": POSTGRES_CONNECT_TIMEOUT_S}, hide_parameters=True)


@lru_cache(maxsize=8)
def session_factory(url: str) -> sessionmaker[Session]:
    return sessionmaker(engine_for(url), expire_on_commit=False)


@contextmanager
def session_scope(url: str) -> Iterator[Session]:
    session = session_factory(url)()
    try:
        yield session
        session.commit()
    except Exception:
        session.rollback()
        raise
    finally:
        session.close()


def upgrade_to_head(url: str) -> None:
    """Apply every Alembic migration to the database at `url`."""
    from alembic import command
    from alembic.config import Config

    _make_sqlite_folder(normalise_url(url))
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", normalise_url(url).replace("%", "%%"))
    command.upgrade(config, "head")
