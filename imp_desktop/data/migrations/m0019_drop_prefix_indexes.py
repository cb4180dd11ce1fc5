"""Schema 19: indexes that only repeated the first column of a unique pair.

``participant(activity_id)``, ``assessment_answer(assessment_id)``,
``assessment(unit_id)``, ``monthly_report(unit_id)``,
``role_indicator(catalogue_id)`` and ``monthly_line(template_id)`` each led a
unique index on two columns (``(activity_id, cadre_id)``,
``(assessment_id, indicator_id)``, ``(unit_id, period)``, ...), which answers
every lookup and foreign-key check by that first column just as well. Each
one cost a B-tree insert per row: in a hand-over merge ~110,000 of them for
10,000 cadres' data, in a district merge that many per kecamatan.
"""

REDUNDANT = (
    ("participant", "participant_activity_id"),
    ("assessment_answer", "assessment_answer_assessment_id"),
    ("assessment", "assessment_unit_id"),
    ("monthly_report", "monthly_report_unit_id"),
    ("role_indicator", "role_indicator_catalogue_id"),
    ("monthly_line", "monthly_line_template_id"),
)


def apply(db):
    for _table, index in REDUNDANT:
        db.execute_sql(f'DROP INDEX IF EXISTS "{index}"')
