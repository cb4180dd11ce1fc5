"""Schema 20: the aliases among the record versions, by an index of their own.

Every merge reads the aliases (``record_version`` rows saying that another
installation's uuid is one of our records: reference data matched by its code,
a cadre matched by NIK). They are a few hundred rows among millions at a district
office, yet ``alias IS NOT NULL`` read the whole table: 0.5 s of each merge at
2.5 million versions, growing with every package. A partial index holds only
those rows, with the columns the merge reads.
"""


def apply(db):
    db.execute_sql('CREATE INDEX IF NOT EXISTS "record_version_alias" ON "record_version" '
                   '("record_table", "record_uuid", "alias") WHERE "alias" IS NOT NULL')
