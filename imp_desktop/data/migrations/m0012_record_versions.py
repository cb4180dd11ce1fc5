"""Schema 12: per-record versions (``record_version``) replace the snapshot bases.

``sync_state`` kept, per table, the content of every record as last
exchanged; a merge compared both sides against it. It could not tell an edit
made here from a peer's older value, and an export overwrote it. Now every
record has a version (see ``imp_desktop.data.versions``). What a database
holds becomes its starting versions:

* a field whose value is the one last exchanged gets the common dot ``("~", 0)``,
  the same on every installation, so two installations that had exchanged see
  no conflict where neither changed anything;
* a field changed since (or a record never exchanged) gets a dot of this
  installation, so the change wins where the other side did not touch it;
* a record last exchanged and deleted here since becomes a tombstone that has
  seen only the common version; one matched to a local record under another
  uuid (a NIK, a unique pair) becomes an alias of it.

``sync_state`` is dropped afterwards.
"""
import datetime as dt
import json
import uuid

from peewee import AutoField, BooleanField, CharField, IntegerField, Model, TextField

LEGACY = ["~", 0]
# Frozen: travelling tables of schema 11 with their foreign keys
# (column -> (field name, referenced table; None: a region code)) and boolean columns.
TABLES = {
    "hamlet": {"desa_code": ("desa", None)},
    "neighbourhood": {"hamlet_id": ("hamlet", "hamlet")},
    "unit": {"desa_code": ("desa", None), "hamlet_id": ("hamlet", "hamlet"),
             "neighbourhood_id": ("neighbourhood", "neighbourhood"),
             "parent_id": ("parent", "unit")},
    "cadre": {"desa_code": ("desa", None), "hamlet_id": ("hamlet", "hamlet"),
              "neighbourhood_id": ("neighbourhood", "neighbourhood"),
              "unit_id": ("unit", "unit"), "merged_into_id": ("merged_into", "cadre")},
    "activity_type": {},
    "activity": {"activity_type_id": ("activity_type", "activity_type"),
                 "desa_code": ("desa", None), "copied_from_id": ("copied_from", "activity")},
    "participant": {"activity_id": ("activity", "activity"), "cadre_id": ("cadre", "cadre")},
    "activity_photo": {"activity_id": ("activity", "activity")},
    "role_catalogue": {},
    "role_indicator": {"catalogue_id": ("catalogue", "role_catalogue")},
    "classification_rule": {},
    "assessment": {"unit_id": ("unit", "unit"), "catalogue_id": ("catalogue", "role_catalogue"),
                   "rule_id": ("rule", "classification_rule")},
    "assessment_answer": {"assessment_id": ("assessment", "assessment"),
                          "indicator_id": ("indicator", "role_indicator"),
                          "evidence_activity_id": ("evidence_activity", "activity")},
    "print_log": {},
    "stored_file": {},
    "signed_document": {"file_id": ("file", "stored_file")},
}
BOOLEANS = {("unit", "active"), ("cadre", "active"), ("activity_type", "active"),
            ("activity", "scores_enabled"), ("assessment_answer", "met"),
            ("signed_document", "trusted")}
# Unique keys besides the uuid (field names): how a record of theirs was matched to ours.
UNIQUE = {"cadre": [("nik",)], "activity_type": [("name",)],
          "participant": [("activity", "cadre")], "role_indicator": [("catalogue", "key")],
          "assessment": [("unit", "period")],
          "assessment_answer": [("assessment", "indicator")], "stored_file": [("sha256",)]}
# Versions matched by content, never deleted by a merge: no tombstones for them.
NO_TOMBSTONES = {"role_catalogue", "role_indicator", "classification_rule"}
SKIP = {"id", "uuid", "created_at", "updated_at"}


def _plain(value):
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    return value


