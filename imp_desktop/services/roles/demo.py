"""Demo data: monthly assessments of every unit (a step of ``services.demo``)."""
from __future__ import annotations

import datetime as dt

from imp_desktop.data.models import Unit, database
from imp_desktop.services.roles.periods import recent_periods
from imp_desktop.services.roles.scoring import score
from imp_desktop.services.roles.versions import current_catalogue, current_rule

# Indicators that units find harder in the field (lower chance of being met).
_DEMO_HARD = {"org.rakor": 0.25, "data.peta": 0.3, "data.rencana": 0.25, "kie.mkjp": 0.2,
              "mandiri.dana": 0.35, "mandiri.regenerasi": 0.3, "mandiri.sarana": 0.2,
              "lay.poktan": 0.15, "pert.rakorkec": 0.15}
_DEMO_LEVEL_BASE = {"ppkbd": 0.72, "sub_ppkbd": 0.6, "kelompok_kb": 0.5}


def demo_assessments(rng, summary, months: int = 6, today: dt.date | None = None) -> None:
    """Demo step: every unit assessed monthly over the last ``months`` months,
    most of them improving a little each month (called inside the demo transaction)."""
    from imp_desktop.data.models import new_uuid, utc_now

    catalogue = current_catalogue()
    rule = current_rule()
    periods = list(reversed(recent_periods(months, today=today)))
    units = list(Unit.select(Unit.id, Unit.level).where(Unit.active == True)  # noqa: E712
                 .order_by(Unit.id).tuples())
    now = utc_now()
    assessor = _officer_name()
    p = database.param
    cursor = database.cursor()
    count = 0
    indicators = catalogue.indicators()
    for unit_id, level in units:
        base = _DEMO_LEVEL_BASE.get(level, 0.55) + rng.uniform(-0.25, 0.2)
        trend = rng.uniform(-0.01, 0.05)
        rows, answers = [], []
        for step, period in enumerate(periods):
            if rng.random() < 0.05:   # a month the officer did not get to this unit
                continue
            chance = base + trend * step
            met = {item.id for item in indicators
                   if rng.random() < chance - _DEMO_HARD.get(item.key, 0.0)}
            result = score(catalogue, met, rule)
            a_uuid = new_uuid()
            day = min(period.end, (today or dt.date.today()))
            rows.append((a_uuid, now, now, unit_id, period.key, period.start.isoformat(),
                         period.end.isoformat(), catalogue.id, rule.id, day.isoformat(),
                         assessor, None, result.roles_fulfilled, result.classification))
            answers.append((a_uuid, met))
        cursor.executemany(
            "INSERT INTO assessment (uuid, created_at, updated_at, unit_id, period, "
            "period_start, period_end, catalogue_id, rule_id, assessed_on, assessor, note, "
            f"roles_fulfilled, classification) VALUES ({', '.join([p] * 14)})", rows)
        ids = dict(database.execute_sql(
            f"SELECT uuid, id FROM assessment WHERE unit_id = {p}", [unit_id]).fetchall())
        answer_rows = [(new_uuid(), now, now, ids[a_uuid], item.id, item.id in met, None)
                       for a_uuid, met in answers for item in indicators]
        cursor.executemany(
            "INSERT INTO assessment_answer (uuid, created_at, updated_at, assessment_id, "
            f"indicator_id, met, note) VALUES ({', '.join([p] * 7)})", answer_rows)
        count += len(rows)
    summary.extra["assessments"] = count


def _officer_name() -> str | None:
    from imp_desktop.services.settings import get_officer

    return get_officer().name or None
