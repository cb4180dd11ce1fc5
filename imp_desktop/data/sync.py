"""Records as plain JSON values, generically over every model in ``ALL_MODELS``.

Used by the hand-over packages and the audit trail. A record becomes a dict
of its fields without the local ``id``; a foreign key to another record's id
becomes that record's UUID (local ids mean nothing on another laptop), a
foreign key to a natural key (a region code) stays as it is. Tables added by
later migrations travel without any change here, as long as their models are
in ``ALL_MODELS``.
"""
from __future__ import annotations

import datetime as dt
import decimal
import io
import json
import operator

from peewee import (
    BooleanField,
    CharField,
    DateField,
    FloatField,
    ForeignKeyField,
    IntegerField,
    PostgresqlDatabase,
    SQL,
    TextField,
)
from peewee import __exception_wrapper__ as driver_errors  # the driver's errors as peewee's

from imp_desktop.data.models import ALL_MODELS, Officer, Setting, database

# Bookkeeping that belongs to one installation and never travels as records.
LOCAL_TABLES = {"officer", "setting", "audit_entry", "record_version", "handover"}
# Reference data matched by a natural key instead of the uuid: every
# installation creates the official regions itself, with its own uuids.
NATURAL_KEYS = {"region": "code"}
# Version numbers counted on each installation (indicator list and rule table
# versions): never an identity between installations and never merged. A
# version from a package is the same as a local one when their uuids are equal
# or their content is (the other fields plus the rows of CONTENT_CHILDREN that
# belong to it); otherwise it is added as a version of its own, with the next
# free number here when its number is taken.
LOCAL_NUMBERS = {"role_catalogue": "version", "classification_rule": "version",
                 "monthly_template": "version"}
# Rows that make up a record's content: table -> (child table, its field pointing at it).
CONTENT_CHILDREN = {"role_catalogue": ("role_indicator", "catalogue"),
                    "monthly_template": ("monthly_line", "template")}
# Tables whose changes are not written to the audit trail (the print log is a
# log itself, written once and never changed; stored files never change either:
# their name is their content's hash).
UNAUDITED_TABLES = LOCAL_TABLES | {"region", "print_log", "stored_file"}
# Fields that say when, not what: never compared or shown as changes.
META_FIELDS = ("id", "uuid", "created_at", "updated_at")
# Fields computed from others (a cadre's search text): never shown as a change
# of their own; in a merge they follow the record's other fields.
DERIVED_FIELDS = {"search_text"}


def table_of(model) -> str:
    return model._meta.table_name


def plain(value):
    """A JSON-safe value: dates as ISO text, decimals as text."""
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    return value


_DATA_FIELDS: dict = {}


def data_fields(model) -> list:
    """The fields that carry content (not id/uuid/timestamps)."""
    fields = _DATA_FIELDS.get(model)
    if fields is None:
        fields = _DATA_FIELDS[model] = [f for f in model._meta.sorted_fields
                                        if f.name not in META_FIELDS]
    return fields


def is_id_reference(field) -> bool:
    """A foreign key to another record's local id (translated to its uuid)."""
    return isinstance(field, ForeignKeyField) and field.rel_field is field.rel_model._meta.primary_key


def travelling_models() -> list:
    """Models that travel in packages, parents before children."""
    candidates = [m for m in ALL_MODELS if table_of(m) not in LOCAL_TABLES]
    ordered, placed = [], set()
    while candidates:
        progress = False
        for model in list(candidates):
            needs = {f.rel_model for f in model._meta.sorted_fields
                     if isinstance(f, ForeignKeyField) and f.rel_model is not model
                     and f.rel_model in candidates}
            if not needs - placed:
                ordered.append(model)
                placed.add(model)
                candidates.remove(model)
                progress = True
        if not progress:   # a cycle between tables: keep declaration order
            ordered += candidates
            break
    return ordered


_WHOLES: dict | None = None


