"""A fresh clone has no var/ folder: the gateway's SQLite database must still come up."""

from __future__ import annotations

from sqlalchemy import inspect


def test_migrations_create_the_sqlite_folder(tmp_path):
    from gateway.db import engine_for, upgrade_to_head

    url = f"sqlite:///{tmp_path / 'not' / 'yet' / 'there' / 'gateway.sqlite3'}"
    upgrade_to_head(url)
    assert "referrals" in inspect(engine_for(url)).get_table_names()
    engine_for(url).dispose()


def test_a_database_error_never_carries_a_referrals_values_into_the_logs(migrated_url):
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    from gateway.db import engine_for

    try:
        with engine_for(migrated_url).begin() as connection:  # a column that does not exist
            connection.execute(text("INSERT INTO referrals (reference, no_such_column) VALUES (:r, :name)"),
                               {"r": "SPA-2345-ABCD", "name": "Alex Parent 07700 900321"})
    except DBAPIError as exc:
        message = str(exc)
    else:
        raise AssertionError("the insert should have failed")
    assert "no_such_column" in message  # the statement is there to debug with...
    assert "Alex Parent" not in message and "07700" not in message  # ...its values are not
