"""The district office on PostgreSQL (runs only when IMP_BENCH_PG_URL names a server).

* ``district_merge_20x10k``: 20 kecamatan packages of 10,000 cadres each (a
  kabupaten, 200,000 cadres), merged one after another into one PostgreSQL
  database; the average seconds per package (target 10 s).
* ``district_recap_200k``: the kabupaten view (``services/district``) on it (target 1 s).
* ``district_search_200k``: one keystroke of cadre search there: the ids of the
  matches and the 30 rows a screen paints (target 100 ms, the slowest keystroke
  is reported too).
* ``district_window_200k``: the window opened on it, until the first screen
  is painted (target 2 s).

The laptops are made from one demo file: each copy is moved to another
kecamatan of Kab. Semarang (desa codes, NIKs) and given new uuids, its own
installation and signing key, so the 20 packages hold 200,000 distinct
cadres. The database named by IMP_BENCH_PG_URL is emptied first.
"""
from __future__ import annotations

import os
import shutil
import sqlite3
import statistics
import time

PG_ENV = "IMP_BENCH_PG_URL"
BASE_KECAMATAN = "33.22.02"
KEYSTROKES = ["s", "si", "sit", "siti", "siti ", "siti a", "siti am", "3322", "33220845",
              "0812", "duren", "a", ""]

_UUID = ("lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || "
         "substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(2)) || '-' || "
         "hex(randomblob(6)))")
# Shared reference data keeps its uuids (the same records on every laptop).
_SHARED = {"region", "setting", "role_catalogue", "role_indicator", "classification_rule",
           "activity_type", "schema_migrations", "sync_state", "handover", "stored_file"}


def move_to_kecamatan(path, kecamatan: str, name: str) -> None:
    """Turn a copy of the demo laptop into another kecamatan's laptop."""
    db = sqlite3.connect(path)
    db.execute("PRAGMA foreign_keys = OFF")
    tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                       "AND name NOT LIKE 'sqlite_%'")]
    columns = {t: [r[1] for r in db.execute(f'PRAGMA table_info("{t}")')] for t in tables}
    old, new = BASE_KECAMATAN, kecamatan
    db.execute("CREATE TEMP TABLE moved (old TEXT PRIMARY KEY, new TEXT NOT NULL)")
    for table in tables:
        if "uuid" in columns[table] and table not in _SHARED:
            db.execute(f'INSERT INTO moved SELECT uuid, {_UUID} FROM "{table}"')
            db.execute(f'UPDATE "{table}" SET uuid = (SELECT new FROM moved '
                       f'WHERE moved.old = "{table}".uuid)')
    db.execute("UPDATE audit_entry SET record_uuid = COALESCE((SELECT new FROM moved "
               "WHERE moved.old = audit_entry.record_uuid), record_uuid)")
    for table in tables:
        for column in ("desa_code", "kecamatan_code"):
            if column in columns[table]:
                db.execute(f'UPDATE "{table}" SET {column} = ? || substr({column}, 9) '
                           f"WHERE {column} LIKE ?", (new, old + "%"))
    db.execute("UPDATE region SET code = ? || substr(code, 9), parent_code = ?, "
               f"uuid = {_UUID} WHERE code LIKE ?", (new, new, old + ".%"))
    if not db.execute("SELECT 1 FROM region WHERE code = ?", (new,)).fetchone():
        db.execute(f"INSERT INTO region (uuid, created_at, updated_at, code, name, level, "
                   f"parent_code) VALUES ({_UUID}, '2026-01-01', '2026-01-01', ?, ?, 3, ?)",
                   (new, name, new[:5]))
    digits = new.replace(".", "")
    db.execute("UPDATE cadre SET nik = ? || substr(nik, 7) WHERE nik IS NOT NULL", (digits,))
    db.execute("UPDATE cadre SET search_text = replace(search_text, ?, ?)",
               (old.replace(".", ""), digits))
    db.execute("DELETE FROM setting WHERE key IN ('installation_id', 'package.signing_key')")
    db.execute("DELETE FROM sync_state")
    db.execute("DELETE FROM handover")
    db.commit()
    db.close()


