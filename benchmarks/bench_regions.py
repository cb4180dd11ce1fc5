"""Importing the whole official region list (91,599 rows) into a new database."""
from __future__ import annotations

from pathlib import Path

REGION_FILE = Path(__file__).resolve().parents[2] / "shared" / "data" / "wilayah_kemendagri_2025.sql"


def run(ctx) -> list[dict]:
    if not REGION_FILE.exists():
        return []
    from imp_desktop.data.db import close_database, open_database
    from imp_desktop.services.regions import import_region_file

    counter = iter(range(100))

    def fresh():
        close_database()
        open_database(ctx.workdir / f"regions-{next(counter)}.sqlite")

    times = ctx.measure(lambda: import_region_file(REGION_FILE), runs=ctx.size(3, 1), setup=fresh)
    close_database()
    return [ctx.result("regions_import_full", times, "s", 10)]
