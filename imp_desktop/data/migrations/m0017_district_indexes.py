"""Schema 17: the kabupaten view at a district office (PostgreSQL only).

At 200,000 cadres in 20 kecamatan (2.2 million checklist answers) EXPLAIN
ANALYZE showed the view reading whole tables:

- cadres by the level of their unit: a sequential scan of ``cadre`` with a
  case-insensitive ``desa_code`` match on every row (300 ms). The live
  cadres by desa and unit, active ones only, let the count run as an
  index-only scan grouped per desa and unit;
- the six roles per kecamatan: the answers of the period's checklists read
  row by row from the table. The answers by checklist and indicator with
  ``met`` included are read by an index-only scan instead.

SQLite (an officer's laptop, one kecamatan) keeps its indexes.
"""
from peewee import PostgresqlDatabase


def apply(db):
    if not isinstance(db, PostgresqlDatabase):
        return
    db.execute_sql('CREATE INDEX IF NOT EXISTS "cadre_district" ON "cadre" '
                   '("desa_code", "unit_id") WHERE "active" AND "merged_into_id" IS NULL')
    db.execute_sql('CREATE INDEX IF NOT EXISTS "assessment_answer_met" ON "assessment_answer" '
                   '("assessment_id", "indicator_id") INCLUDE ("met")')
