"""The audit trail: every save of a record writes who changed which field,
when, from what to what.

Registered as a save hook of ``BaseModel`` when this module is imported (the
database module imports it), so every table of ``ALL_MODELS`` is covered
without each service doing anything. Bulk inserts and ``Model.update()``
queries bypass ``save()`` and are not recorded; merges write their own
entries. "Who" is the officer profile of this installation.
"""
from __future__ import annotations

from imp_desktop.data import models
from imp_desktop.data.models import AuditEntry, utc_now
from imp_desktop.data.sync import (
    DERIVED_FIELDS,
    META_FIELDS,
    UNAUDITED_TABLES,
    UuidMap,
    bulk_insert,
    dumps,
    installation_id,
    is_id_reference,
    officer_name,
    plain,
    table_of,
)


def _value(field, raw, uuids: UuidMap):
    if is_id_reference(field):
        return uuids.uuid_of(field.rel_model, raw)
    return plain(raw)


def changes_between(record, before: dict | None) -> list[tuple[str, object, object]]:
    """(field, old, new) for every content field whose value differs."""
    uuids = UuidMap()
    result = []
    for field in record._meta.sorted_fields:
        if field.name in META_FIELDS or field.name in DERIVED_FIELDS:
            continue
        new = _value(field, record.__data__.get(field.name), uuids)
        old = _value(field, (before or {}).get(field.name), uuids) if before else None
        if before is None:
            if new not in (None, ""):
                result.append((field.name, None, new))
        elif _normal(old, field) != _normal(new, field):
            result.append((field.name, old, new))
    return result


def _normal(value, field):
    """Values compared as the database would store them (a date or its text)."""
    if value is None:
        return None
    try:
        return plain(field.python_value(field.db_value(value)))
    except (TypeError, ValueError):
        return value


def write_entries(table: str, record_uuid: str, action: str,
                  changes: list[tuple[str, object, object]], officer: str | None = None) -> None:
    changes = [c for c in changes if c[0] not in DERIVED_FIELDS]
    if not changes and action != "delete":
        return
    who = officer_name() if officer is None else officer
    where = installation_id()
    now = utc_now()
    rows = [{"uuid": models.new_uuid(), "created_at": now, "updated_at": now,
             "record_table": table, "record_uuid": record_uuid, "action": action,
             "field": name, "old_value": None if old is None else dumps(old),
             "new_value": None if new is None else dumps(new),
             "officer": who, "installation": where, "at": now}
            for name, old, new in (changes or [(None, None, None)])]
    bulk_insert(AuditEntry, rows)


def _after_save(record, created: bool, before: dict | None) -> None:
    table = table_of(type(record))
    if table in UNAUDITED_TABLES:
        return
    if not created and before is None:
        return   # saved without a change
    changes = changes_between(record, None if created else before)
    write_entries(table, record.uuid, "create" if created else "update", changes)


if _after_save not in models.save_hooks:
    models.save_hooks.append(_after_save)
