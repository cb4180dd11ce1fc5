"""Numbered schema migrations, applied in order when a database is opened.

Each module ``mNNNN_name.py`` defines ``apply(db)``; its number is the schema
version it brings the database to. Migrations build their tables from their
own frozen model copies (never from ``imp_desktop.data.models``, which keeps
changing), so a fresh database and an upgraded one end up identical, on
SQLite and PostgreSQL alike.

Numbers run 1..n without gaps. A new migration takes the next free number at
the time it lands on main; never renumber one that has landed.
"""
from __future__ import annotations

import importlib
import pkgutil
import re
from dataclasses import dataclass
from typing import Callable

_NAME = re.compile(r"^m(\d{4})_(\w+)$")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    apply: Callable


def all_migrations() -> list[Migration]:
    found = []
    for info in pkgutil.iter_modules(__path__):
        match = _NAME.match(info.name)
        if not match:
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        found.append(Migration(int(match.group(1)), match.group(2), module.apply))
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    if versions != list(range(1, len(found) + 1)):
        raise RuntimeError(f"migration numbers must run 1..n without gaps: {versions}")
    return found


def latest_version() -> int:
    migrations = all_migrations()
    return migrations[-1].version if migrations else 0
