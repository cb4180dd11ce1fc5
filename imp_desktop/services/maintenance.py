"""Checking a database: integrity, schema version and record counts."""
from __future__ import annotations

from dataclasses import dataclass, field

from imp_desktop.data import migrations
from imp_desktop.data.db import database_file, integrity_check, schema_version
from imp_desktop.data.models import ALL_MODELS, database


@dataclass
class CheckReport:
    location: str
    schema_version: int
    latest_version: int
    problems: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


def open_for_window(path: str) -> None:
    """Open a file for the window: locked against a second instance, migrated;
    the quick check runs afterwards (``verify_database_file``) so a large file
    opens at once."""
    from imp_desktop.data.db import open_database

    open_database(path, lock=True, check=False)


def close_current() -> None:
    """Close the open file (and release its lock)."""
    from imp_desktop.data.db import close_database

    close_database()


def check_database() -> CheckReport:
    db = database.obj
    from imp_desktop.services.server import redact

    location = str(database_file()) if database_file() is not None else redact(
        _server_url(db))
    report = CheckReport(location, schema_version(db), migrations.latest_version())
    report.problems = integrity_check(db)
    from imp_desktop.services.server_check import server_problems, stored_file_problems

    report.problems += server_problems() if database_file() is None else stored_file_problems()
    tables = set(db.get_tables())
    for model in ALL_MODELS:
        name = model._meta.table_name
        if name in tables:
            report.counts[name] = model.select().count()
    for name in sorted(tables - {m._meta.table_name for m in ALL_MODELS} - {"schema_migrations"}):
        report.counts[name] = db.execute_sql(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0]
    return report


def _server_url(db) -> str:
    params = getattr(db, "connect_params", {}) or {}
    user = params.get("user")
    return "postgresql://{}{}:{}/{}".format(f"{user}@" if user else "",
                                             params.get("host") or "localhost",
                                             params.get("port") or 5432, db.database)


def verify_database_file(path: str) -> None:
    """The quick check of a database file, on its own connection (safe off the
    main thread); raises DatabaseDamaged with the latest backup offered."""
    from imp_desktop.data.db import is_url, verify_file

    if not is_url(path):
        verify_file(path)


def explain_failure(exc: BaseException):
    """The sentence (a UserError) for a busy, full or read-only database, or None:
    for the window's task runner, which may not reach into the data layer."""
    from imp_desktop.data.db import explain_failure as explain

    return explain(exc)
