"""The district office on PostgreSQL (runs only when IMP_BENCH_PG_URL names a server).

* ``district_merge_20x10k``: 20 kecamatan packages of 10,000 cadres each (a
  kabupaten, 200,000 cadres), merged one after another into one PostgreSQL
  database; the average seconds per package (target 10 s).
* ``district_recap_200k``: the kabupaten view (``services/district``) on it (target 1 s).
* ``district_search_200k``: one keystroke of cadre search there, as the Kader
  screen's model does it on the main thread: the first ids of the matches (its
  ``BATCH``, more are read when the list is scrolled) and the 30 rows a screen
  paints (target 100 ms, the slowest keystroke is reported too). How many
  cadres match is counted off the main thread; its time is
  ``district_search_200k_count`` (no target: the list is already shown).
* ``district_window_200k``: the window opened on it, until the first screen
  is painted (target 2 s): the Kader list, and (``…_beranda``) Beranda, the
  screen a new window starts on.

The laptops are made from one demo file: each copy is moved to another
kecamatan of Kab. Semarang (desa codes, NIKs) and given new uuids, its own
installation and signing key, so the 20 packages hold 200,000 distinct
cadres. The database named by IMP_BENCH_PG_URL is emptied first.

``IMP_BENCH_DISTRICT_BUILD`` chooses how the 200,000 cadres get there:

* ``merge`` (the default): the 20 merges above, timed (``district_merge_20x10k``);
* ``copy``: ONE package merged, then copied in SQL to the other 19 kecamatan
  (new ids, uuids, desa codes, NIKs; no audit trail or versions for the
  copies), for the recap, search and window figures in minutes instead of
  hours; no merge figure;
* ``keep``: the database is measured as an earlier ``copy`` or ``merge`` run
  left it (nothing is emptied or built).
"""
from __future__ import annotations

import os
import shutil
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
    from imp_desktop.data import cipher

    db = cipher.connect_file(path)      # the demo laptop is encrypted, as every new database
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
    db.execute("DELETE FROM handover")
    db.commit()
    db.close()


# What a kecamatan owns: copied to another kecamatan by ``copy_kecamatan``.
# Reference data (catalogues, rules, templates, activity types, files) is shared;
# logs (audit, versions, print log) are not copied.
_COPIED = ("region", "hamlet", "neighbourhood", "unit", "cadre", "officer", "activity",
           "participant", "activity_photo", "assessment", "assessment_answer",
           "monthly_report", "handover")


def copy_kecamatan(db, source: str, target: str, shift: int, below: int) -> None:
    """Copy every row of kecamatan ``source`` (ids below ``below``) to kecamatan
    ``target`` in SQL (PostgreSQL), ids shifted by ``shift``."""
    from imp_desktop.data.models import ALL_MODELS, Region

    by_table = {m._meta.table_name: m for m in ALL_MODELS}
    old_digits, new_digits = source.replace(".", ""), target.replace(".", "")
    for table in _COPIED:
        model = by_table[table]
        names, values = [], []
        for field in model._meta.sorted_fields:
            column = field.column_name
            rel = getattr(field, "rel_model", None)
            if column == "id":
                value = f"id + {shift}"
            elif column == "uuid":
                value = "gen_random_uuid()::text"
            elif rel is Region or column in ("code", "parent_code"):
                value = f"CASE WHEN left({column}, 8) = '{source}' THEN '{target}' || " \
                        f"substr({column}, 9) ELSE {column} END"
            elif rel is not None and rel._meta.table_name in _COPIED:
                value = f"{column} + {shift}"
            elif table == "cadre" and column == "nik":
                value = f"'{new_digits}' || substr(nik, 7)"
            elif table == "cadre" and column == "search_text":
                value = f"replace(search_text, '{old_digits}', '{new_digits}')"
            elif table == "handover" and column in ("summary", "installation"):
                value = (f"replace(summary, '{source}', '{target}')" if column == "summary"
                         else "gen_random_uuid()::text")
            else:
                value = column
            names.append(f'"{column}"')
            values.append(value)
        if table == "region":
            where = f"left(code, 9) = '{source}.'"
        elif table == "handover":
            where = f"direction = 'import' AND id < {below}"
        else:
            where = f"id < {below}"
        db.execute_sql(f'INSERT INTO "{table}" ({", ".join(names)}) '
                       f'SELECT {", ".join(values)} FROM "{table}" WHERE {where}')