def whole_parts() -> dict:
    """parent model -> [(part model, its field pointing at the parent)].

    A *whole* is a record with the records deleted with it (ON DELETE CASCADE):
    a checklist with its answers, an activity with its attendance and photos.
    Replication keeps or deletes a whole as one (see services.package)."""
    global _WHOLES
    if _WHOLES is None:
        _WHOLES = {}
        for model in travelling_models():
            for fld in data_fields(model):
                if is_id_reference(fld) and fld.rel_model is not model \
                        and (fld.on_delete or "").upper() == "CASCADE":
                    _WHOLES.setdefault(fld.rel_model, []).append((model, fld.name))
    return _WHOLES


class UuidMap:
    """Local id <-> uuid of every travelling table, loaded on first use."""

    def __init__(self):
        self._by_id: dict = {}
        self._by_uuid: dict = {}

    def _load(self, model):
        if model not in self._by_id:
            # Plain SQL: peewee's row objects cost more than the query at 100k rows.
            pairs = model._meta.database.execute_sql(
                f'SELECT "id", "uuid" FROM "{model._meta.table_name}"').fetchall()
            self._by_id[model] = dict(pairs)
            self._by_uuid[model] = {u: i for i, u in pairs}

    def by_uuid(self, model) -> dict:
        """The loaded uuid -> id map of ``model`` (read-only, kept up to date by ``add``)."""
        self._load(model)
        return self._by_uuid[model]

    def by_id(self, model) -> dict:
        """The loaded id -> uuid map of ``model`` (read-only; ``uuid_of`` for
        records created after loading)."""
        self._load(model)
        return self._by_id[model]

    def uuid_of(self, model, local_id):
        if local_id is None:
            return None
        self._load(model)
        found = self._by_id[model].get(local_id)
        if found is None:   # created after loading (e.g. during a merge)
            found = model.select(model.uuid).where(model.id == local_id).scalar()
            if found is not None:
                self.add(model, local_id, found)
        return found

    def id_of(self, model, record_uuid):
        if record_uuid is None:
            return None
        self._load(model)
        return self._by_uuid[model].get(record_uuid)

    def add(self, model, local_id, record_uuid) -> None:
        if model not in self._by_id:
            return      # not loaded: loading reads it (written in this transaction) then
        self._by_id[model][local_id] = record_uuid
        self._by_uuid[model][record_uuid] = local_id


_PLAIN_TYPES = (type(None), str, int, float, bool)


def record_dicts(model, uuids: UuidMap, where=None) -> list[dict]:
    """Every record of ``model`` (or those matching ``where``) as plain dicts."""
    fields = [f for f in model._meta.sorted_fields if f.name != "id"]
    query = model.select(*fields).order_by(model.id)
    if where is not None:
        query = query.where(where)
    names = [f.name for f in fields]
    references = [(i, f.rel_model, uuids.by_id(f.rel_model))
                  for i, f in enumerate(fields) if is_id_reference(f)]
    booleans = [i for i, f in enumerate(fields) if isinstance(f, BooleanField)]
    # Only these columns can come back as something else than JSON values
    # (a date on PostgreSQL, bytes); text, numbers and keys never do.
    others = [i for i, f in enumerate(fields)
              if not isinstance(f, (CharField, TextField, IntegerField, FloatField,
                                    BooleanField, ForeignKeyField))]
    result = []
    # Raw rows: peewee's per-value conversion costs more than the query here.
    cursor = model._meta.database.execute(query)
    for row in cursor:
        row = list(row)
        for i in booleans:
            if row[i] is not None:
                row[i] = bool(row[i])
        for i, target, known in references:
            value = row[i]
            if value is not None:
                found = known.get(value)
                row[i] = found if found is not None else uuids.uuid_of(target, value)
        for i in others:
            if type(row[i]) not in _PLAIN_TYPES:
                row[i] = plain(row[i])
        result.append(dict(zip(names, row)))
    return result


_SQL_JSON_TYPES = (CharField, TextField, IntegerField, FloatField, BooleanField, DateField,
                   ForeignKeyField)


