"""Schema 8: the evidence of a checklist answer is a real link to its activity;
the indicator list and rule versions in use are remembered.

``assessment_answer.evidence_activity_id`` was a plain integer (the activity
table arrived after the checklists), so a hand-over package carried it as a
local id that means nothing, or the wrong activity, on another laptop. It
becomes a foreign key to ``activity`` (ON DELETE SET NULL), which packages
carry as the activity's uuid. Before the constraint is added:

- an id that points at no activity any more becomes NULL;
- an id that arrived in a package from another installation is the other
  laptop's local id (it points at an unrelated activity here, or at none)
  and becomes NULL as well. The audit trail tells: the latest entry for the
  field was written elsewhere or by a merge. An id with no entry (made before
  the audit trail existed) was made here and is kept;
- the common versions kept for merging (``sync_state``) get the new field
  name with the activity's uuid, so the next "since the last package" export
  does not send every answer again.

SQLite cannot add a constraint to a table, so there the table is rebuilt:
every row is copied with its id, uuid and times, and its indexes are created
again with their own definitions. PostgreSQL adds the constraint in place.

New checklists used the highest catalogue and rule version. Packages can now
bring versions made on other installations (numbered after ours), so the
version in use becomes a local setting (``role.catalogue_in_use`` and
``role.rule_in_use``, a uuid): here, the highest version at the upgrade.
"""
import datetime as dt
import json
import uuid

from peewee import (
    AutoField,
    BooleanField,
    CharField,
    ForeignKeyField,
    Model,
    SqliteDatabase,
    TextField,
)

TABLE = "assessment_answer"
COLUMNS = ("id", "uuid", "created_at", "updated_at", "assessment_id", "indicator_id", "met",
           "note", "evidence_activity_id", "evidence_photo")


def _frozen(db, name):
    class Base(Model):
        id = AutoField()
        uuid = CharField(max_length=36, unique=True)
        created_at = CharField()
        updated_at = CharField()

        class Meta:
            database = db
            legacy_table_names = False

    class Activity(Base):   # only what the foreign keys need
        class Meta:
            table_name = "activity"

    class Assessment(Base):
        class Meta:
            table_name = "assessment"

    class RoleIndicator(Base):
        class Meta:
            table_name = "role_indicator"

    class AssessmentAnswer(Base):
        assessment = ForeignKeyField(Assessment, on_delete="CASCADE")
        indicator = ForeignKeyField(RoleIndicator, on_delete="RESTRICT")
        met = BooleanField(default=False)
        note = TextField(null=True)
        evidence_activity = ForeignKeyField(Activity, null=True, on_delete="SET NULL",
                                            column_name="evidence_activity_id")
        evidence_photo = CharField(null=True)

        class Meta:
            table_name = name

    return AssessmentAnswer


def _rows(db, sql, params=()):
    return db.execute_sql(sql.replace("?", db.param), params).fetchall()


def _foreign_values(db) -> set[int]:
    """Answers whose evidence id was last set by another installation or a merge."""
    linked = dict(_rows(db, f"SELECT uuid, id FROM {TABLE} WHERE evidence_activity_id IS NOT NULL"))
    if not linked:
        return set()
    here = _rows(db, "SELECT value FROM setting WHERE key = ?", ("installation_id",))
    here = json.loads(here[0][0]) if here else None
    latest: dict[str, tuple] = {}
    uuids = list(linked)
    for start in range(0, len(uuids), 500):
        chunk = uuids[start:start + 500]
        marks = ", ".join(["?"] * len(chunk))
        for record_uuid, at, entry_id, action, installation in _rows(
                db, "SELECT record_uuid, at, id, action, installation FROM audit_entry "
                    f"WHERE record_table = ? AND field = ? AND record_uuid IN ({marks})",
                [TABLE, "evidence_activity_id", *chunk]):
            if record_uuid not in latest or (at, entry_id) > latest[record_uuid][:2]:
                latest[record_uuid] = (at, entry_id, action, installation)
    return {linked[record_uuid] for record_uuid, (_, _, action, installation) in latest.items()
            if action == "merge" or installation != here}


def _rewrite_bases(db) -> None:
    """Common versions of answers: ``evidence_activity`` as the activity's uuid."""
    current = dict(_rows(db, f"SELECT a.uuid, v.uuid FROM {TABLE} a "
                             "JOIN activity v ON v.id = a.evidence_activity_id"))
    changed = []
    for state_id, data in _rows(db, "SELECT id, data FROM sync_state WHERE record_table = ?",
                                (TABLE,)):
        row = json.loads(data)
        if "evidence_activity_id" not in row:
            continue
        # Keys keep their place: the text is compared with the record's as exported.
        row = {("evidence_activity" if key == "evidence_activity_id" else key):
               (current.get(row.get("uuid")) if key == "evidence_activity_id" and value is not None
                else value)
               for key, value in row.items()}
        changed.append((json.dumps(row, ensure_ascii=False, separators=(",", ":")), state_id))
    if changed:
        sql = "UPDATE sync_state SET data = ? WHERE id = ?".replace("?", db.param)
        db.cursor().executemany(sql, changed)


def _remember_versions_in_use(db) -> None:
    now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds")
    for key, table in (("role.catalogue_in_use", "role_catalogue"),
                       ("role.rule_in_use", "classification_rule")):
        if _rows(db, "SELECT id FROM setting WHERE key = ?", (key,)):
            continue
        highest = _rows(db, f"SELECT uuid FROM {table} ORDER BY version DESC LIMIT 1")
        if highest:
            db.execute_sql("INSERT INTO setting (uuid, created_at, updated_at, key, value) "
                           f"VALUES ({', '.join([db.param] * 5)})",
                           (str(uuid.uuid4()), now, now, key, json.dumps(highest[0][0])))


def apply(db):
    _remember_versions_in_use(db)
    # Ids of activities deleted since: nothing to point at.
    db.execute_sql(f"UPDATE {TABLE} SET evidence_activity_id = NULL "
                   "WHERE evidence_activity_id IS NOT NULL "
                   "AND evidence_activity_id NOT IN (SELECT id FROM activity)")
    foreign = sorted(_foreign_values(db))
    for start in range(0, len(foreign), 500):
        chunk = foreign[start:start + 500]
        marks = ", ".join([db.param] * len(chunk))
        db.execute_sql(f"UPDATE {TABLE} SET evidence_activity_id = NULL WHERE id IN ({marks})",
                       chunk)
    _rewrite_bases(db)
    if not isinstance(db, SqliteDatabase):
        db.execute_sql(f"ALTER TABLE {TABLE} ADD CONSTRAINT {TABLE}_evidence_activity_id_fkey "
                       "FOREIGN KEY (evidence_activity_id) REFERENCES activity (id) "
                       "ON DELETE SET NULL")
        return
    # SQLite: the documented rebuild (new table, copy, drop, rename, indexes).
    indexes = [sql for (sql,) in _rows(
        db, "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
            "AND sql IS NOT NULL ORDER BY name", (TABLE,))]
    new_table = f"{TABLE}_new"
    _frozen(db, new_table)._schema.create_table(safe=False)
    columns = ", ".join(f'"{name}"' for name in COLUMNS)
    db.execute_sql(f'INSERT INTO "{new_table}" ({columns}) SELECT {columns} FROM "{TABLE}"')
    db.execute_sql(f'DROP TABLE "{TABLE}"')
    db.execute_sql(f'ALTER TABLE "{new_table}" RENAME TO "{TABLE}"')
    for sql in indexes:
        db.execute_sql(sql)
