"""Schema 6: a cadre appears at most once in an activity's attendance list.

The unique index also tells a cadre merge (which re-points every foreign key to
a cadre) to leave a row with the merged record when the kept cadre is already
on that list, instead of listing the same person twice. Guests (no cadre) are
not affected: NULLs never collide in a unique index.
"""


def apply(db):
    # Earlier duplicates (none are made by the program) keep their first row.
    db.execute_sql(
        "DELETE FROM participant WHERE cadre_id IS NOT NULL AND id NOT IN ("
        "SELECT MIN(id) FROM participant WHERE cadre_id IS NOT NULL "
        "GROUP BY activity_id, cadre_id)")
    db.execute_sql("CREATE UNIQUE INDEX IF NOT EXISTS participant_activity_id_cadre_id "
                   "ON participant (activity_id, cadre_id)")
