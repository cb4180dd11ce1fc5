"""Schema 7: the audit trail and the hand-over bookkeeping.

``audit_entry``: who changed which field of which record, when, from what to
what. ``sync_state``: per record, the version last exchanged in a package
(the common ancestor for merging). ``handover``: packages written and merged.
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

    class AuditEntry(Base):
        record_table = CharField()
        record_uuid = CharField(max_length=36, index=True)
        action = CharField()
        field = CharField(null=True)
        old_value = TextField(null=True)
        new_value = TextField(null=True)
        officer = CharField(default="")
        installation = CharField(max_length=36, default="")
        at = CharField(index=True)

    class SyncState(Base):
        record_table = CharField()
        record_uuid = CharField(max_length=36)
        data = TextField()

        class Meta:
            indexes = ((("record_table", "record_uuid"), True),)

    class Handover(Base):
        direction = CharField()
        office = CharField(null=True)
        package_id = CharField(max_length=36, index=True)
        installation = CharField(max_length=36, null=True)
        officer = CharField(null=True)
        at = CharField()
        summary = TextField(default="{}")

    db.create_tables([AuditEntry, SyncState, Handover])
