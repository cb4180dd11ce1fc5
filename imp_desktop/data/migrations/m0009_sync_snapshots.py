"""Schema 9: the common versions of exchanged records kept as one snapshot per table.

Until now ``sync_state`` held one row per record ever exchanged; a district
hand-over of 10,000 cadres wrote over 100,000 of them on each side, which cost
more than the rest of the hand-over. Now each table has one row whose
``record_uuid`` is ``*`` and whose ``data`` is a JSON object
{record uuid: content as before}. The rows of earlier schemas are folded into
those snapshots here; nothing else changes.
"""
import datetime as dt
import json
import uuid

SNAPSHOT = "*"


def apply(db):
    tables: dict[str, dict[str, str]] = {}
    cursor = db.execute_sql("SELECT record_table, record_uuid, data FROM sync_state "
                            "ORDER BY id")
    for table, record_uuid, data in cursor.fetchall():
        if record_uuid == SNAPSHOT:
            tables.setdefault(table, {}).update(json.loads(data))
        else:
            tables.setdefault(table, {})[record_uuid] = data
    if not tables:
        return
    db.execute_sql("DELETE FROM sync_state")
    now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds")
    marks = ", ".join([db.param] * 6)
    for table, contents in sorted(tables.items()):
        db.execute_sql(
            "INSERT INTO sync_state (uuid, created_at, updated_at, record_table, record_uuid, "
            f"data) VALUES ({marks})",
            (str(uuid.uuid4()), now, now, table, SNAPSHOT,
             json.dumps(contents, ensure_ascii=False, separators=(",", ":"))))
