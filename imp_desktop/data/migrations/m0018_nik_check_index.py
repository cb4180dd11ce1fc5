"""Schema 18: Beranda's impossible NIKs at a district office (PostgreSQL only).

At 200,000 cadres Beranda read every NIK and checked each in Python (a
second before the window could paint). Only the NIKs that are not plainly
valid are read now (``services/data_quality.NIK_TO_CHECK``; a copy of it is
below, a test keeps the two equal), from a partial index of exactly those
cadres: a few hundred entries instead of a pass over the table.

SQLite (an officer's laptop, one kecamatan) evaluates the same condition
without an index.
"""
from peewee import PostgresqlDatabase

# services/data_quality.NIK_TO_CHECK as it was when this migration was written.
NIK_TO_CHECK = (
    "NOT (length(nik) = 16 AND translate(nik, '0123456789', '') = '' "
    "AND substr(nik, 13, 4) <> '0000' "
    "AND substr(nik, 9, 2) BETWEEN '01' AND '12' "
    "AND (substr(nik, 7, 2) BETWEEN '01' AND '28' OR substr(nik, 7, 2) BETWEEN '41' AND '68' "
    "OR (substr(nik, 7, 2) IN ('29', '30', '69', '70') AND substr(nik, 9, 2) <> '02') "
    "OR (substr(nik, 7, 2) IN ('31', '71') "
    "AND substr(nik, 9, 2) IN ('01', '03', '05', '07', '08', '10', '12'))))")


def apply(db):
    if not isinstance(db, PostgresqlDatabase):
        return
    db.execute_sql('CREATE INDEX IF NOT EXISTS "cadre_nik_to_check" ON "cadre" ("id") '
                   'INCLUDE ("nik", "active") WHERE "nik" IS NOT NULL AND "nik" <> \'\' '
                   f'AND "merged_into_id" IS NULL AND {NIK_TO_CHECK}')
