"""Schema 13: Laporan bulanan. The versioned line template of the units' monthly
report (``monthly_template``/``monthly_line``) and the reports themselves
(``monthly_report``, one per unit per month). Seeds template version 1 from
``resources/monthly/template.json`` (the R/I/PPKBD shape, in New SIGA's order).
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


def apply(db):
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

    class MonthlyTemplate(Base):
        version = IntegerField(unique=True)
        note = TextField(null=True)

    class MonthlyLine(Base):
        template = ForeignKeyField(MonthlyTemplate, on_delete="RESTRICT")
        key = CharField()
        position = IntegerField()
        section = CharField()
        section_id = TextField()
        section_en = TextField()
        text_id = TextField()
        text_en = TextField()
        kind = CharField()
        source = TextField(null=True)
        cumulative = BooleanField(default=False)
        target = BooleanField(default=False)
        max_key = CharField(null=True)
        levels = CharField(default="")

        class Meta:
            indexes = ((("template", "key"), True),)

    class MonthlyReport(Base):
        unit = ForeignKeyField(Unit, on_delete="RESTRICT")
        period = CharField(max_length=7, index=True)
        template = ForeignKeyField(MonthlyTemplate, on_delete="RESTRICT")
        received_on = DateField(null=True)
        status = CharField(default="draft")
        figures = TextField(default="{}")
        targets = TextField(default="{}")
        note = TextField(null=True)

        class Meta:
            indexes = ((("unit", "period"), True),)

    db.create_tables([MonthlyTemplate, MonthlyLine, MonthlyReport])

    now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds")
    with open(resource("monthly", "template.json"), encoding="utf-8") as handle:
        default = json.load(handle)
    template = MonthlyTemplate.create(uuid=str(uuid.uuid4()), created_at=now, updated_at=now,
                                      version=1, note=default["note"]["id"])
    sections = default["sections"]
    for position, line in enumerate(default["lines"], 1):
        section = sections[line["section"]]
        MonthlyLine.create(
            uuid=str(uuid.uuid4()), created_at=now, updated_at=now, template=template,
            key=line["key"], position=position, section=line["section"],
            section_id=section["id"], section_en=section["en"], text_id=line["id"],
            text_en=line["en"], kind=line["kind"], source=line.get("source"),
            cumulative=bool(line.get("cumulative")), target=bool(line.get("target")),
            max_key=line.get("max_key"), levels=line.get("levels") or "")
