"""Schema 11: files kept in the database by content, and signed documents.

``stored_file``: a file's bytes (base64 text) named by their SHA-256, unique
by content (``services/filestore.py``). ``signed_document``: the signed final
version of a printout, taken back from the officer's signing app.
"""
from peewee import (
    AutoField,
    BooleanField,
    CharField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)


def apply(db):
    class Base(Model):
        id = AutoField()
        uuid = CharField(max_length=36, unique=True)
        created_at = CharField()
        updated_at = CharField()

        class Meta:
            database = db
            legacy_table_names = False

    class StoredFile(Base):
        sha256 = CharField(max_length=64, unique=True)
        size = IntegerField()
        content = TextField()

    class SignedDocument(Base):
        kind = CharField()
        record = CharField(index=True)
        code = CharField(max_length=14)
        title = CharField(default="")
        file = ForeignKeyField(StoredFile, on_delete="RESTRICT")
        file_name = CharField(default="")
        signer = CharField(default="")
        signer_serial = CharField(default="")
        signed_at = CharField(default="")
        trusted = BooleanField(default=False)

    db.create_tables([StoredFile, SignedDocument])
