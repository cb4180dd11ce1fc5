"""Schema 10: the print log.

``print_log``: every document written to PDF, with the digest of the data
printed and its verification code, so that a printout can be checked later
(here, or at the district office after a package merge).
"""
from peewee import AutoField, CharField, Model, TextField


def apply(db):
    class Base(Model):
        id = AutoField()
        uuid = CharField(max_length=36, unique=True)
        created_at = CharField()
        updated_at = CharField()

        class Meta:
            database = db
            legacy_table_names = False

    class PrintLog(Base):
        kind = CharField()
        title = CharField(default="")
        record = CharField(default="", index=True)
        code = CharField(max_length=14, index=True)
        digest = CharField(max_length=64)
        sources = TextField(default="[]")
        printed_at = CharField()
        officer = CharField(default="")
        installation = CharField(max_length=36, default="")

    db.create_tables([PrintLog])