def build_by_copy(url: str, package, kecamatan: list[str], source: str) -> None:
    """The kabupaten without 20 merges: ``package`` (kecamatan ``source``) merged
    once, then copied to every other kecamatan of ``kecamatan`` in SQL."""
    from imp_desktop.data.models import ALL_MODELS, database
    from imp_desktop.services import package as pkg

    started = time.perf_counter()
    pkg.merge_package(package)
    print(f"  district: merged {package.name} in {time.perf_counter() - started:.1f} s",
          flush=True)
    started = time.perf_counter()
    highest = max(database.execute_sql(f'SELECT COALESCE(MAX(id), 0) FROM "{t}"').fetchone()[0]
                  for t in _COPIED)
    stride = 10 ** len(str(highest))
    digits = source.replace(".", "")
    with database.atomic():
        for code in kecamatan:          # Kab. Semarang has 19 kecamatan
            database.execute_sql(
                "INSERT INTO region (uuid, created_at, updated_at, code, name, level, "
                "parent_code) SELECT gen_random_uuid()::text, '2026-01-01', '2026-01-01', "
                f"'{code}', 'Kecamatan {code[-2:]}', 3, '{code[:5]}' WHERE NOT EXISTS "
                f"(SELECT 1 FROM region WHERE code = '{code}')")
        # The demo's NIKs start with its own kecamatan: give them the source's, so
        # that each copy's NIKs (the target's digits) are new.
        database.execute_sql(f"UPDATE cadre SET nik = '{digits}' || substr(nik, 7), "
                             f"search_text = replace(search_text, substr(nik, 1, 6), '{digits}') "
                             f"WHERE left(nik, 6) <> '{digits}'")
        for number, code in enumerate(c for c in kecamatan if c != source):
            copy_kecamatan(database, source, code, stride * (number + 1), stride)
    for model in ALL_MODELS:
        table = model._meta.table_name
        database.execute_sql(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                             f'(SELECT COALESCE(MAX(id), 0) + 1 FROM "{table}"), false)')
    # As autovacuum leaves a database that has been in use a while: the visibility
    # map set (index-only scans need it) and the planner's statistics current.
    database.execute_sql("VACUUM ANALYZE")
    print(f"  district: copied to {len(kecamatan) - 1} kecamatan in "
          f"{time.perf_counter() - started:.1f} s", flush=True)


def _reset(url: str) -> None:
    from playhouse.db_url import connect

    db = connect(url)
    db.connect()
    db.execute_sql("DROP SCHEMA public CASCADE")
    db.execute_sql("CREATE SCHEMA public")
    db.close()


