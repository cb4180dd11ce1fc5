"""PostgreSQL for a district office: connecting, recognising and setting up.

A ``postgresql://`` URL is connected with libpq, which also reads the password
from ``~/.pgpass`` / ``PGPASSFILE``. A password typed in the window is kept in
this process's memory only (``remember_password``), never written anywhere.
Every way a connection can fail becomes one sentence (``ServerError``).

A database is IMP Desktop's when its ``schema_migrations`` table starts with
our first migration; an empty database may be set up; anything else is
refused before a single table is created in it.
"""
from __future__ import annotations

from urllib.parse import unquote, urlsplit, urlunsplit

from imp_desktop.errors import NotAnImpDatabase, UserError
from imp_desktop.i18n import tr

VERSION_TABLE = "schema_migrations"
FIRST_MIGRATION = (1, "initial")
SYSTEM_SCHEMAS = ("pg_catalog", "information_schema")

# Passwords typed in the window for this session: redacted URL -> password.
_passwords: dict[str, str] = {}


class ServerError(UserError):
    """The server could not be reached or refused the connection."""


class PasswordRequired(ServerError):
    """The server wants a password that neither the URL nor ~/.pgpass gave."""


def is_server_url(target: str) -> bool:
    return str(target).startswith(("postgresql://", "postgres://"))


def redact(url: str) -> str:
    """The URL without its password (for titles, recent lists and messages)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = (f"{parts.username}@" if parts.username else "") + host
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def describe(url: str) -> dict[str, str]:
    """Host, port, database and user of a URL, for messages and the connection dialog."""
    parts = urlsplit(url)
    return {"host": parts.hostname or "localhost", "port": str(parts.port or 5432),
            "database": unquote(parts.path.lstrip("/")), "user": unquote(parts.username or "")}


def build_url(host: str, port: int | str, database: str, user: str) -> str:
    from urllib.parse import quote

    host = host.strip() or "localhost"
    if ":" in host:
        host = f"[{host}]"
    return (f"postgresql://{quote(user.strip(), safe='')}@{host}:{int(port)}/"
            f"{quote(database.strip(), safe='')}")


def remember_password(url: str, password: str) -> None:
    """Keep a typed password for this session (memory only)."""
    _passwords[redact(url)] = password


def forget_password(url: str) -> None:
    _passwords.pop(redact(url), None)


def connect(url: str):
    """An open peewee PostgresqlDatabase for ``url``; ServerError in one sentence."""
    import psycopg2
    from playhouse.db_url import connect as connect_url

    extra = {}
    parts = urlsplit(url)
    if parts.password is not None:
        # Given once in the URL (--db, IMP_DESKTOP_DB): the window shows and
        # remembers the URL without it, and reconnects with this copy.
        _passwords[redact(url)] = unquote(parts.password)
    elif redact(url) in _passwords:
        extra["password"] = _passwords[redact(url)]
    extra.setdefault("connect_timeout", 10)
    if "application_name" not in parts.query:
        from imp_desktop.data.advisory import APP_PREFIX, who_am_i

        extra["application_name"] = f"{APP_PREFIX} {who_am_i()}"[:63]
    try:
        db = connect_url(url, **extra)
        db.connect()
    except psycopg2.OperationalError as exc:
        raise connection_error(url, str(exc)) from exc
    except Exception as exc:  # peewee wraps psycopg2's errors in its own
        cause = exc.__cause__ or exc
        if isinstance(cause, psycopg2.OperationalError) or "OperationalError" in type(exc).__name__:
            raise connection_error(url, str(cause)) from exc
        raise
    return db


def connection_error(url: str, detail: str) -> ServerError:
    """One sentence for a failed connection, from libpq's message."""
    info = describe(url)
    text = detail.lower()
    if "no password supplied" in text:
        return PasswordRequired(tr("server.error.password_needed", **info))
    if "password authentication failed" in text or "authentication failed" in text:
        return PasswordRequired(tr("server.error.password", **info))
    if "database" in text and "does not exist" in text:
        return ServerError(tr("server.error.no_database", **info))
    if "role" in text and "does not exist" in text:
        return ServerError(tr("server.error.no_role", **info))
    if "could not translate host name" in text or "name or service not known" in text:
        return ServerError(tr("server.error.host", **info))
    if "refused" in text or "could not connect" in text or "timeout" in text \
            or "timed out" in text or "no route" in text:
        return ServerError(tr("server.error.down", **info))
    first = detail.strip().splitlines()[0] if detail.strip() else "?"
    return ServerError(tr("server.error.other", detail=first.removeprefix("FATAL:").strip(),
                          **info))


def inspect(db, url: str) -> int:
    """The schema version of a connected database; 0 when it is empty.

    Raises NotAnImpDatabase for a database holding tables that are not ours
    (nothing is created or changed in it).
    """
    rows = db.execute_sql(
        "SELECT table_schema, table_name FROM information_schema.tables "
        "WHERE table_schema NOT IN ('pg_catalog', 'information_schema')").fetchall()
    rows = [row for row in rows if not row[0].startswith("pg_")]
    if not rows:
        return 0
    schema = db.execute_sql("SELECT current_schema()").fetchone()[0]
    ours = {name for table_schema, name in rows if table_schema == schema}
    if VERSION_TABLE not in ours:
        raise NotAnImpDatabase(tr("server.error.foreign", target=redact(url)))
    try:
        first = db.execute_sql(
            f"SELECT version, name FROM {VERSION_TABLE} ORDER BY version LIMIT 1").fetchone()
        latest = db.execute_sql(f"SELECT MAX(version) FROM {VERSION_TABLE}").fetchone()[0]
    except Exception as exc:
        db.rollback()
        raise NotAnImpDatabase(tr("server.error.foreign", target=redact(url))) from exc
    if first is None or tuple(first) != FIRST_MIGRATION:
        raise NotAnImpDatabase(tr("server.error.foreign", target=redact(url)))
    return int(latest or 0)
