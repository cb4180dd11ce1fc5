"""Schema 4: Enam Peran Bakti: indicator catalogue versions, classification rule
versions, assessments and their answers. Seeds catalogue version 1 from
``imp_desktop/resources/roles/catalogue.json`` and rule version 1 with the defaults of the
domain brief (a role is fulfilled at 60%; Berkembang from 3 roles, Mandiri at 6).
"""
import datetime as dt
import json
import uuid

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


def utc_now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds")


def apply(db):
    # Long on purpose: a migration is one frozen, self-contained script.
    from imp_desktop.paths import resource

    class Base(Model):
        id = AutoField()
        uuid = CharField(max_length=36, unique=True)
        created_at = CharField()
        updated_at = CharField()

        class Meta:
            database = db
            legacy_table_names = False

    class Unit(Base):   # only what the foreign key needs
        class Meta:
            table_name = "unit"

    class RoleCatalogue(Base):
        version = IntegerField(unique=True)
        note = TextField(null=True)

    class RoleIndicator(Base):
        catalogue = ForeignKeyField(RoleCatalogue, on_delete="RESTRICT")
        role = CharField()
        key = CharField()
        position = IntegerField()
        text_id = TextField()
        text_en = TextField()

        class Meta:
            indexes = ((("catalogue", "key"), True),)

    class ClassificationRule(Base):
        version = IntegerField(unique=True)
        threshold_percent = IntegerField()
        berkembang_min_roles = IntegerField()
        mandiri_min_roles = IntegerField()
        note = TextField(null=True)

    class Assessment(Base):
        unit = ForeignKeyField(Unit, on_delete="RESTRICT")
        period = CharField(max_length=7, index=True)
        period_start = DateField()
        period_end = DateField()
        catalogue = ForeignKeyField(RoleCatalogue, on_delete="RESTRICT")
        rule = ForeignKeyField(ClassificationRule, on_delete="RESTRICT")
        assessed_on = DateField(null=True)
        assessor = CharField(null=True)
        note = TextField(null=True)
        roles_fulfilled = IntegerField()
        classification = CharField()

        class Meta:
            indexes = ((("unit", "period"), True),)

    class AssessmentAnswer(Base):
        assessment = ForeignKeyField(Assessment, on_delete="CASCADE")
        indicator = ForeignKeyField(RoleIndicator, on_delete="RESTRICT")
        met = BooleanField(default=False)
        note = TextField(null=True)
        evidence_activity_id = IntegerField(null=True, index=True)
        evidence_photo = CharField(null=True)

        class Meta:
            indexes = ((("assessment", "indicator"), True),)

    db.create_tables([RoleCatalogue, RoleIndicator, ClassificationRule, Assessment,
                      AssessmentAnswer])

    now = utc_now()
    with open(resource("roles", "catalogue.json"), encoding="utf-8") as handle:
        default = json.load(handle)
    catalogue = RoleCatalogue.create(uuid=str(uuid.uuid4()), created_at=now, updated_at=now,
                                     version=1, note=default["note"]["id"])
    for role in default["roles"]:
        for position, item in enumerate(role["indicators"], 1):
            RoleIndicator.create(uuid=str(uuid.uuid4()), created_at=now, updated_at=now,
                                 catalogue=catalogue, role=role["code"], key=item["key"],
                                 position=position, text_id=item["id"], text_en=item["en"])
    ClassificationRule.create(uuid=str(uuid.uuid4()), created_at=now, updated_at=now,
                              version=1, threshold_percent=60, berkembang_min_roles=3,
                              mandiri_min_roles=6, note=None)
