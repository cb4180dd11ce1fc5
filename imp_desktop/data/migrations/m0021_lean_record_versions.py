"""Schema 21: a record's version row without a uuid and times of its own.

``record_version`` holds one row per travelling record (its clock, its
tombstone or an alias). It is the program's bookkeeping of records that have
their own uuid, never sent as a record itself, and nothing ever looked a row up
by its own uuid or read its times. Yet every row carried a uuid (with a unique
index) and two timestamps: 94 bytes and a B-tree insert for each of the
125,000 rows a 10,000-cadre hand-over merge writes, the largest part of the
merge's pages after the records themselves.

On SQLite the table is rebuilt without the three columns (one copy, in this
migration's transaction); on PostgreSQL the columns are dropped (their index
goes with them).
"""
from peewee import SqliteDatabase

_COLUMNS = '"id", "record_table", "record_uuid", "clock", "deleted", "alias", "seq"'


def apply(db):
    if not isinstance(db, SqliteDatabase):
        db.execute_sql('ALTER TABLE "record_version" DROP COLUMN "uuid", '
                       'DROP COLUMN "created_at", DROP COLUMN "updated_at"')
        return
    db.execute_sql(
        'CREATE TABLE "record_version_new" ("id" INTEGER NOT NULL PRIMARY KEY, '
        '"record_table" VARCHAR(255) NOT NULL, "record_uuid" VARCHAR(36) NOT NULL, '
        '"clock" TEXT, "deleted" INTEGER NOT NULL, "alias" VARCHAR(36), '
        '"seq" INTEGER NOT NULL)')
    db.execute_sql(f'INSERT INTO "record_version_new" ({_COLUMNS}) '
                   f'SELECT {_COLUMNS} FROM "record_version" ORDER BY "id"')
    db.execute_sql('DROP TABLE "record_version"')
    db.execute_sql('ALTER TABLE "record_version_new" RENAME TO "record_version"')
    db.execute_sql('CREATE INDEX "record_version_seq" ON "record_version" ("seq")')
    db.execute_sql('CREATE UNIQUE INDEX "record_version_record_table_record_uuid" '
                   'ON "record_version" ("record_table", "record_uuid")')
    db.execute_sql('CREATE INDEX "record_version_alias" ON "record_version" '
                   '("record_table", "record_uuid", "alias") WHERE "alias" IS NOT NULL')
