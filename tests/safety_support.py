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


# Fields later migrations added, by the schema that brought them: a test that fills a
# database at an older schema through the services leaves them out of the models.
LATER_FIELDS = {15: [("Activity", ("agenda_roles", "drafted"))],
                16: [("PrintLog", ("listing",))]}


class schema_before:
    """``with schema_before(8): ...`` models as schema 8 had them."""

    def __init__(self, version: int):
        self.version = version
        self.removed: list = []

    def __enter__(self):
        from imp_desktop.data import models

        for number, entries in LATER_FIELDS.items():
            if number <= self.version:
                continue
            for model_name, names in entries:
                model = getattr(models, model_name)
                for name in names:
                    field = model._meta.fields[name]
                    accessor = model.__dict__.get(name)
                    model._meta.remove_field(name)
                    if accessor is not None:
                        delattr(model, name)
                    self.removed.append((model, name, field, accessor))
        return self

    def __exit__(self, *exc):
        for model, name, field, accessor in reversed(self.removed):
            model._meta.add_field(name, field)
            if accessor is not None and name not in model.__dict__:
                setattr(model, name, accessor)
        return False
