"""Alembic environment of the gateway's database.

The URL comes from, in order: a connection handed over in `config.attributes["connection"]`,
the `sqlalchemy.url` option (`gateway.db.upgrade_to_head` sets it), `-x url=...` on the command
line, then the gateway's settings (`DATABASE_URL`). `postgresql://` URLs use psycopg 3.

Apply the migrations with `gateway.db.upgrade_to_head(url)`, or from the shell (no alembic.ini
is needed for that): `python -c "from gateway.db import upgrade_to_head as u; u('sqlite:///x.db')"`.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, pool

import gateway.models  # noqa: F401  (registers every table on Base.metadata)
from gateway.db import Base, normalise_url

config = context.config
target_metadata = Base.metadata


def _url() -> str:
    url = config.get_main_option("sqlalchemy.url") or context.get_x_argument(as_dictionary=True).get("url")
    if not url:
        from gateway.settings import get_settings

        url = get_settings().database_url
    return normalise_url(url)


def _configure(**kwargs) -> None:
    context.configure(
        target_metadata=target_metadata,
        compare_type=True,
        render_as_batch=True,  # SQLite alters tables by copying them
        **kwargs,
    )


def run_migrations_offline() -> None:
    _configure(url=_url(), literal_binds=True, dialect_opts={"paramstyle": "named"})
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection=connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(_url(), poolclass=pool.NullPool)
    try:
        with engine.connect() as connection:
            _configure(connection=connection)
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
