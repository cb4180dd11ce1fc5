"""Where the safety tests put an installation: a SQLite file, and PostgreSQL
too when ``IMP_TEST_PG_URL`` names a server (``.ci/run`` starts one)."""
from __future__ import annotations

import os

import pytest

PG_ENV = "IMP_TEST_PG_URL"


def pg_url() -> str | None:
    return os.environ.get(PG_ENV) or None


def reset_pg(url: str) -> None:
    """An empty PostgreSQL database: every table of an earlier test dropped."""
    from playhouse.db_url import connect

    db = connect(url)
    db.connect()
    try:
        db.execute_sql("DROP SCHEMA public CASCADE")
        db.execute_sql("CREATE SCHEMA public")
    finally:
        db.close()


def _sqlite(tmp_path):
    return str(tmp_path / "office.sqlite")


def _postgres(tmp_path):
    url = pg_url()
    reset_pg(url)
    return url


def office_targets() -> list:
    targets = [pytest.param(_sqlite, id="sqlite")]
    targets.append(pytest.param(_postgres, id="postgresql", marks=pytest.mark.skipif(
        not pg_url(), reason=f"{PG_ENV} is not set (no PostgreSQL server)")))
    return targets
