"""Versions of every travelling record: what a merge needs to tell "seen" from "concurrent".

Each installation's database is a *replica* with its own id (a Setting, made on
first need and made anew when a backup is restored: a restored copy has
forgotten edits it had already sent, so it must not reuse their numbers). Every
write of a record made here is stamped with a *dot*: (replica, counter), the
counter being this database's next change number. A record's version (its
*clock*, one ``record_version`` row) holds

* ``c``: its causal context, ``{replica: highest counter seen}`` for this record
  (every write of every replica it has incorporated, by counter), and single
  dots seen without the writes before them: ``{"replica@n": n}``, a deletion (a
  record kept or brought back against a tombstone has seen its deletions:
  ``with_deletions``), and ``{"replica#n": n}``, a write made here while the
  record lacked earlier writes of ours (``own_write``);
* ``d``: the dot of the write that set each field, ``"*"`` for the fields not
  written since the record was made.

A value of theirs replaces ours only when their context has seen our dot: the
edit that replaces ours was made by someone who had seen ours. Ours stays when
our context has seen theirs. Otherwise the two are concurrent, a conflict
unless the values are equal (see ``services.package``). A deleted record keeps
its row as a tombstone (``deleted``): the context it was deleted with and the
deletion's own dot. ``seq`` is the local change number of the row (bumped by
local writes and merges), so "since the last package" is ``seq > n``. A row
with ``alias`` set says that another installation's uuid is our record
``alias`` (matched by a NIK or by content).

Dots of schema-9 data that both sides already had in common (the snapshot kept
then) are ``("~", 0)`` (see migration 12): the same on every installation.

Clocks are stored and sent as canonical JSON text (sorted keys, no spaces), so
two installations holding the same version hold the same text.
"""
from __future__ import annotations

import base64
import json

from imp_desktop.data.models import (
    RecordVersion,
    Setting,
    database,
    new_uuid,
)
from imp_desktop.data.sync import (
    DERIVED_FIELDS,
    bulk_insert_values,
    in_lists,
    one_of,
    table_of,
)

REPLICA_KEY = "replication.replica"
LEGACY = "~"          # the replica name of versions both sides had in common at schema 9
ALL = "*"             # the dot of every field not written on its own
AT = "@"              # a context key "replica@n": the one deletion (replica, n) seen on its own
HASH = "#"            # a context key "replica#n": the one write (replica, n) seen on its own

_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"))


def dumps(clock: dict) -> str:
    return _ENCODER.encode(clock)


def loads(text: str) -> dict:
    return json.loads(text)


def new_replica_id() -> str:
    """A new replica's id: 16 characters of base32hex (RFC 4648) for 80 bits, the
    milliseconds and counter of a version-7 uuid (``new_uuid``) then 20 of its
    random bits. Every version names the replicas of its dots, so a merge stores
    and sends a replica id about twice per record: 16 characters instead of a
    uuid's 36 make each simple version 40 bytes shorter. Like the uuids, the ids
    sort in the order they were made (the alphabet runs in ASCII order), so ties
    between dots break the same way on every run (``dot_order``). Two
    installations would need the same millisecond and the same 29 random bits
    to draw the same id. An older database keeps its uuid."""
    value = int(new_uuid().replace("-", ""), 16)
    ms, counter, random_bits = value >> 80, (value >> 64) & 0xFFF, value & 0xFFFFF
    packed = (ms << 32) | (counter << 20) | random_bits
    return base64.b32hexencode(packed.to_bytes(10, "big")).decode("ascii").lower()


def replica_id() -> str:
    """This database's replica id (made on first need)."""
    row = Setting.select(Setting.value).where(Setting.key == REPLICA_KEY).scalar()
    if row is not None:
        return json.loads(row)
    value = new_replica_id()
    with database.atomic():
        Setting.insert(key=REPLICA_KEY, value=json.dumps(value)).execute()
    return value


def forget_replica_sqlite(path) -> None:
    """After a restore: the restored file gets a new replica id on first need."""
    from imp_desktop.data import cipher

    connection = cipher.connect_file(path)
    try:
        with connection:
            connection.execute("DELETE FROM setting WHERE key = ?", (REPLICA_KEY,))
    except cipher.Error:
        pass        # an old file without the table: nothing to forget
    finally:
        connection.close()


def next_counter() -> int:
    """The next change number of this database (above every one used)."""
    top = database.execute_sql('SELECT MAX("seq") FROM "record_version"').fetchone()[0]
    return (top or 0) + 1


