"""Laporan bulanan: the kecamatan recap over a year of reports, and a desa's month.

A 15-desa demo kecamatan (about 500 IMP units) with twelve months of unit
monthly reports (about 5,500 reports, some late, some missing). Figures: the
kecamatan recap (every desa's lines side by side, the "to date" columns over
the year, coverage: what the recap printout and its Excel copy compute),
coverage alone, opening a desa's month in the grid, and saving it.
"""
from __future__ import annotations

import random
import shutil
import time


def run(ctx) -> list[dict]:
    from imp_desktop.data.db import close_database, open_database
    from imp_desktop.data.models import MonthlyReport, database
    from imp_desktop.services import monthly
    from imp_desktop.services.demo import DemoSummary
    from imp_desktop.services.monthly_demo import demo_monthly

    source = ctx.demo_db(cadres=ctx.size(5000, 1500), desa=ctx.size(15, 4))
    db = ctx.workdir / "monthly.sqlite"
    shutil.copy(source, db)
    open_database(db)
    runs = 3 if ctx.quick else 5
    try:
        with database.atomic():          # the demo's six months become twelve
            MonthlyReport.delete().execute()
            demo_monthly(random.Random(3), DemoSummary(), months=12)
        count = MonthlyReport.select().count()
        period = MonthlyReport.select(MonthlyReport.period).order_by(
            MonthlyReport.period.desc()).scalar()
        monthly.monthly_recap(period)    # caches warm (template)
        recap = ctx.measure(lambda: monthly.monthly_recap(period), runs)
        recap_cpu = []     # the same on this process's CPU clock: a shared machine's
        for _ in range(runs):   # load stretches the wall clock, not this
            started = time.process_time()
            monthly.monthly_recap(period)
            recap_cpu.append(time.process_time() - started)
        cover = ctx.measure(lambda: monthly.coverage(period), runs)
        desa = monthly.desa_choices()[0][0]
        opening = ctx.measure(lambda: monthly.desa_month(desa, period), runs)
        data = monthly.desa_month(desa, period)
        entries = [monthly.entry_of(unit) for unit in data.units if unit.reported]
        saving = ctx.measure(lambda: monthly.save_desa_month(desa, period, entries), runs)
    finally:
        close_database()
    print(f"  ({count} monthly reports over 12 months)")
    return [ctx.result("monthly_recap_kecamatan", recap, "s", 0.3),
            ctx.result("monthly_recap_kecamatan_cpu", recap_cpu, "s", 0.3),
            ctx.result("monthly_coverage_kecamatan", cover, "s", 0.3),
            ctx.result("monthly_open_desa_month", opening, "s", 0.3),
            ctx.result("monthly_save_desa_month", saving, "s", 1.0)]