def _dumps(value) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def apply(db):
    class RecordVersion(Model):
        id = AutoField()
        uuid = CharField(max_length=36, unique=True)
        created_at = CharField()
        updated_at = CharField()
        record_table = CharField()
        record_uuid = CharField(max_length=36)
        clock = TextField(null=True)
        deleted = BooleanField(default=False)
        alias = CharField(max_length=36, null=True)
        seq = IntegerField(default=0, index=True)

        class Meta:
            database = db
            legacy_table_names = False
            table_name = "record_version"
            indexes = ((("record_table", "record_uuid"), True),)

    db.create_tables([RecordVersion])

    bases: dict[str, dict[str, dict]] = {}
    for table, record_uuid, data in db.execute_sql(
            "SELECT record_table, record_uuid, data FROM sync_state ORDER BY id").fetchall():
        if record_uuid == "*":
            for key, text in json.loads(data).items():
                bases.setdefault(table, {})[key] = json.loads(text)
        else:
            bases.setdefault(table, {})[record_uuid] = json.loads(data)

    replica = str(uuid.uuid4())
    now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds")
    mine = [replica, 1]
    uuid_of: dict[str, dict] = {}
    rows_out = []

    def add(table, record_uuid, clock, deleted=False, alias=None):
        rows_out.append((str(uuid.uuid4()), now, now, table, record_uuid,
                         None if clock is None else _dumps(clock), deleted, alias,
                         0 if clock is None else 1))

    for table in TABLES:
        uuid_of[table] = dict(db.execute_sql(f'SELECT "id", "uuid" FROM "{table}"').fetchall())
    for table, references in TABLES.items():
        cursor = db.execute_sql(f'SELECT * FROM "{table}"')
        columns = [c[0] for c in cursor.description]
        records = []
        for values in cursor.fetchall():
            record = dict(zip(columns, values))
            item = {}
            for column, value in record.items():
                if column in ("id", "created_at", "updated_at"):
                    continue
                name, target = references.get(column, (column, None))
                if target is not None and value is not None:
                    value = uuid_of.get(target, {}).get(value)
                elif (table, column) in BOOLEANS and value is not None:
                    value = bool(value)
                item[name] = _plain(value)
            records.append((record["id"], item))
        base = bases.get(table, {})
        keys = UNIQUE.get(table, [])
        base_by_key = {}
        for base_uuid, content in base.items():
            for key in keys:
                value = tuple(content.get(k) for k in key)
                if None not in value:
                    base_by_key[(key, value)] = base_uuid
        local_by_key = {}
        present = set()
        for _, item in records:
            present.add(item["uuid"])
            for key in keys:
                value = tuple(item.get(k) for k in key)
                if None not in value:
                    local_by_key[(key, value)] = item["uuid"]
        for _, item in records:
            common = base.get(item["uuid"])
            if common is None:
                for key in keys:
                    other = base_by_key.get((key, tuple(item.get(k) for k in key)))
                    if other is not None and other not in present:
                        common = base[other]
                        break
            if common is None:
                add(table, item["uuid"], {"c": {replica: 1}, "d": {"*": mine}})
                continue
            changed = [name for name, value in item.items()
                       if name not in SKIP and name in common and common[name] != value]
            dots = {"*": LEGACY}
            ctx = {"~": 0}
            for name in changed:
                dots[name] = mine
            if changed:
                ctx[replica] = 1
            add(table, item["uuid"], {"c": ctx, "d": dots})
        for base_uuid, content in base.items():
            if base_uuid in present:
                continue
            matched = None
            for key in keys:
                value = tuple(content.get(k) for k in key)
                if None not in value and (key, value) in local_by_key:
                    matched = local_by_key[(key, value)]
                    break
            if matched is not None:
                add(table, base_uuid, None, alias=matched)
            elif table not in NO_TOMBSTONES:
                add(table, base_uuid, {"c": {"~": 0, replica: 1}, "d": {"*": mine}}, deleted=True)

    marks = ", ".join([db.param] * 9)
    cursor = db.cursor()
    for start in range(0, len(rows_out), 1000):
        cursor.executemany(
            'INSERT INTO "record_version" ("uuid", "created_at", "updated_at", "record_table", '
            f'"record_uuid", "clock", "deleted", "alias", "seq") VALUES ({marks})',
            rows_out[start:start + 1000])
    existing = db.execute_sql("SELECT COUNT(*) FROM setting WHERE key = "
                              f"{db.param}", ("replication.replica",)).fetchone()[0]
    if not existing:
        db.execute_sql(
            "INSERT INTO setting (uuid, created_at, updated_at, key, value) VALUES "
            f"({', '.join([db.param] * 5)})",
            (str(uuid.uuid4()), now, now, "replication.replica", json.dumps(replica)))
    db.execute_sql("DROP TABLE sync_state")