def _key(replica: str, counter: int, mark: str = AT) -> str:
    """The context key of the one dot (replica, counter) seen on its own: a
    deletion (``AT``) or a write (``HASH``)."""
    return f"{replica}{mark}{counter}"


def seen(ctx: dict, dot) -> bool:
    return dot is not None and (ctx.get(dot[0], -1) >= dot[1] or _key(*dot) in ctx
                                or _key(dot[0], dot[1], HASH) in ctx)


def own_write(ctx: dict, replica: str, counter: int, deletion: bool = False) -> None:
    """Record in ``ctx`` a write (or, ``deletion``, a deletion) made here with
    ``counter``: the replica's counter, or, while the context holds a dot of ours
    seen on its own (a record brought back against our own deletion, whose
    values may lack earlier writes of ours), a dot seen on its own too, not a
    counter claiming all of them."""
    if any(k.startswith((replica + AT, replica + HASH)) for k in ctx):
        ctx[_key(replica, counter, AT if deletion else HASH)] = counter
    else:
        ctx[replica] = max(ctx.get(replica, counter), counter)


def seen_deletions(ctx: dict) -> list:
    """The deletions a context has seen on their own (``with_deletions``): what a
    deletion of the record made here confirms beside its own dot."""
    return [dot for dot in map(_isolated, [k for k in ctx if AT in k]) if dot is not None]


def deleted_here(ctx: dict, own, confirmed=()) -> dict:
    """The tombstone of a deletion made here with the dot ``own`` of a record whose
    context is ``ctx``: that context with the deletion, and the deletion's dot
    beside the deletions it confirms (``confirmed``, and those the record had been
    kept against: ``seen_deletions``), so a copy kept against it has seen them
    too and does not meet one of them again as a question where it is the only one."""
    ctx = dict(ctx)
    seen_before = seen_deletions(ctx)
    own_write(ctx, *own, deletion=True)
    return {"c": ctx, "d": deletion_dots([own, *confirmed, *seen_before])}


def deletion_dots(dots) -> dict:
    """The ``d`` of a tombstone naming several deletions: ``*``, ``*1``, ...,
    newest first."""
    ordered = sorted({tuple(dot) for dot in dots}, key=dot_order, reverse=True)
    return {(ALL if i == 0 else f"{ALL}{i}"): list(dot) for i, dot in enumerate(ordered)}


def _isolated(key: str):
    """(replica, counter) of a context key naming one dot, else None (also for a
    key of another shape that a damaged package may carry: no error)."""
    replica, at, counter = key.rpartition(AT if AT in key else HASH)
    return (replica, int(counter)) if at and counter.isascii() and counter.isdigit() else None


def with_deletions(ctx: dict, tomb: dict) -> dict:
    """The context of a record kept or brought back against a tombstone: its own,
    and each deletion's dot as a dot seen on its own. Not the tombstone's
    context: that holds edits the deleter had seen (another installation's new
    title), which the record's values do not have; claiming them would let its
    older values replace them at the next exchange."""
    out = dict(ctx)
    for dot in tomb["d"].values():
        out[_key(*dot)] = dot[1]
    return out


def seen_deletion(ctx: dict, tomb: dict) -> bool:
    """Whether ``ctx`` has seen every deletion a tombstone stands for (its dots:
    one, or several when installations deleted the record without seeing each
    other's deletion; see ``merged_tombstone``)."""
    dots = list(tomb["d"].values())
    return bool(dots) and all(seen(ctx, dot) for dot in dots)


def merged_tombstone(mine: dict, theirs: dict) -> dict:
    """Two tombstones of one record as one: the contexts joined, and every deletion
    that the other side had not seen kept with its own dot (``*``, ``*1``, ... newest
    first). Keeping only the newest would let a record that had seen one deletion
    pass for one that had seen both, and come back."""
    a = {tuple(dot) for dot in mine["d"].values()}
    b = {tuple(dot) for dot in theirs["d"].values()}
    kept = {dot for dot in a if dot in b or not seen(theirs["c"], dot)} | \
        {dot for dot in b if dot in a or not seen(mine["c"], dot)}
    return {"c": joined(mine["c"], theirs["c"]),
            "d": deletion_dots(kept or [max(a | b, key=dot_order)])}


def dot_of(clock: dict, name: str):
    dots = clock["d"]
    found = dots.get(name)
    return found if found is not None else dots.get(ALL)


def dot_order(dot) -> tuple:
    """A total order of dots (the deterministic winner of concurrent equal choices)."""
    return (dot[1], dot[0]) if dot is not None else (-1, "")


