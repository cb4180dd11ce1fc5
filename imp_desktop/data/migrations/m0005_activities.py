"""Schema 5: activities (kegiatan), their types, participants and photos."""
import datetime as dt
import uuid

from peewee import (
    AutoField,
    BooleanField,
    CharField,
    DateField,
    FloatField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

# The starting list of activity types; officers edit it in Pengaturan.
DEFAULT_TYPES = ["Pembinaan kader IMP", "Pertemuan rutin", "Rapat koordinasi", "Pelatihan",
                 "Penyuluhan/KIE", "Pendataan", "Lainnya"]
# Type UUIDs derive from the name so every installation gives a default type the same one.
TYPE_NAMESPACE = uuid.UUID("0b6f7c1e-5d0a-4c36-9f43-7a2e9d3f5b21")


def apply(db):
    class Base(Model):
        id = AutoField()
        uuid = CharField(max_length=36, unique=True)
        created_at = CharField()
        updated_at = CharField()

        class Meta:
            database = db
            legacy_table_names = False

    class Region(Base):
        code = CharField(max_length=13, unique=True)

    class Cadre(Base):
        name = CharField()

    class ActivityType(Base):
        name = CharField(unique=True)
        sort_order = IntegerField(default=0)
        active = BooleanField(default=True)

    class Activity(Base):
        title = CharField()
        activity_type = ForeignKeyField(ActivityType, null=True, on_delete="RESTRICT")
        date = DateField(index=True)
        start_time = CharField(max_length=5, null=True)
        end_time = CharField(max_length=5, null=True)
        time_zone = CharField(max_length=4, default="WIB")
        place = CharField(null=True)
        desa = ForeignKeyField(Region, field=Region.code, column_name="desa_code", null=True,
                               on_delete="RESTRICT")
        background = TextField(default="")
        aims = TextField(default="")
        legal_basis = TextField(default="")
        agenda = TextField(default="")
        speakers = TextField(default="")
        participants_note = TextField(default="")
        results = TextField(default="")
        supporting_factors = TextField(default="")
        inhibiting_factors = TextField(default="")
        conclusions = TextField(default="")
        suggestions = TextField(default="")
        follow_up = TextField(default="")
        closing = TextField(default="")
        funding_source = CharField(null=True)
        funding_amount = IntegerField(null=True)
        engagement_rating = IntegerField(null=True)
        engagement_note = TextField(default="")
        scores_enabled = BooleanField(default=False)
        copied_from = ForeignKeyField("self", null=True, on_delete="SET NULL")
        search_text = TextField(default="")

    class Participant(Base):
        activity = ForeignKeyField(Activity, on_delete="CASCADE")
        cadre = ForeignKeyField(Cadre, null=True, index=True, on_delete="RESTRICT")
        guest_name = CharField(null=True)
        guest_position = CharField(null=True)
        status = CharField(max_length=8, null=True)
        pre_score = FloatField(null=True)
        post_score = FloatField(null=True)
        note = CharField(null=True)
        sort_order = IntegerField(default=0)

    class ActivityPhoto(Base):
        activity = ForeignKeyField(Activity, on_delete="CASCADE")
        file_name = CharField()
        caption = TextField(default="")
        original_name = CharField(null=True)
        width = IntegerField(null=True)
        height = IntegerField(null=True)
        sort_order = IntegerField(default=0)

    db.create_tables([ActivityType, Activity, Participant, ActivityPhoto])
    now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds")
    ActivityType.insert_many(
        [{"uuid": str(uuid.uuid5(TYPE_NAMESPACE, name)), "created_at": now, "updated_at": now,
          "name": name, "sort_order": index, "active": True}
         for index, name in enumerate(DEFAULT_TYPES)]).execute()
