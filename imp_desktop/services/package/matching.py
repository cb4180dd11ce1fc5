"""Terima data, matching: the local record each record of a package is (by uuid,
by an earlier match, by a unique value or, for a version, by its content), and their
references translated to the records they were matched to. Reads only."""
from __future__ import annotations

from imp_desktop.data import versions
from imp_desktop.data.audit import stored_form
from imp_desktop.data.models import RecordVersion
from imp_desktop.data.sync import (
    CONTENT_CHILDREN,
    LOCAL_NUMBERS,
    NATURAL_KEYS,
    UuidMap,
    data_fields,
    ids_by_uuid,
    is_id_reference,
    record_dicts,
    record_dicts_in,
    table_of,
    travelling_models,
)
from imp_desktop.services.package.reading import Package


def unique_keys(model) -> list[tuple[str, ...]]:
    """Field-name tuples that must be unique (besides id and uuid)."""
    keys = [(f.name,) for f in data_fields(model) if f.unique]
    for index in model._meta.indexes or ():
        if isinstance(index, (tuple, list)) and len(index) == 2 and index[1]:
            keys.append(tuple(index[0]))
    return keys


class Contents:
    """Content signatures of the versions of a LOCAL_NUMBERS table (see sync)."""

    def __init__(self, model, package: Package | None, uuids: UuidMap, mine_rows: dict):
        self.model, self.package = model, package
        self.number = LOCAL_NUMBERS[table_of(model)]
        self.fields = [f for f in data_fields(model) if f.name != self.number]
        child_table, self.link = CONTENT_CHILDREN.get(table_of(model), (None, None))
        self.child = next((m for m in travelling_models() if table_of(m) == child_table), None)
        self.child_fields = [f for f in data_fields(self.child) if f.name != self.link] \
            if self.child else []
        mine_children: dict = {}
        if self.child:
            for row in record_dicts(self.child, uuids):
                mine_children.setdefault(row[self.link], []).append(row)
        self.mine = {}
        for row in mine_rows.values():
            signature = self._signature(row, mine_children.get(row["uuid"], []))
            if signature is not None:
                self.mine.setdefault(signature, row)

    def _signature(self, row: dict, children: list[dict]):
        own = tuple(stored_form(row.get(f.name), f) for f in self.fields)
        if self.child is None:
            return own
        if not children:
            return None      # its content did not come with it: no match by content
        return own, tuple(sorted(repr(tuple(stored_form(c.get(f.name), f)
                                            for f in self.child_fields)) for c in children))

    def match(self, theirs: dict) -> dict | None:
        """The local version with the same content as ``theirs``, if there is one."""
        children = []
        if self.child is not None:
            in_package = self.package.tables if self.package is not None else {}
            children = [r for r in in_package.get(table_of(self.child)) or ()
                        if r.get(self.link) == theirs["uuid"]]
        signature = self._signature(theirs, children)
        return None if signature is None else self.mine.get(signature)


# A table read in part (candidates only) when it holds more than twice the
# package's records of it plus this many.
PARTIAL_ABOVE = 1000