def joined(a: dict, b: dict) -> dict:
    """The pointwise maximum of two contexts (a write seen on its own goes once a
    replica's counter covers it; a deletion stays, for a deletion made here to
    name it: ``seen_deletions``)."""
    out = dict(a)
    for replica, counter in b.items():
        if out.get(replica, -1) < counter:
            out[replica] = counter
    for key in [k for k in out if HASH in k]:
        dot = _isolated(key)
        if dot is not None and out.get(dot[0], -1) >= dot[1]:
            del out[key]
    return out


def dominated(a: dict, b: dict) -> bool:
    """Context ``a`` has seen nothing that ``b`` has not."""
    for key, counter in a.items():
        if b.get(key, -1) >= counter:
            continue
        if (AT not in key and HASH not in key) or not seen(b, _isolated(key)):
            return False
    return True


def all_dots(clock: dict) -> list:
    return list(clock["d"].values())


def is_legacy(text: str) -> bool:
    return '"~"' in text


# --- reading --------------------------------------------------------------------------
class Row:
    __slots__ = ("id", "clock", "deleted", "alias", "seq")

    def __init__(self, row_id, clock, deleted, alias, seq):
        self.id, self.clock, self.deleted, self.alias, self.seq = \
            row_id, clock, bool(deleted), alias, seq


def rows_of(table: str, record_uuids=None) -> dict[str, Row]:
    """uuid -> Row for a table (all rows, or those of ``record_uuids``)."""
    sql = ('SELECT "record_uuid", "id", "clock", "deleted", "alias", "seq" FROM "record_version" '
           f'WHERE "record_table" = {database.param}')
    found = {}
    if record_uuids is None:
        for u, *rest in database.execute_sql(sql, (table,)).fetchall():
            found[u] = Row(*rest)
        return found
    for chunk in in_lists(record_uuids):
        condition, params = one_of('"record_uuid"', chunk)
        cursor = database.execute_sql(f"{sql} AND {condition}", (table, *params))
        for u, *rest in cursor.fetchall():
            found[u] = Row(*rest)
    return found


def clocks_json(table: str) -> bytes:
    """``{uuid: clock text}`` of every record of ``table`` that has a version, as
    the JSON object SQLite builds (a full package's ``versions.json``: the same
    as ``{u: rows_of(table)[u].clock for u in the table's uuids}``, without a
    Python object per record). SQLite only."""
    p = database.param
    return database.execute_sql(
        f'SELECT json_group_object(t."uuid", v."clock") FROM "{table}" t '
        f'JOIN "record_version" v ON v."record_table" = {p} AND v."record_uuid" = t."uuid"',
        (table,)).fetchone()[0].encode("utf-8")


def tombstones(table: str) -> dict[str, str]:
    """uuid -> clock text of the records of ``table`` deleted here or by a merge."""
    p = database.param
    return dict(database.execute_sql(
        f'SELECT "record_uuid", "clock" FROM "record_version" WHERE "record_table" = {p} '
        f'AND "deleted" = {p}', (table, True)).fetchall())


def has_tombstones(table: str) -> bool:
    """Whether any record of ``table`` was deleted here (or a deletion merged)."""
    p = database.param
    return database.execute_sql(
        f'SELECT 1 FROM "record_version" WHERE "record_table" = {p} AND "deleted" = {p} '
        'LIMIT 1', (table, True)).fetchone() is not None


# --- writing --------------------------------------------------------------------------
def row_ids(table: str, record_uuids: list[str]) -> dict[str, int]:
    """uuid -> id of the version rows of ``record_uuids`` (one read of the whole
    table when they are many and the table is not much bigger)."""
    p = database.param
    if len(record_uuids) > 2000 and database.execute_sql(
            f'SELECT COUNT(*) FROM "record_version" WHERE "record_table" = {p}',
            (table,)).fetchone()[0] <= 2 * len(record_uuids) + 1000:
        wanted = set(record_uuids)
        cursor = database.execute_sql(
            f'SELECT "record_uuid", "id" FROM "record_version" WHERE "record_table" = {p}',
            (table,))
        return {u: i for u, i in cursor.fetchall() if u in wanted}
    found = {}
    for chunk in in_lists(record_uuids):
        condition, params = one_of('"record_uuid"', chunk)
        cursor = database.execute_sql(
            f'SELECT "record_uuid", "id" FROM "record_version" WHERE "record_table" = {p} '
            f'AND {condition}', (table, *params))
        found.update(cursor.fetchall())
    return found


