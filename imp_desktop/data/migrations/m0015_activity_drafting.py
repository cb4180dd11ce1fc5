"""Schema 15: what the narrative draft of an activity needs.

- ``activity.agenda_roles``: the Enam Peran Bakti chosen as the session's agenda
  (role codes separated by commas), from which "Acara dan materi" is drafted;
- ``activity.drafted``: per report section, the text as the program last drafted
  it (JSON). A section whose text still equals it was not touched by the officer
  and may be drafted again ("Susun ulang"); any other text is the officer's own
  and is never overwritten.

The common versions kept for hand-overs (``sync_state``) get the two fields with
their defaults, so the next "since the last package" export does not send every
activity again.
"""
import json

NEW_FIELDS = {"agenda_roles": "", "drafted": "{}"}
SNAPSHOT = "*"


def _with_new_fields(content: str) -> str:
    record = json.loads(content)
    for name, value in NEW_FIELDS.items():
        record.setdefault(name, value)
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def apply(db):
    db.execute_sql("ALTER TABLE activity ADD COLUMN agenda_roles TEXT NOT NULL DEFAULT ''")
    db.execute_sql("ALTER TABLE activity ADD COLUMN drafted TEXT NOT NULL DEFAULT '{}'")
    if "sync_state" not in db.get_tables():     # schema 12 keeps common versions otherwise
        return
    cursor = db.execute_sql("SELECT id, record_uuid, data FROM sync_state "
                            f"WHERE record_table = {db.param}", ("activity",))
    for row_id, record_uuid, data in cursor.fetchall():
        if record_uuid == SNAPSHOT:
            contents = {key: _with_new_fields(value) for key, value in json.loads(data).items()}
            data = json.dumps(contents, ensure_ascii=False, separators=(",", ":"))
        else:
            data = _with_new_fields(data)
        db.execute_sql(f"UPDATE sync_state SET data = {db.param} WHERE id = {db.param}",
                       (data, row_id))