class LocalRecords:
    """The local records of one table, to find the one a record of theirs is.

    All of them when the table holds few more records than the package brings;
    otherwise (a district database receiving one kecamatan's package) only the
    candidates: those with the uuids of theirs (or matched to them before) and
    those sharing a value of a unique key with one of theirs, so a merge costs
    what the package holds, not what the database holds."""

    def __init__(self, model, package: Package | None, uuids: UuidMap,
                 theirs: list[dict] | None = None, aliases: dict | None = None):
        self.model, self.uuids = model, uuids
        self.asked, self.versions = set(), {}   # uuids whose versions were read, and those
        table = table_of(model)
        self.natural = NATURAL_KEYS.get(table)
        self.number = LOCAL_NUMBERS.get(table)
        self.partial = theirs is not None and not self.natural and not self.number and \
            holds_more_than(model, 2 * len(theirs) + PARTIAL_ABOVE)
        if self.partial:
            self.rows = self._candidates(theirs, aliases or {})
        else:
            self.rows = {row["uuid"]: row for row in record_dicts(model, uuids)}
        self.by_natural = ({row[self.natural]: row for row in self.rows.values()}
                           if self.natural else {})
        self.unique = {key: {tuple(r.get(k) for k in key): r for r in self.rows.values()
                             if all(r.get(k) is not None for k in key)}
                       for key in unique_keys(model) if self.number not in key}
        self.contents = (Contents(model, package, uuids, self.rows)
                         if self.number else None)
        self.matchable = any(self.unique.values()) or self.contents is not None

    def _candidates(self, theirs: list[dict], aliases: dict) -> dict[str, dict]:
        model, uuids = self.model, self.uuids
        wanted = {row["uuid"] for row in theirs}
        wanted.update(uuids.uuid_of(model, local_id)
                      for (target, _), local_id in aliases.items() if target is model)
        # Every local record has a version (``plan_merge`` stamps those written around
        # the trail first), so only uuids with one can be records here: a new
        # kecamatan's package is looked up in record_version alone.
        self.asked, self.versions = wanted, versions.rows_of(table_of(model), wanted)
        found = {row["uuid"]: row for row in record_dicts_in(model, uuids, model.uuid,
                                                                 set(self.versions))}
        for key in unique_keys(model):
            name = key[0]
            fld = model._meta.fields[name]
            values = {translate_alias(model, name, row.get(name), aliases, uuids)
                      for row in theirs}
            values.discard(None)
            if is_id_reference(fld):      # their uuids of the records pointed at: our ids
                values = set(ids_by_uuid(fld.rel_model, sorted(values)).values())
            for row in record_dicts_in(model, uuids, fld, values):
                found.setdefault(row["uuid"], row)
        return found

    def find(self, theirs: dict, aliases: dict) -> dict | None:
        """A local record with another uuid that is the same record: its unique
        field (a NIK) or, for a version, its content (see sync.LOCAL_NUMBERS)."""
        if not self.matchable:
            return None     # nothing here to match (a fresh installation)
        for key, index in self.unique.items():
            if not index:
                continue    # nothing here to match (a fresh installation)
            values = tuple(translate_alias(self.model, k, theirs.get(k), aliases, self.uuids)
                           for k in key)
            if None not in values and values in index:
                return index[values]
        return self.contents.match(theirs) if self.contents is not None else None


def holds_more_than(model, limit: int) -> bool:
    """Whether ``model``'s table holds more than ``limit`` records (reads at most
    that many: a whole count of a district's millions of answers costs more)."""
    if limit < 0:
        return True
    return model._meta.database.execute_sql(
        f'SELECT COUNT(*) FROM (SELECT 1 FROM "{table_of(model)}" LIMIT {int(limit) + 1}) t'
    ).fetchone()[0] > limit


def stored_aliases(uuids: UuidMap) -> dict:
    """(model, their uuid) -> local id of every record matched at an earlier merge."""
    by_table = {table_of(m): m for m in travelling_models()}
    found = {}
    query = RecordVersion.select(RecordVersion.record_table, RecordVersion.record_uuid,
                                 RecordVersion.alias).where(RecordVersion.alias.is_null(False))
    for table, their_uuid, local_uuid in query.tuples():
        model = by_table.get(table)
        local_id = uuids.id_of(model, local_uuid) if model is not None else None
        if local_id is not None:
            found[(model, their_uuid)] = local_id
    return found


def translated(theirs: dict, alias_maps: list, model, self_references: list, aliases: dict,
               uuids: UuidMap) -> dict:
    """Their record with its references pointing at the records they were matched to
    (a copy when one changes: the package's own record stays as it came).
    ``alias_maps``: (field, {their uuid: our uuid}) for references to other tables;
    ``self_references``: the fields pointing at ``model`` itself, whose matches are
    made as this table is planned (so looked up in ``aliases`` each time)."""
    copy = None
    for name, mapping in alias_maps:
        value = theirs.get(name)
        if value is not None:
            local = mapping.get(value)
            if local is not None and local != value:
                copy = copy or dict(theirs)
                copy[name] = local
    for fld in self_references:
        value = theirs.get(fld.name)
        local = translate_alias(model, fld.name, value, aliases, uuids)
        if local != value:
            copy = copy or dict(theirs)
            copy[fld.name] = local
    return copy if copy is not None else theirs


def translate_alias(model, name, value, aliases, uuids: UuidMap):
    """A foreign-key uuid of theirs that was matched to another local record."""
    fld = model._meta.fields.get(name)
    if value is None or not is_id_reference(fld):
        return value
    local = aliases.get((fld.rel_model, value))
    if local is None:
        return value
    return uuids.uuid_of(fld.rel_model, local)