def put(table: str, items: list[tuple[str, str, bool]], existing: dict[str, Row] | None = None,
        seq: int | None = None, read: tuple[dict, set | None] | None = None) -> None:
    """Write versions: ``(uuid, clock text, deleted)`` each, with one new ``seq``.
    ``existing``: the rows of every one of them that has one; ``read``: rows read
    before (uuid -> Row) and the uuids that read asked for (None: the whole table),
    so only the others are looked up."""
    if not items:
        return
    if existing is not None:
        ids = {u: row.id for u, row in existing.items()}
    else:
        rows, asked = read if read is not None else ({}, set())
        ids = {u: row.id for u, row in rows.items()}
        if asked is not None:
            ids.update(row_ids(table, [u for u, _, _ in items
                                       if u not in ids and u not in asked]))
    seq = next_counter() if seq is None else seq
    updates, inserts = [], []
    for record_uuid, text, deleted in items:
        row_id = ids.get(record_uuid)
        if row_id is not None:
            updates.append((text, bool(deleted), seq, row_id))
        else:
            inserts.append((table, record_uuid, text, bool(deleted), None, seq))
    if updates:
        p = database.param
        database.cursor().executemany(
            f'UPDATE "record_version" SET "clock" = {p}, "deleted" = {p}, "alias" = NULL, '
            f'"seq" = {p} WHERE "id" = {p}', updates)
    if inserts:
        inserts.sort()      # in the order of the (table, uuid) index
        bulk_insert_values(RecordVersion, ["record_table", "record_uuid", "clock", "deleted",
                                           "alias", "seq"], inserts)


def put_alias(table: str, their_uuid: str, local_uuid: str) -> None:
    existing = rows_of(table, [their_uuid]).get(their_uuid)
    if existing is not None:
        if existing.alias == local_uuid:
            return
        RecordVersion.update(alias=local_uuid, clock=None, deleted=False).where(
            RecordVersion.id == existing.id).execute()
        return
    RecordVersion.insert(record_table=table, record_uuid=their_uuid, clock=None, deleted=False,
                         alias=local_uuid, seq=0).execute()


def stamp(table: str, changes: list[tuple[str, list[str] | None]]) -> None:
    """Stamp local writes: ``(uuid, changed field names)`` each, ``None`` for a
    record just made (every field). One new counter for the whole call."""
    if not changes or table in _UNVERSIONED:
        return
    replica = replica_id()
    counter = next_counter()
    existing = rows_of(table, [u for u, _ in changes])
    dot = [replica, counter]
    items = []
    for record_uuid, names in changes:
        row = existing.get(record_uuid)
        if names is None or row is None or row.clock is None or row.deleted:
            clock = {"c": {replica: counter}, "d": {ALL: dot}}
        else:
            clock = loads(row.clock)
            own_write(clock["c"], replica, counter)
            for name in names:
                clock["d"][name] = dot
        items.append((record_uuid, dumps(clock), False))
    put(table, items, existing, counter)


def tombstone(table: str, record_uuids: list[str]) -> None:
    """Record local deletions (``deleted_here``: the context each record had, and
    the deletion's dot beside the deletions the record had been kept against)."""
    if not record_uuids or table in _UNVERSIONED:
        return
    replica = replica_id()
    counter = next_counter()
    existing = rows_of(table, record_uuids)
    items = []
    for record_uuid in record_uuids:
        row = existing.get(record_uuid)
        ctx = loads(row.clock)["c"] if row is not None and row.clock else {}
        items.append((record_uuid, dumps(deleted_here(ctx, [replica, counter])), True))
    put(table, items, existing, counter)


def changed_names(record, before: dict | None, names: list[str]) -> list[str]:
    """The field names of a save's changes plus the derived fields that changed with them."""
    extra = [n for n in DERIVED_FIELDS if n in record._meta.fields and before is not None
             and before.get(n) != record.__data__.get(n)]
    return list(names) + extra


# Tables that never carry versions: local bookkeeping and reference data.
from imp_desktop.data.sync import LOCAL_TABLES, NATURAL_KEYS  # noqa: E402

_UNVERSIONED = LOCAL_TABLES | set(NATURAL_KEYS)


def versioned_models() -> list:
    from imp_desktop.data.sync import travelling_models

    return [m for m in travelling_models() if table_of(m) not in _UNVERSIONED]


# PostgreSQL: the highest id of each table already checked by ``stamp_unversioned``
# (a local setting: {table: id}).
STAMPED_KEY = "replication.stamped_through"