def records_json(model) -> tuple[bytes, int] | None:
    """Every record of ``model`` as the JSON array ``record_dicts`` gives (the same
    values, each reference as the uuid it points at, in the same order), built
    by SQLite itself, and how many they are. A full package's 100,000 checklist
    answers take a third of the time they take through Python objects. None on
    PostgreSQL or for a model with a field of another kind: ``record_dicts``
    then."""
    db = model._meta.database
    if isinstance(getattr(db, "obj", db), PostgresqlDatabase):
        return None
    fields = [f for f in model._meta.sorted_fields if f.name != "id"]
    if not all(isinstance(f, _SQL_JSON_TYPES) for f in fields):
        return None
    table = model._meta.table_name
    pairs, joins = [], []
    for index, f in enumerate(fields):
        column = f't."{f.column_name}"'
        if is_id_reference(f):
            joins.append(f'LEFT JOIN "{f.rel_model._meta.table_name}" r{index} '
                         f'ON r{index}."id" = {column}')
            value = f'r{index}."uuid"'
        elif isinstance(f, BooleanField):
            value = (f"CASE WHEN {column} IS NULL THEN NULL WHEN {column} "
                     "THEN json('true') ELSE json('false') END")
        else:
            value = column
        pairs.append(f"'{f.name}', {value}")
    sql = (f'SELECT json_group_array(json_object({", ".join(pairs)}) ORDER BY t."id"), '
           f'COUNT(*) FROM "{table}" t ' + " ".join(joins))
    text, count = db.execute_sql(sql).fetchone()
    return text.encode("utf-8"), count


def record_dict(record, uuids: UuidMap | None = None) -> dict:
    """One model instance as a plain dict (same shape as ``record_dicts``)."""
    uuids = uuids or UuidMap()
    item = {}
    for field in record._meta.sorted_fields:
        if field.name == "id":
            continue
        value = record.__data__.get(field.name)
        if is_id_reference(field):
            value = uuids.uuid_of(field.rel_model, value)
        item[field.name] = plain(value)
    return item


# One encoder each: json.dumps() with options builds a new encoder per call.
_SORTED = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))
COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def dumps(value) -> str:
    return _SORTED.encode(value)


def installation_id() -> str:
    """This installation's own id (made once, kept in the settings)."""
    row = Setting.get_or_none(Setting.key == "installation_id")
    if row is not None:
        return json.loads(row.value)
    from imp_desktop.data.models import new_uuid

    value = new_uuid()
    with database.atomic():
        Setting.insert(key="installation_id", value=json.dumps(value)).execute()
    return value


def officer_name() -> str:
    name = Officer.select(Officer.name).order_by(Officer.id).limit(1).scalar()
    return name or ""


def bulk_insert(model, rows: list[dict]) -> None:
    """Insert many rows with one prepared statement.

    Peewee's ``insert_many`` builds its SQL value by value, which costs more
    than the insert itself at tens of thousands of rows. Every row must have
    the same keys (field names); values go through each field's ``db_value``.
    """
    if not rows:
        return
    names = list(rows[0])
    if len(names) > 1:
        data = list(map(operator.itemgetter(*names), rows))
    else:
        data = [(row[names[0]],) for row in rows]
    bulk_insert_values(model, names, data)


