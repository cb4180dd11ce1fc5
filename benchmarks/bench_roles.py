"""Enam Peran Bakti: the recap of a whole kecamatan and one unit's checklist.

A 15-desa demo kecamatan (about 500 IMP units, each assessed monthly over six
months: about 2,800 assessments and 100,000 answers). Figures: the kecamatan
recap (what the Rekap tab and the printed Rekap Peran Bakti compute), a desa
recap, opening one unit's checklist with its catalogue and rule, and saving it.
"""
from __future__ import annotations

import shutil


def run(ctx) -> list[dict]:
    from imp_desktop.data.db import close_database, open_database
    from imp_desktop.services import roles

    source = ctx.demo_db(cadres=ctx.size(5000, 1500), desa=ctx.size(15, 4))
    db = ctx.workdir / "roles.sqlite"
    shutil.copy(source, db)
    open_database(db)
    runs = 3 if ctx.quick else 5
    try:
        period = roles.latest_period()
        desa = roles.desa_choices()[0][0]
        roles.recap("33.22.02", period)                       # caches warm
        kecamatan = ctx.measure(lambda: roles.recap("33.22.02", period), runs)
        one_desa = ctx.measure(lambda: roles.recap(desa, period), runs)
        unit = roles.unit_statuses(desa, period)[0]

        def open_checklist():
            sheet = roles.get_assessment(unit.assessment_id)
            roles.get_catalogue(sheet.catalogue_id)
            roles.get_rule(sheet.rule_id)
            roles.unit_history(unit.unit_id)

        opening = ctx.measure(open_checklist, runs)
        sheet = roles.get_assessment(unit.assessment_id)
        answers = {line.indicator_id: roles.AnswerInput(bool(line.met))
                   for role in sheet.roles for line in role.lines}
        first = sheet.roles[0].lines[0].indicator_id

        def tick_one():          # the usual edit: one indicator changes
            answers[first].met = not answers[first].met
            roles.save_assessment(roles.AssessmentInput(unit.unit_id, period, answers),
                                  unit.assessment_id)

        saving = ctx.measure(tick_one, runs)
        other = roles.unit_statuses(desa, period)[1]
        roles.delete_assessment(other.assessment_id)
        creating = ctx.measure(lambda: roles.save_assessment(
            roles.AssessmentInput(other.unit_id, period, answers)), 1,
            setup=lambda: None)
    finally:
        close_database()
    return [ctx.result("roles_recap_kecamatan_15_desa", kecamatan, "s", 1.0),
            ctx.result("roles_recap_desa", one_desa, "s", 0.3),
            ctx.result("roles_open_checklist", opening, "s", 0.1),
            ctx.result("roles_save_one_tick", saving, "s", 0.2),
            ctx.result("roles_create_assessment", creating, "s", 0.5)]