def stamp_unversioned() -> int:
    """Stamp every record that has no version yet as made here (demo data written
    in bulk, a record written around the audit trail). Returns how many.

    On PostgreSQL (a district database of millions of rows, checked before every
    merge) only the rows above the last check's highest id are looked at. That
    highest id is read under a brief SHARE lock of the table, which waits for
    every transaction still writing it: every row at or below it is then
    committed and seen, and a later row gets a higher id from the sequence."""
    from peewee import PostgresqlDatabase

    marks = None
    if isinstance(database.obj, PostgresqlDatabase) and not database.in_transaction():
        marks = _stamped_through()
    checked = {}
    total = 0
    for model in versioned_models():
        table = table_of(model)
        if marks is None:
            missing = _unversioned(table)
        else:
            with database.atomic():
                database.execute_sql(f'LOCK TABLE "{table}" IN SHARE MODE')
                top = database.execute_sql(f'SELECT MAX("id") FROM "{table}"').fetchone()[0]
            checked[table] = top or 0
            missing = _unversioned(table, marks.get(table, 0), checked[table])
        if missing:
            with database.atomic():
                stamp(table, [(u, None) for u in missing])
            total += len(missing)
    if marks is not None and checked != marks:
        _save_stamped(checked)
    return total


def settle_stamped(inserted: dict[str, list[int]]) -> None:
    """At the end of a merge on PostgreSQL, in its transaction: move each table's
    mark past the rows the merge inserted (``inserted``: table -> their ids; they
    have versions), so the next plan does not read them again. Any other row
    since the last mark is checked (and stamped) first, under a SHARE lock taken
    only if no one else is writing the table (NOWAIT): a table being written
    keeps its mark, and the next ``stamp_unversioned`` reads it as before."""
    from peewee import OperationalError, PostgresqlDatabase

    if not isinstance(database.obj, PostgresqlDatabase) or not inserted:
        return
    marks = _stamped_through()
    moved = dict(marks)
    p = database.param
    for table, ids in inserted.items():
        mark = marks.get(table)
        if mark is None or not ids or min(ids) <= mark:
            continue
        try:
            with database.atomic():     # a savepoint: a refused lock is let go with it
                database.execute_sql(f'LOCK TABLE "{table}" IN SHARE MODE NOWAIT')
        except OperationalError:
            continue
        top = database.execute_sql(f'SELECT MAX("id") FROM "{table}"').fetchone()[0]
        low, high = min(ids), max(ids)
        between = database.execute_sql(
            f'SELECT COUNT(*) FROM "{table}" WHERE "id" >= {p} AND "id" <= {p}',
            (low, high)).fetchone()[0]
        ranges = [(mark, low - 1), (high, top)] if between == len(set(ids)) else [(mark, top)]
        missing = [u for after, upto in ranges if upto > after
                   for u in _unversioned(table, after, upto)]
        if missing:
            stamp(table, [(u, None) for u in missing])
        moved[table] = top
    if moved != marks:
        _save_stamped(moved)


def _unversioned(table: str, after: int | None = None, upto: int | None = None) -> list[str]:
    """The uuids of ``table``'s records without a version row (those with an id in
    ``(after, upto]`` when given)."""
    p = database.param
    sql = (f'SELECT t."uuid" FROM "{table}" t WHERE NOT EXISTS (SELECT 1 FROM '
           f'"record_version" v WHERE v."record_table" = {p} AND v."record_uuid" = t."uuid")')
    params: tuple = (table,)
    if after is not None:
        sql += f' AND t."id" > {p} AND t."id" <= {p}'
        params = (table, after, upto)
    return [u for (u,) in database.execute_sql(sql, params).fetchall()]


def _save_stamped(marks: dict) -> None:
    """Write the marks (PostgreSQL only; two sessions may write them at once: any
    mark once taken stays true, so the later write is as good as the other)."""
    value = dumps(marks)
    Setting.insert(key=STAMPED_KEY, value=value).on_conflict(
        conflict_target=[Setting.key], update={Setting.value: value}).execute()


def _stamped_through() -> dict:
    text = Setting.select(Setting.value).where(Setting.key == STAMPED_KEY).scalar()
    try:
        marks = json.loads(text) if text else {}
    except ValueError:
        return {}
    if not isinstance(marks, dict):
        return {}
    return {table: mark for table, mark in marks.items() if type(mark) is int}


def high_water() -> int:
    return next_counter() - 1