def _reset(url: str) -> None:
    from playhouse.db_url import connect

    db = connect(url)
    db.connect()
    db.execute_sql("DROP SCHEMA public CASCADE")
    db.execute_sql("CREATE SCHEMA public")
    db.close()


def _window_once(url: str) -> float:
    import json
    import subprocess
    import sys
    import tempfile
    from pathlib import Path

    child = Path(__file__).with_name("window_child.py")
    with tempfile.TemporaryDirectory() as config:
        env = dict(os.environ, XDG_CONFIG_HOME=config, QT_QPA_PLATFORM="offscreen")
        started = time.time()
        out = subprocess.run([sys.executable, str(child), url, repr(started), "kader"],
                             capture_output=True, text=True, env=env, timeout=300,
                             cwd=Path(__file__).resolve().parents[1])
    if out.returncode != 0:
        raise RuntimeError(out.stderr)
    return json.loads(out.stdout.strip().splitlines()[-1])["shown"]


def run(ctx) -> list[dict]:
    url = os.environ.get(PG_ENV)
    if not url:
        print(f"  district: skipped ({PG_ENV} is not set; .ci/postgres.sh shows how to "
              "start a server)")
        return []
    from imp_desktop.data.db import close_database, open_database
    from imp_desktop.data.models import Assessment, Cadre
    from imp_desktop.services import package as pkg
    from imp_desktop.services.cadre_search import CadreFilter, cadre_rows, search_cadre_ids
    from imp_desktop.services.district import district_view
    from imp_desktop.services.settings import OfficerProfile, save_officer

    cadres = ctx.size(10_000, 1_000)
    count = ctx.size(20, 3)
    base = ctx.demo_db(cadres, activities=ctx.size(20, 5), seed=11)
    packages, exports = [], []
    for number in range(1, count + 1):
        kecamatan = f"33.22.{number:02d}"
        laptop = ctx.workdir / f"district-laptop-{number}.sqlite"
        shutil.copy(base, laptop)
        if kecamatan != BASE_KECAMATAN:
            move_to_kecamatan(laptop, kecamatan, f"Kecamatan {number}")
        open_database(laptop)
        out = ctx.workdir / f"district-{number}.imp"
        started = time.perf_counter()
        pkg.export_package(out)
        exports.append(time.perf_counter() - started)
        close_database()
        laptop.unlink()
        packages.append(out)

    _reset(url)
    open_database(url)
    save_officer(OfficerProfile(name="Bidang KB", kecamatan_code="33.22.01"))
    merges = []
    for out in packages:
        started = time.perf_counter()
        pkg.merge_package(out)
        merges.append(time.perf_counter() - started)
        print(f"  district: merged {out.name} in {merges[-1]:.1f} s", flush=True)
    total = Cadre.select().count()
    assert total == cadres * count, total
    period = Assessment.select(Assessment.period).order_by(Assessment.period.desc()).scalar()
    period = period if period and "Q" not in period else time.strftime("%Y-%m")
    recaps = ctx.measure(lambda: district_view(period, "kabupaten"), 3)
    view = district_view(period, "kabupaten")
    active = Cadre.select().where((Cadre.active == True)  # noqa: E712
                                  & Cadre.merged_into.is_null()).count()
    assert view.total.cadre_total == active, (view.total.cadre_total, active)

    searches = []
    for _ in range(3):
        for text in KEYSTROKES:
            def keystroke(text=text):
                ids = search_cadre_ids(CadreFilter(text=text))
                cadre_rows(ids[:30])
            searches += ctx.measure(keystroke, 1)
    close_database()
    windows = [_window_once(url) for _ in range(3)]
    print(f"  district: {count} packages of {cadres} cadres, export "
          f"{statistics.mean(exports):.1f} s each; merges {', '.join(f'{m:.1f}' for m in merges)}")
    return [ctx.result("district_merge_20x10k", [statistics.mean(merges)], "s", 10),
            ctx.result("district_merge_20x10k_slowest", [max(merges)], "s"),
            ctx.result("district_recap_200k", recaps, "s", 1),
            ctx.result("district_search_200k", searches, "s", 0.1),
            ctx.result("district_search_200k_slowest_keystroke", [max(searches)], "s"),
            ctx.result("district_window_200k", windows, "s", 2)]
