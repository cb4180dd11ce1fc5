"""The cadre registry at 100,000 cadres: search per keystroke, and importing 10,000 rows.

* ``cadre_search_100k``: typing a name letter by letter; each keystroke is a
  new filter on the Kader screen's model (ids of the result) plus the rows a
  screen shows (30 rows, every column), as the table paints them.
* ``cadre_search_raw_sql_100k``: the same searches as one bare SQL query.
* ``import_xlsx_10k``: reading, checking and writing a 10,000-row XLSX.
* ``cadre_save_100k``: saving one cadre through the service (a new phone and
  unit), with its audit entries, as the cadre dialog does.
* ``cadre_merge_100k``: merging one duplicate into another (re-pointing its
  attendance, audit entries for both and for every record moved).
"""
from __future__ import annotations

import shutil

KEYSTROKES = ["s", "si", "sit", "siti", "siti ", "siti a", "siti am", "siti ami", "3322",
              "33220245", "0812", "duren", "a", ""]
VISIBLE_ROWS = 30


def _search_through_model(ctx, db) -> list[float]:
    from imp_desktop.data.db import close_database, open_database
    from imp_desktop.services.cadre_search import CadreFilter
    from imp_desktop.ui.app import application
    from imp_desktop.ui.screens.cadres.models import CadreTableModel

    application()
    open_database(db)
    model = CadreTableModel()
    model.reload()
    times = []
    for _ in range(3 if ctx.quick else 5):
        for text in KEYSTROKES:
            def keystroke(text=text):
                model.set_filter(CadreFilter(text=text))
                for row in range(min(VISIBLE_ROWS, model.rowCount())):
                    for column in range(model.columnCount()):
                        model.index(row, column).data()
            times += ctx.measure(keystroke, 1)
    close_database()
    return times


def _search_raw_sql(ctx, db) -> list[float]:
    from imp_desktop.data import cipher

    connection = cipher.connect_file(db)
    # The statement the service builds for one typed word, run bare.
    sql = ("SELECT c.id FROM cadre c WHERE +c.merged_into_id IS NULL "
           "AND c.search_text LIKE ? ESCAPE '\\' AND +c.active = 1 ORDER BY c.name, c.id")
    times = []
    for _ in range(3 if ctx.quick else 5):
        for text in KEYSTROKES:
            times += ctx.measure(lambda t=text: connection.execute(
                sql, (f"%{t.strip()}%",)).fetchall(), 1)
    connection.close()
    return times


def _import_xlsx(ctx, rows: int) -> list[float]:
    from imp_desktop.data.db import close_database, open_database
    from imp_desktop.services.cadre_duplicates import cadre_references
    from imp_desktop.services.cadre_export import export_cadres
    from imp_desktop.services.cadre_import import import_cadres
    from imp_desktop.data.models import Cadre

    source = ctx.demo_db(rows)
    xlsx = ctx.workdir / f"kader-{rows}.xlsx"
    empty = ctx.workdir / f"empty-{rows}.sqlite"
    shutil.copy(source, empty)
    db = open_database(empty)
    export_cadres(xlsx)
    for field in cadre_references():
        if field.model is not Cadre:
            field.model.delete().execute()
    db.execute_sql("DELETE FROM cadre")
    close_database()
    target = ctx.workdir / f"import-{rows}.sqlite"

    def setup():
        close_database()
        shutil.copy(empty, target)
        open_database(target)

    def run_import():
        report, written = import_cadres(xlsx)
        if written != rows:
            raise RuntimeError(f"imported {written} of {rows}: {report.lines()[:3]}")

    times = ctx.measure(run_import, 2 if ctx.quick else 3, setup)
    close_database()
    return times


def _save_and_merge(ctx, db) -> tuple[list[float], list[float]]:
    from imp_desktop.data.db import close_database, open_database
    from imp_desktop.data.models import Cadre, Participant, Unit
    from imp_desktop.services.cadre_duplicates import merge_cadres
    from imp_desktop.services.cadres import load_cadre, save_cadre

    target = ctx.workdir / "save-100k.sqlite"
    shutil.copy(db, target)
    open_database(target)
    runs = 20 if ctx.quick else 50
    invited = Participant.select(Participant.cadre).where(Participant.cadre.is_null(False))
    ids = [i for (i,) in Cadre.select(Cadre.id).where(Cadre.id.in_(invited))
           .order_by(Cadre.id).limit(3 * runs).tuples()]
    units = [i for (i,) in Unit.select(Unit.id).order_by(Unit.id).tuples()]
    save_times = []
    for n, cadre_id in enumerate(ids[:runs]):
        data = load_cadre(cadre_id)
        data.phone, data.unit_id = f"0812{n:08d}", units[n % len(units)]
        save_times += ctx.measure(lambda: save_cadre(data, cadre_id), 1)
    merge_times = []
    for n in range(runs):
        keep, other = ids[runs + 2 * n], ids[runs + 2 * n + 1]
        merge_times += ctx.measure(lambda: merge_cadres(keep, other), 1)
    close_database()
    return save_times, merge_times


def run(ctx) -> list[dict]:
    cadres = ctx.size(100_000, 20_000)
    db = ctx.demo_db(cadres)              # encrypted, as every new database
    model_times = _search_through_model(ctx, db)
    clear_times = _search_through_model(ctx, ctx.clear_copy(db))
    search = ctx.result("cadre_search_100k", model_times, "s", 0.1)
    search_clear = ctx.result("cadre_search_100k_clear", clear_times, "s", 0.1)
    save_times, merge_times = _save_and_merge(ctx, db)
    return [
        search,
        search_clear,
        ctx.ratio("cadre_search_100k_encryption_cost", search, search_clear),
        ctx.result("cadre_search_100k_slowest_keystroke", [max(model_times)], "s", 0.1),
        ctx.result("cadre_search_raw_sql_100k", _search_raw_sql(ctx, db), "s"),
        ctx.result("cadre_save_100k", save_times, "s", 0.1),
        ctx.result("cadre_merge_100k", merge_times, "s", 0.1),
        ctx.result("import_xlsx_10k", _import_xlsx(ctx, ctx.size(10_000, 2_000)), "s", 10),
    ]
