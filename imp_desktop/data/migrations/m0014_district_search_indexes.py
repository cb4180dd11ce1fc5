"""Schema 14: the cadre search at a district office (PostgreSQL only).

At 200,000 cadres (a kabupaten) EXPLAIN ANALYZE showed every keystroke of the
Kader screen reading the whole table: the words are matched with
``search_text LIKE '%word%'`` and the result sorted by name (an external sort
on disk). Two indexes:

- a trigram index on ``search_text`` (extension ``pg_trgm``, trusted since
  PostgreSQL 13, so the database owner may create it): a word of three letters
  or more is found through the index (a selective search went from 440 ms to
  60 ms on a loaded test machine);
- the live cadres in name order with ``active`` included, read by an index-only
  scan instead of sorting the table (the unfiltered list: 3.3 s to 0.55 s there).

SQLite has its own covering index (schema 3); nothing changes there. Where
the extension cannot be created, the trigram index is left out (searching
works, only slower).
"""
from peewee import PostgresqlDatabase


def apply(db):
    if not isinstance(db, PostgresqlDatabase):
        return
    db.execute_sql('CREATE INDEX IF NOT EXISTS "cadre_browse_live" ON "cadre" ("name", "id") '
                   'INCLUDE ("active") WHERE "merged_into_id" IS NULL')
    db.execute_sql("SAVEPOINT trigram")
    try:
        db.execute_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except Exception:        # not installed or not allowed: keep the plain search
        db.execute_sql("ROLLBACK TO SAVEPOINT trigram")
        return
    db.execute_sql("RELEASE SAVEPOINT trigram")
    db.execute_sql('CREATE INDEX IF NOT EXISTS "cadre_search_trigram" ON "cadre" '
                   'USING gin ("search_text" gin_trgm_ops)')
