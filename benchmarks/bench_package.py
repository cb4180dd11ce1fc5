"""A district hand-over: export a package, then merge it into an empty installation.

``package_roundtrip_10k``: 10,000 cadres and 200 activities with their units,
attendance, photos and assessments (the demo data), written as a package by
one installation and merged by a fresh one (target 5 s). The two halves are
reported too, and a second merge of the same package (which must change
nothing) shows what re-sending costs.

``package_merge_conflicts_10k``: the same 10,000 cadres exchanged once, then
edited on both sides (every cadre on each side, 5% of them in the same field
with other values): the laptop's package written and merged at the office,
with its 500 conflicts decided by the policy (target 8 s).
"""
from __future__ import annotations

import shutil
import time

TARGET_S = 5
CONFLICTS_TARGET_S = 8


def run(ctx) -> list[dict]:
    from imp_desktop.data.db import close_database, open_database
    from imp_desktop.data.models import Activity, Cadre
    from imp_desktop.services.package import export_package, merge_package

    cadres = ctx.size(10_000, 2_000)
    wanted_activities = ctx.size(200, 40)
    source = ctx.demo_db(cadres, activities=wanted_activities)
    exports, merges, totals, again = [], [], [], []
    for run_number in range(ctx.size(2, 1)):
        laptop = ctx.workdir / f"package-laptop-{run_number}.sqlite"
        shutil.copy(source, laptop)
        media = source.with_name(source.name + ".media")
        if media.is_dir():
            shutil.copytree(media, laptop.with_name(laptop.name + ".media"))
        office = ctx.workdir / f"package-office-{run_number}.sqlite"
        open_database(office)           # an empty installation, migrated
        open_database(laptop)
        out = ctx.workdir / f"package-{run_number}.imp"
        started = time.perf_counter()
        export_package(out)
        exported = time.perf_counter()
        open_database(office)
        merge_package(out)
        merged = time.perf_counter()
        exports.append(exported - started)
        merges.append(merged - exported)
        totals.append(merged - started)
        assert Cadre.select().count() == cadres
        activities = Activity.select().count()
        assert activities == wanted_activities
        started = time.perf_counter()
        result = merge_package(out)
        again.append(time.perf_counter() - started)
        assert result.added == result.updated == 0
        close_database()
    print(f"  package: {cadres} cadres, {activities} activities, "
          f"{out.stat().st_size / 1e6:.1f} MB")
    conflicts = _conflicts(ctx, source, cadres)
    return [ctx.result("package_roundtrip_10k", totals, "s", TARGET_S),
            ctx.result("package_merge_conflicts_10k", conflicts, "s", CONFLICTS_TARGET_S),
            ctx.result("package_export_10k", exports, "s"),
            ctx.result("package_merge_10k", merges, "s"),
            ctx.result("package_merge_again_10k", again, "s")]


def _conflicts(ctx, source, cadres: int) -> list[float]:
    from imp_desktop.data.audit import audited_update
    from imp_desktop.data.db import close_database, open_database
    from imp_desktop.data.models import Cadre
    from imp_desktop.services.package import export_package, merge_package

    laptop = ctx.workdir / "conflicts-laptop.sqlite"
    office = ctx.workdir / "conflicts-office.sqlite"
    first = ctx.workdir / "conflicts-first.imp"
    shutil.copy(source, laptop)
    for leftover in (office, office.with_name(office.name + "-wal")):
        leftover.unlink(missing_ok=True)
    open_database(laptop)
    export_package(first, office="Kantor")
    open_database(office)
    merge_package(first)
    # both sides edit every cadre; 5% of them in the same field, with other values
    audited_update(Cadre, {Cadre.education: "S3 (bench)"}, Cadre.id > 0)
    every_20th = [i for (i,) in Cadre.select(Cadre.id).order_by(Cadre.id).tuples()][::20]
    audited_update(Cadre, {Cadre.occupation: "Guru (bench)"}, Cadre.id.in_(every_20th))
    open_database(laptop)
    audited_update(Cadre, {Cadre.occupation: "Petani (bench)"}, Cadre.id > 0)
    times = []
    for run_number in range(ctx.size(2, 1)):
        office_copy = ctx.workdir / f"conflicts-office-{run_number}.sqlite"
        open_database(office)
        close_database()
        shutil.copy(office, office_copy)
        open_database(laptop)
        out = ctx.workdir / f"conflicts-{run_number}.imp"
        started = time.perf_counter()
        export_package(out, office="Kantor")
        open_database(office_copy)
        result = merge_package(out, policy="mine")
        times.append(time.perf_counter() - started)
        assert len(result.conflicts) == cadres // 20, len(result.conflicts)
        assert result.updated == cadres - cadres // 20   # the conflicts kept ours
        close_database()
    print(f"  conflicts: {cadres} cadres edited on both sides, {cadres // 20} conflicts")
    return times