def _window_once(url: str, screen: str = "kader") -> float:
    import json
    import subprocess
    import sys
    import tempfile
    from pathlib import Path

    child = Path(__file__).with_name("window_child.py")
    with tempfile.TemporaryDirectory() as config:
        env = dict(os.environ, XDG_CONFIG_HOME=config, QT_QPA_PLATFORM="offscreen")
        started = time.time()
        out = subprocess.run([sys.executable, str(child), url, repr(started), screen],
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
    from imp_desktop.services.cadre_search import CadreFilter, count_cadres
    from imp_desktop.ui.app import application
    from imp_desktop.ui.screens.cadres.models import CadreTableModel
    from imp_desktop.services.district import district_view
    from imp_desktop.services.settings import OfficerProfile, save_officer

    cadres = ctx.size(10_000, 1_000)
    count = ctx.size(20, 3)
    build = os.environ.get("IMP_BENCH_DISTRICT_BUILD", "merge")
    if build not in ("merge", "copy", "keep"):
        raise SystemExit("IMP_BENCH_DISTRICT_BUILD is merge, copy or keep")
    exports, merges = [], []
    if build != "keep":
        base = ctx.demo_db(cadres, activities=ctx.size(20, 5), seed=11)
        kecamatan = [f"33.22.{number:02d}" for number in range(1, count + 1)]
        packages = []
        for code in kecamatan if build == "merge" else [BASE_KECAMATAN]:
            laptop = ctx.workdir / f"district-laptop-{code}.sqlite"
            shutil.copy(base, laptop)
            if code != BASE_KECAMATAN:
                move_to_kecamatan(laptop, code, f"Kecamatan {code[-2:]}")
            open_database(laptop)
            out = ctx.workdir / f"district-{code}.imp"
            started = time.perf_counter()
            pkg.export_package(out)
            exports.append(time.perf_counter() - started)
            close_database()
            laptop.unlink()
            packages.append(out)

        _reset(url)
        open_database(url)
        save_officer(OfficerProfile(name="Bidang KB", kecamatan_code="33.22.01"))
        if build == "copy":
            build_by_copy(url, packages[0], kecamatan, BASE_KECAMATAN)
        for out in packages if build == "merge" else []:
            started = time.perf_counter()
            pkg.merge_package(out)
            merges.append(time.perf_counter() - started)
            print(f"  district: merged {out.name} in {merges[-1]:.1f} s", flush=True)
    else:
        open_database(url)
    from imp_desktop.data.models import database

    # The figures depend on the server's memory settings: say which (README,
    # "Kantor kabupaten", step 2, recommends a quarter of the memory).
    memory = {name: database.execute_sql(f"SHOW {name}").fetchone()[0]
              for name in ("shared_buffers", "max_wal_size")}
    print(f"  district: server shared_buffers {memory['shared_buffers']}, "
          f"max_wal_size {memory['max_wal_size']}")
    total = Cadre.select().count()
    assert build == "keep" or total == cadres * count, total
    period = Assessment.select(Assessment.period).order_by(Assessment.period.desc()).scalar()
    period = period if period and "Q" not in period else time.strftime("%Y-%m")
    recaps = ctx.measure(lambda: district_view(period, "kabupaten"), 3)
    view = district_view(period, "kabupaten")
    active = Cadre.select().where((Cadre.active == True)  # noqa: E712
                                  & Cadre.merged_into.is_null()).count()
    assert view.total.cadre_total == active, (view.total.cadre_total, active)

    application()
    model = CadreTableModel()
    searches, counts = [], []
    for _ in range(3):
        for text in KEYSTROKES:
            def keystroke(text=text):       # what the Kader screen does on a keystroke
                model.set_filter(CadreFilter(text=text))
                for row in range(min(30, model.rowCount())):
                    for column in range(model.columnCount()):
                        model.index(row, column).data()
            searches += ctx.measure(keystroke, 1)
            counts += ctx.measure(lambda text=text: count_cadres(CadreFilter(text=text)), 1)
    close_database()
    windows = [_window_once(url) for _ in range(3)]
    home_windows = [_window_once(url, "beranda") for _ in range(3)]
    print(f"  district: {total} cadres ({build}); exports "
          f"{', '.join(f'{e:.1f}' for e in exports)} s; merges "
          f"{', '.join(f'{m:.1f}' for m in merges) or '-'} s")
    merged = [ctx.result("district_merge_20x10k", [statistics.mean(merges)], "s", 10),
              ctx.result("district_merge_20x10k_slowest", [max(merges)], "s")] if merges else []
    return merged + [
            ctx.result("district_recap_200k", recaps, "s", 1),
            ctx.result("district_search_200k", searches, "s", 0.1),
            ctx.result("district_search_200k_slowest_keystroke", [max(searches)], "s"),
            ctx.result("district_search_200k_count", counts, "s"),
            ctx.result("district_search_200k_count_slowest", [max(counts)], "s"),
            ctx.result("district_window_200k", windows, "s", 2),
            ctx.result("district_window_200k_beranda", home_windows, "s", 2)]
