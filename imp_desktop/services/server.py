"""Setting up and opening a district office's PostgreSQL database."""
from __future__ import annotations

from dataclasses import dataclass

from imp_desktop.data import server as _server
from imp_desktop.errors import UserError
from imp_desktop.i18n import tr

redact = _server.redact
describe = _server.describe
build_url = _server.build_url
remember_password = _server.remember_password
forget_password = _server.forget_password
PasswordRequired = _server.PasswordRequired
is_server_url = _server.is_server_url


@dataclass(frozen=True)
class InitResult:
    target: str          # the URL without its password
    before: int          # schema version found (0: empty database)
    after: int


def init_server(url: str) -> InitResult:
    """Create the schema in an empty database or bring ours up to date.

    Any other database (tables that are not IMP Desktop's) is refused with
    NotAnImpDatabase before anything is written to it.
    """
    from imp_desktop.data.db import close_database, migrate_database, open_database

    if not is_server_url(url):
        raise UserError(tr("server.error.not_url", target=url))
    db = _server.connect(url)
    try:
        before = _server.inspect(db, url)
    finally:
        db.close()
    db = open_database(url, migrate=False)
    try:
        after = migrate_database(db)
    finally:
        close_database()
    return InitResult(redact(url), before, after)


def init_message(result: InitResult) -> str:
    if result.before == 0:
        return tr("server.init.created", target=result.target, version=result.after)
    if result.before == result.after:
        return tr("server.init.current", target=result.target, version=result.after)
    return tr("server.init.upgraded", target=result.target, before=result.before,
              version=result.after)


def open_server(url: str) -> None:
    """Open a server database for the window (recognised, migrated)."""
    from imp_desktop.data.db import open_database

    open_database(url)


def check_connection(url: str) -> int:
    """Connect to ``url`` and recognise the database without changing it.

    Returns its schema version (0: empty, ``server init`` or opening it sets
    it up); raises PasswordRequired, ServerError or NotAnImpDatabase.
    """
    if not is_server_url(url):
        raise UserError(tr("server.error.not_url", target=url))
    db = _server.connect(url)
    try:
        return _server.inspect(db, url)
    finally:
        db.close()
