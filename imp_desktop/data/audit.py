"""The audit trail: every change of a record writes who changed which field,
when, from what to what.

Registered as a save hook of ``BaseModel`` when this module is imported (the
database module imports it), so every ``save()`` of a table in ``ALL_MODELS``
is covered without each service doing anything. Writes that do not go through
``save()`` use the functions below instead of bare peewee queries:

* ``audited_update(model, values, where)`` instead of ``model.update(...)``;
* ``audited_delete(model, where)`` instead of ``model.delete()``;
* ``audited_insert(model, rows)`` instead of a bulk insert.

Each reads the affected rows in one query, writes, bumps ``updated_at`` and
writes the entries in one bulk insert. Merges of hand-over packages write
their own ("merge") entries. "Who" is the officer profile of this installation.
"""
from __future__ import annotations

from peewee import (
    BooleanField,
    CharField,
    FloatField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

from imp_desktop.data import models, versions
from imp_desktop.data.models import AuditEntry, database, utc_now
from imp_desktop.data.sync import (
    DERIVED_FIELDS,
    META_FIELDS,
    UNAUDITED_TABLES,
    bulk_insert,
    chunks,
    dumps,
    installation_id,
    is_id_reference,
    officer_name,
    plain,
    table_of,
)

Change = tuple[str, object, object]   # (field name, old, new)


def _uuid_lookup(wanted: dict) -> dict:
    """{(model, local id): uuid} for the given {model: {ids}}: one query per
    referenced table (per 500 ids), only the rows asked for."""
    found = {}
    for model, ids in wanted.items():
        ids = sorted(i for i in ids if i is not None)
        for chunk in chunks(ids):
            query = model.select(model.id, model.uuid).where(model.id.in_(chunk)).tuples()
            found.update(((model, i), u) for i, u in query)
    return found


def _id_of(value):
    """A foreign key value as the local id (a model instance gives its id)."""
    return value.id if isinstance(value, Model) else value


class _References:
    """Collects the foreign-key ids a batch of changes mentions, then turns
    them into uuids with ``_uuid_lookup`` (instead of loading whole tables)."""

    def __init__(self):
        self.wanted: dict = {}
        self.found: dict = {}

    def want(self, field, raw) -> None:
        if raw is not None and is_id_reference(field):
            self.wanted.setdefault(field.rel_model, set()).add(_id_of(raw))

    def resolve(self) -> None:
        self.found = _uuid_lookup(self.wanted)

    def value(self, field, raw):
        if is_id_reference(field):
            return None if raw is None else self.found.get((field.rel_model, _id_of(raw)))
        return plain(raw)


def _content_fields(model) -> list:
    return [f for f in model._meta.sorted_fields
            if f.name not in META_FIELDS and f.name not in DERIVED_FIELDS]


def changes_between(record, before: dict | None) -> list[Change]:
    """(field, old, new) for every content field whose value differs."""
    fields = _content_fields(type(record))
    refs = _References()
    pairs = []
    for field in fields:
        new = record.__data__.get(field.name)
        old = (before or {}).get(field.name)
        if before is None:
            if new in (None, ""):
                continue
        elif stored_form(old, field) == stored_form(new, field):
            continue
        refs.want(field, new)
        refs.want(field, old)
        pairs.append((field, old, new))
    refs.resolve()
    return [(field.name, None if before is None else refs.value(field, old),
             refs.value(field, new)) for field, old, new in pairs]


# Field classes (exactly these) whose values of this type are stored as they are.
_STORED_AS_IS = {CharField: str, TextField: str, IntegerField: int, FloatField: float,
                 BooleanField: bool, ForeignKeyField: str}


def stored_form(value, field):
    """Values compared as the database would store them (a date or its text);
    the audit trail and the merge planner compare alike."""
    if value is None:
        return None
    if _STORED_AS_IS.get(field.__class__) is value.__class__:
        return value    # the common case, half a million times in a district merge
    try:
        return plain(field.python_value(field.db_value(value)))
    except (TypeError, ValueError):
        return value


def _entry_rows(table: str, items: list[tuple[str, str, list[Change]]],
                officer: str | None) -> list[dict]:
    who = officer_name() if officer is None else officer
    where = installation_id()
    now = utc_now()
    rows = []
    for record_uuid, action, changes in items:
        changes = [c for c in changes if c[0] not in DERIVED_FIELDS]
        if not changes and action != "delete":
            continue
        rows += [{"uuid": models.new_uuid(), "created_at": now, "updated_at": now,
                  "record_table": table, "record_uuid": record_uuid, "action": action,
                  "field": name, "old_value": None if old is None else dumps(old),
                  "new_value": None if new is None else dumps(new),
                  "officer": who, "installation": where, "at": now}
                 for name, old, new in (changes or [(None, None, None)])]
    return rows


def write_entries(table: str, record_uuid: str, action: str,
                  changes: list[Change], officer: str | None = None) -> None:
    """The entries of one record's change (a "delete" has one without a field)."""
    bulk_insert(AuditEntry, _entry_rows(table, [(record_uuid, action, changes)], officer))


def write_many(table: str, items: list[tuple[str, str, list[Change]]],
               officer: str | None = None) -> None:
    """Entries of many records, ``(uuid, action, changes)`` each, in one insert."""
    bulk_insert(AuditEntry, _entry_rows(table, items, officer))


def _audited(model) -> bool:
    return table_of(model) not in UNAUDITED_TABLES


def _as_fields(model, values: dict) -> dict:
    """{field: value} from a dict keyed by fields or field names."""
    result = {}
    for key, value in values.items():
        field = model._meta.fields[key] if isinstance(key, str) else key
        if field.name in META_FIELDS:
            raise ValueError(f"{field.name} is kept by the audit trail itself")
        result[field] = _id_of(value)
    return result


def audited_update(model, values: dict, where) -> int:
    """``model.update(values).where(where)`` with the audit trail: only the rows
    whose values really change are written (their ``updated_at`` bumped), each
    change recorded as an "update" entry. ``values`` holds plain values (no
    expressions such as ``field + 1``). Returns the number of rows changed."""
    values = _as_fields(model, values)
    fields = list(values)
    with database.atomic():
        rows = list(model.select(model.id, model.uuid, *fields).where(where).tuples())
        refs = _References()
        changed = []
        for record_id, record_uuid, *old_values in rows:
            diffs = [(field, old, values[field]) for field, old in zip(fields, old_values)
                     if stored_form(old, field) != stored_form(values[field], field)]
            if diffs:
                changed.append((record_id, record_uuid, diffs))
                for field, old, new in diffs:
                    refs.want(field, old)
                    refs.want(field, new)
        if not changed:
            return 0
        now = utc_now()
        for chunk in chunks([record_id for record_id, _, _ in changed]):
            model.update({**values, model.updated_at: now}).where(
                model.id.in_(chunk)).execute()
        versions.stamp(table_of(model), [(record_uuid, [f.name for f, _, _ in diffs])
                                         for _, record_uuid, diffs in changed])
        if _audited(model):
            refs.resolve()
            write_many(table_of(model), [
                (record_uuid, "update",
                 [(f.name, refs.value(f, old), refs.value(f, new)) for f, old, new in diffs])
                for _, record_uuid, diffs in changed])
    return len(changed)


def audited_delete(model, where) -> int:
    """``model.delete().where(where)`` with a "delete" entry per record removed.
    Returns the number of rows deleted."""
    with database.atomic():
        rows = list(model.select(model.id, model.uuid).where(where).tuples())
        if not rows:
            return 0
        for chunk in chunks([record_id for record_id, _ in rows]):
            model.delete().where(model.id.in_(chunk)).execute()
        versions.tombstone(table_of(model), [record_uuid for _, record_uuid in rows])
        if _audited(model):
            write_many(table_of(model), [(record_uuid, "delete", []) for _, record_uuid in rows])
    return len(rows)


def audited_insert(model, rows: list[dict], source: str | None = None) -> None:
    """Insert many new records (dicts keyed by field name, each with its own
    ``uuid``; timestamps are filled in) in one prepared statement, with "create"
    entries: one per field set, as ``save()`` writes them, or, when ``source``
    names where the records came from (an imported file), one per record
    saying so (the values themselves are the record's own)."""
    if not rows:
        return
    now = utc_now()
    rows = [{**row, "created_at": now, "updated_at": now} for row in rows]
    with database.atomic():
        bulk_insert(model, rows)
        versions.stamp(table_of(model), [(row["uuid"], None) for row in rows])
        if not _audited(model):
            return
        if source is not None:
            write_many(table_of(model), [(row["uuid"], "create", [("imported_from", None, source)])
                                         for row in rows])
            return
        fields = [f for f in _content_fields(model) if f.name in rows[0]]
        refs = _References()
        for row in rows:
            for field in fields:
                refs.want(field, row[field.name])
        refs.resolve()
        write_many(table_of(model), [
            (row["uuid"], "create", [(f.name, None, refs.value(f, row[f.name])) for f in fields
                                     if row[f.name] not in (None, "")])
            for row in rows])


def _after_save(record, created: bool, before: dict | None) -> None:
    table = table_of(type(record))
    if table in UNAUDITED_TABLES:
        return
    if not created and before is None:
        return   # saved without a change
    changes = changes_between(record, None if created else before)
    names = None if created else versions.changed_names(record, before, [c[0] for c in changes])
    if created or names:
        versions.stamp(table, [(record.uuid, names)])
    write_entries(table, record.uuid, "create" if created else "update", changes)


if _after_save not in models.save_hooks:
    models.save_hooks.append(_after_save)
