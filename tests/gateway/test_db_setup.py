"""A fresh clone has no var/ folder: the gateway's SQLite database must still come up."""

from __future__ import annotations

from sqlalchemy import inspect


def test_migrations_create_the_sqlite_folder(tmp_path):
    from gateway.db import engine_for, upgrade_to_head

    url = f"sqlite:///{tmp_path / 'not' / 'yet' / 'there' / 'gateway.sqlite3'}"
    upgrade_to_head(url)
    assert "referrals" in inspect(engine_for(url)).get_table_names()
    engine_for(url).dispose()