def bulk_insert_values(model, names: list[str], data: list[tuple]) -> None:
    """``bulk_insert`` of rows given as tuples of the values of ``names``."""
    if not data:
        return
    fields = [model._meta.fields[name] for name in names]
    db = model._meta.database
    columns = ", ".join(f'"{f.column_name}"' for f in fields)
    marks = ", ".join([db.param] * len(fields))
    sql = f'INSERT INTO "{model._meta.table_name}" ({columns}) VALUES ({marks})'
    convert = [(i, f) for i, f in enumerate(fields)
               if not isinstance(f, (CharField, TextField, IntegerField, FloatField,
                                     BooleanField, DateField, ForeignKeyField))]
    if convert:     # otherwise plain JSON values the driver takes as they are
        converted = []
        for row in data:
            values = list(row)
            for i, f in convert:
                values[i] = f.db_value(values[i])
            converted.append(tuple(values))
        data = converted
    cursor = db.cursor()
    real = getattr(db, "obj", db)
    with driver_errors:     # an IntegrityError becomes a sentence for the user
        if isinstance(real, PostgresqlDatabase):
            # COPY: psycopg2's executemany sends one statement per row, and
            # execute_values spent more time quoting values into SQL text than the
            # server spent inserting them (3.6 s of a 10,000-cadre district merge).
            copy = f'COPY "{model._meta.table_name}" ({columns}) FROM STDIN'
            for batch in chunks(data, 20_000):
                cursor.copy_expert(copy, io.StringIO(_copy_lines(batch)))
            return
        cursor.executemany(sql, data)


_SPECIAL = ("\\", "\t", "\n", "\r")


def _copy_lines(rows: list[tuple]) -> str:
    """Rows in PostgreSQL's COPY text format, built column by column: a column of
    plain text (uuids, times, names) or of whole numbers, the usual case, is
    taken as it is after one check of the whole column; only the others go
    value by value through ``_copy_text``."""
    columns = []
    for column in zip(*rows):
        kinds = set(map(type, column))
        if kinds == {str}:
            joined = "".join(column)
            if not any(ch in joined for ch in _SPECIAL):
                columns.append(column)
                continue
        elif kinds == {int}:
            columns.append(map(str, column))
            continue
        columns.append(map(_copy_text, column))
    return "\n".join(map("\t".join, zip(*columns))) + "\n"


def _copy_text(value) -> str:
    """One value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if value.__class__ is str:
        return value.replace("\\", "\\\\").replace("\t", "\\t").replace(
            "\n", "\\n").replace("\r", "\\r")
    if value is True:
        return "t"
    if value is False:
        return "f"
    return str(value)       # a number or a date: nothing to escape


# Items per ``IN (...)`` list: well under SQLite's limit of bound parameters.
CHUNK = 500


def chunks(items: list, size: int = CHUNK):
    """``items`` in slices of ``size``, for ``IN (...)`` lists and batches."""
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _on_postgres() -> bool:
    return isinstance(database.obj, PostgresqlDatabase)


def in_lists(items) -> list[list]:
    """``items`` (sorted) in slices, each for one statement (``one_of``): a few
    hundred values on SQLite, tens of thousands on PostgreSQL (one array each)."""
    size = 50_000 if _on_postgres() else CHUNK
    return list(chunks(sorted(items, key=str), size))


def one_of(column: str, chunk: list) -> tuple[str, list]:
    """SQL saying ``column`` is one of ``chunk`` (a slice from ``in_lists``), and its
    parameters: ``IN (?, …)`` on SQLite, ``= ANY(%s)`` with one array on PostgreSQL
    (no SQL text built or parsed per value)."""
    if _on_postgres():
        return f"{column} = ANY(%s)", [list(chunk)]
    return f"{column} IN ({', '.join('?' * len(chunk))})", list(chunk)


def record_dicts_in(model, uuids: UuidMap, field, values) -> list[dict]:
    """``record_dicts`` of the records whose ``field`` is one of ``values``."""
    rows = []
    for chunk in in_lists(values):
        rows += record_dicts(model, uuids, SQL(*one_of(f'"{field.column_name}"', chunk)))
    return rows


def ids_by_uuid(model, record_uuids: list[str]) -> dict[str, int]:
    """Local ids of the given uuids, read in chunks with plain SQL."""
    db = model._meta.database
    found: dict[str, int] = {}
    for chunk in in_lists(record_uuids):
        condition, params = one_of('"uuid"', chunk)
        cursor = db.execute_sql(
            f'SELECT "id", "uuid" FROM "{model._meta.table_name}" WHERE {condition}', params)
        found.update((record_uuid, record_id) for record_id, record_uuid in cursor.fetchall())
    return found
