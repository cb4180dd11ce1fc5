"""Schema 1: regions, dusun/RW and RT, IMP units, cadres, officer, settings."""
from peewee import (
    AutoField,
    BooleanField,
    CharField,
    DateField,
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

    class Region(Base):
        code = CharField(max_length=13, unique=True)
        name = CharField()
        level = IntegerField()
        parent_code = CharField(max_length=13, null=True, index=True)

    class Hamlet(Base):
        desa = ForeignKeyField(Region, field=Region.code, column_name="desa_code",
                               on_delete="RESTRICT")
        name = CharField()
        rw = CharField(null=True)

    class Neighbourhood(Base):
        hamlet = ForeignKeyField(Hamlet, on_delete="RESTRICT")
        number = CharField()

    class Unit(Base):
        level = CharField(index=True)
        name = CharField()
        desa = ForeignKeyField(Region, field=Region.code, column_name="desa_code",
                               on_delete="RESTRICT")
        hamlet = ForeignKeyField(Hamlet, null=True, on_delete="RESTRICT")
        neighbourhood = ForeignKeyField(Neighbourhood, null=True, on_delete="RESTRICT")
        parent = ForeignKeyField("self", null=True, on_delete="RESTRICT")
        sk_number = CharField(null=True)
        sk_date = DateField(null=True)
        active = BooleanField(default=True)

    class Cadre(Base):
        nik = CharField(max_length=16, null=True, unique=True)
        name = CharField(index=True)
        sex = CharField(max_length=1, null=True)
        birth_place = CharField(null=True)
        birth_date = DateField(null=True)
        address = TextField(null=True)
        rt = CharField(null=True)
        rw = CharField(null=True)
        desa = ForeignKeyField(Region, field=Region.code, column_name="desa_code",
                               null=True, on_delete="RESTRICT")
        hamlet = ForeignKeyField(Hamlet, null=True, on_delete="RESTRICT")
        neighbourhood = ForeignKeyField(Neighbourhood, null=True, on_delete="RESTRICT")
        phone = CharField(null=True)
        education = CharField(null=True)
        occupation = CharField(null=True)
        unit = ForeignKeyField(Unit, null=True, on_delete="RESTRICT")
        position = CharField(null=True)
        sk_number = CharField(null=True)
        sk_date = DateField(null=True)
        start_date = DateField(null=True)
        active = BooleanField(default=True, index=True)
        inactive_reason = CharField(null=True)
        inactive_date = DateField(null=True)
        merged_into = ForeignKeyField("self", null=True, on_delete="RESTRICT")
        search_text = TextField(default="")

    class Officer(Base):
        name = CharField(default="")
        nip = CharField(null=True)
        title = CharField(null=True)
        kecamatan = ForeignKeyField(Region, field=Region.code, column_name="kecamatan_code",
                                    null=True, on_delete="RESTRICT")
        place_name = CharField(null=True)

    class Setting(Base):
        key = CharField(unique=True)
        value = TextField()

    db.create_tables([Region, Hamlet, Neighbourhood, Unit, Cadre, Officer, Setting])
