"""Terima data, second step: planning a merge (each record matched and each field decided by the record versions; conflicts and deletions listed) without writing anything."""
from __future__ import annotations

from dataclasses import dataclass, field

from peewee import ForeignKeyField

from imp_desktop.data import versions
from imp_desktop.data.audit import stored_form
from imp_desktop.data.models import (
    AuditEntry,
    Handover,
)
from imp_desktop.data.sync import (
    DERIVED_FIELDS,
    NATURAL_KEYS,
    UuidMap,
    chunks,
    data_fields,
    dumps,
    ids_by_uuid,
    is_id_reference,
    record_dicts,
    table_of,
    travelling_models,
    whole_parts,
)
from imp_desktop.errors import UserError
from imp_desktop.gcpause import paused_gc
from imp_desktop.i18n import tr
from imp_desktop.services import photos as photo_store
from imp_desktop.services.package.envelope import (
    Progress,
)
from imp_desktop.services.package.matching import (
    LocalRecords,
    stored_aliases,
    translate_alias,
    translated,
)
from imp_desktop.services.package.reading import (
    KEY_NEW,
    KEY_TRUSTED,
    Package,
    _summary_of,
)

# --- planning a merge ------------------------------------------------------------------
DELETED = "*"      # the "field" of a conflict between a deletion and an edit


@dataclass
class Conflict:
    table: str
    record_uuid: str
    field: str                     # DELETED: deleted on one side, edited on the other
    base: object
    mine: object
    theirs: object
    label: str = ""
    dot_mine: list | None = None   # the versions of the two values (data/versions.py)
    dot_theirs: list | None = None

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.table, self.record_uuid, self.field)

    def describe(self) -> str:
        return tr("package.conflict.line", record=self.label or self.record_uuid,
                  field=field_name(self.field), mine=_show(self.mine),
                  theirs=_show(self.theirs))


def field_name(name: str) -> str:
    return tr("package.conflict.record") if name == DELETED else name


def _show(value) -> str:
    return "—" if value in (None, "") else str(value)


@dataclass
class RecordPlan:
    model: object
    theirs: dict
    local_id: int | None           # None: a new record (or one deleted here)
    changes: dict = field(default_factory=dict)      # field -> theirs value, taken
    conflicts: list = field(default_factory=list)
    derived: dict = field(default_factory=dict)      # (kept for callers; unused)
    mine: dict | None = None       # our record as planned against
    clock: object = None           # the merged version (dict, or their text for a new one)
    tombstone: dict | None = None  # our tombstone when the record was deleted here
    whole: Conflict | None = None  # a part of a whole deleted here: decided with it

    def clock_dict(self) -> dict:
        return self.clock if isinstance(self.clock, dict) else versions.loads(self.clock)


@dataclass
class Deletion:
    """A record of ours that the package deletes (a tombstone of theirs)."""

    model: object
    record_uuid: str               # ours
    local_id: int
    label: str
    clock_deleted: str             # our tombstone if it goes
    clock_kept: str                # our version if it stays
    conflict: Conflict | None = None   # edited here after the version they deleted
    whole: Deletion | None = None      # a part of a whole: goes or stays with it
    unseen: bool = False               # a part added here: theirs did not know it


@dataclass
class MergePlan:
    package: Package
    records: list[RecordPlan]
    deletions: list[Deletion]
    kept_deleted: list[tuple[str, str]]            # (kept for callers; see MergeResult)
    aliases: dict                                  # (model, their uuid) -> local id
    new_audit: list[dict]
    new_media: dict[str, bytes]
    unchanged: int = 0
    versions_only: list = field(default_factory=list)   # (table, uuid, clock text, deleted)
    new_aliases: list = field(default_factory=list)     # (table, their uuid, our uuid)
    # table -> (uuid -> versions.Row read while planning, the uuids asked for or None
    # for all): the merge writes versions without reading them again
    versions_read: dict = field(default_factory=dict)
    repeated: bool = False         # this very package was merged before
    older: bool = False            # older than one already received from its sender

    @property
    def conflicts(self) -> list[Conflict]:
        return [c for plan in self.records for c in plan.conflicts] + \
            [d.conflict for d in self.deletions if d.conflict is not None]

    @property
    def added(self) -> int:
        return sum(1 for plan in self.records if plan.local_id is None and not plan.conflicts
                   and plan.whole is None)

    @property
    def updated(self) -> int:
        return sum(1 for plan in self.records if plan.local_id is not None
                   and (plan.changes or plan.conflicts))

    @property
    def removals(self) -> list[tuple[str, str, str, str]]:
        """(table, uuid, label, "delete" | "deactivate") of what the package would
        delete or deactivate here (a conflict counts: "theirs" would do it)."""
        found = [(table_of(d.model), d.record_uuid, d.label, "delete") for d in self.deletions]
        for plan in self.records:
            if plan.local_id is None or not plan.mine or not plan.mine.get("active"):
                continue
            if plan.changes.get("active") is False or any(
                    c.field == "active" and c.theirs is False for c in plan.conflicts):
                found.append((table_of(plan.model), plan.mine["uuid"], _label(plan.mine),
                              "deactivate"))
        return found

    @property
    def needs_confirmation(self) -> bool:
        """The first package from its installation would delete or deactivate."""
        return self.package.key_status in (KEY_NEW, KEY_TRUSTED) and bool(self.removals)

    def note(self) -> str:
        """One sentence when the package was merged before or is older, else ""."""
        if self.repeated:
            return tr("package.note.repeated", officer=self.package.officer_name or "?")
        if self.older:
            return tr("package.note.older", officer=self.package.officer_name or "?")
        return ""


def _label(row: dict) -> str:
    for key in ("name", "title", "period", "key", "code", "number", "file_name"):
        if row.get(key):
            return str(row[key])
    return row.get("uuid", "")


_NO_TIMES = {"created_at": None, "updated_at": None}


def _same(theirs: dict, mine: dict, number: str | None) -> bool:
    """The same content on both sides (times and a local version number aside)."""
    ignore = {**_NO_TIMES, number: None} if number else _NO_TIMES
    return {**theirs, **ignore} == {**mine, **ignore}


def _merge_record(model, fields: dict, theirs: dict, mine: dict, local_id: int,
                  my_text: str | None, their_text: str, number, aliases: dict,
                  uuids: UuidMap) -> RecordPlan | None:
    """Field by field: theirs replaces ours only if they had seen ours (see versions)."""
    mc = versions.loads(my_text) if my_text else {"c": {}, "d": {}}
    tc = versions.loads(their_text)
    legacy = versions.is_legacy(my_text or "") or versions.is_legacy(their_text)
    if not legacy and versions.dominated(tc["c"], mc["c"]):
        return None                 # nothing of theirs that we had not seen
    wholesale = not legacy and versions.dominated(mc["c"], tc["c"])
    plan = RecordPlan(model, theirs, local_id, mine=mine)
    table = table_of(model)
    dots = dict(mc["d"])
    label = _label(mine)
    for name, fld in fields.items():
        if name not in theirs or name == number:
            continue        # an older program's package lacks this field
        t = stored_form(translate_alias(model, name, theirs[name], aliases, uuids), fld)
        m = stored_form(mine.get(name), fld)
        if wholesale:       # they had seen all of ours: theirs replaces it
            if t != m:
                plan.changes[name] = t
            continue
        dt_, dm_ = versions.dot_of(tc, name), versions.dot_of(mc, name)
        if dt_ == dm_ and t == m:
            continue
        if dt_ != dm_:
            ours_seen = versions.seen(tc["c"], dm_)
            theirs_seen = versions.seen(mc["c"], dt_)
            if theirs_seen and not ours_seen:
                continue                        # ours replaced theirs: keep it
            if ours_seen and not theirs_seen:   # theirs replaced ours: take it
                if t != m:
                    plan.changes[name] = t
                dots[name] = dt_
                continue
        # Made without seeing each other (or schema-9 values that differ).
        if t == m:
            dots[name] = max(dt_, dm_, key=versions.dot_order)
            continue
        if name in DERIVED_FIELDS:   # follows the other fields: never a question
            if dt_ == dm_:
                if dumps(t) > dumps(m):
                    plan.changes[name] = t
            elif versions.dot_order(dt_) > versions.dot_order(dm_):
                plan.changes[name] = t
                dots[name] = dt_
            else:
                dots[name] = dm_
            continue
        plan.conflicts.append(Conflict(table, mine["uuid"], name, None, m, t, label, dm_, dt_))
    if wholesale:
        plan.clock = tc
    else:
        plan.clock = {"c": versions.joined(mc["c"], tc["c"]), "d": dots}
    return plan


def _newest(dots) -> list | None:
    return max(dots, key=versions.dot_order, default=None)


@paused_gc
def plan_merge(package: Package, progress: Progress | None = None) -> MergePlan:
    """Work out what merging ``package`` would change; writes nothing (but the
    first version of records written around the audit trail)."""
    repeated, older = _received_before(package)
    if repeated or older:
        # Rule 4, by the package itself: everything it holds reached us before
        # (in it, or in a later package of its sender), and what we decided since
        # stands. Merged again record by record, it could ask again about an edit
        # we know only through a tombstone (refused by our deletion, then a copy
        # kept elsewhere against that deletion taken back).
        plan = MergePlan(package, [], [], [], {}, [], {},
                         sum(len(rows) for rows in package.tables.values()))
        plan.repeated, plan.older = repeated, older
        return plan
    versions.stamp_unversioned()
    # Long on purpose: one pass over the package's tables in dependency order,
    # matching each record (uuid, natural key, unique field) before the next table.
    uuids = UuidMap()
    records: list[RecordPlan] = []
    versions_only: list = []
    versions_read: dict = {}
    new_aliases: list = []
    unchanged = 0
    models = travelling_models()
    in_package = {table: {row["uuid"] for row in rows} for table, rows in package.tables.items()}
    aliases = stored_aliases(uuids)
    stored = set(aliases)
    checks: dict = {}      # model -> records to be written: their references are checked
    for step, model in enumerate(models):
        table = table_of(model)
        rows = package.tables.get(table) or []
        if not rows:
            continue
        fields = {f.name: f for f in data_fields(model)}
        local = LocalRecords(model, package, uuids, rows, aliases)
        natural, number = local.natural, local.number
        taken = {row[number] for row in local.rows.values()} if number else set()
        aliased = [f for f in fields.values() if is_id_reference(f)
                   and any(key[0] is f.rel_model for key in aliases)]
        # their uuid -> our uuid, per field pointing at another table (matched before)
        alias_maps = [(f.name, {their_uuid: uuids.uuid_of(f.rel_model, local_id)
                                for (target, their_uuid), local_id in aliases.items()
                                if target is f.rel_model})
                      for f in aliased if f.rel_model is not model]
        # Only what can change a record: maps that hold a match, and references to
        # this very table (matched as it goes).
        alias_maps = [(name, mapping) for name, mapping in alias_maps if mapping]
        self_references = [f for f in aliased if f.rel_model is model]
        if natural:
            known = {}
        elif local.partial:     # the versions of theirs and of the candidates only
            asked = {row["uuid"] for row in rows} | set(local.rows)
            known = {u: row for u, row in local.versions.items() if u in asked}
            known.update(versions.rows_of(table, asked - local.asked))
            versions_read[table] = (known, asked)
        else:
            known = versions.rows_of(table)
            versions_read[table] = (known, None)
        clocks = package.clocks.get(table) or {}
        for theirs in rows:
            if alias_maps or self_references:   # at the local records they were matched to
                theirs = translated(theirs, alias_maps, model, self_references, aliases, uuids)
            mine = local.rows.get(theirs["uuid"])
            if natural:     # reference data, matched by its code: ours stays as it is
                mine = mine or local.by_natural.get(theirs.get(natural))
                if mine is None:
                    checks.setdefault(model, []).append(theirs)
                    records.append(RecordPlan(model, theirs, None))
                else:
                    unchanged += 1
                continue
            their_text = clocks[theirs["uuid"]]
            if mine is None and (model, theirs["uuid"]) in aliases:
                mine = local.rows.get(uuids.uuid_of(model, aliases[(model, theirs["uuid"])]))
            if mine is None:
                row = known.get(theirs["uuid"])
                if row is not None and row.deleted:
                    plan = _against_tombstone(model, theirs, row, their_text)
                    if plan is None:
                        unchanged += 1      # deleted here after seeing this version
                    else:
                        checks.setdefault(model, []).append(theirs)
                        records.append(plan)
                    continue
                mine = local.find(theirs, aliases)
            if mine is None:
                checks.setdefault(model, []).append(theirs)
                if number and (theirs.get(number) is None or theirs[number] in taken):
                    # A version made elsewhere whose number is used here: its own version.
                    theirs = {**theirs, number: max(taken, default=0) + 1}
                if number:
                    taken.add(theirs[number])
                records.append(RecordPlan(model, theirs, None, clock=their_text))
                continue
            local_id = uuids.id_of(model, mine["uuid"])
            if mine["uuid"] != theirs["uuid"]:
                aliases[(model, theirs["uuid"])] = local_id
                if (model, theirs["uuid"]) not in stored:
                    stored.add((model, theirs["uuid"]))
                    new_aliases.append((table, theirs["uuid"], mine["uuid"]))
            row = known.get(mine["uuid"])
            my_text = row.clock if row is not None else None
            if my_text == their_text and not versions.is_legacy(their_text):
                unchanged += 1      # the same version on both sides
                continue
            if my_text == their_text and _same(theirs, mine, number):
                unchanged += 1
                continue
            checks.setdefault(model, []).append(theirs)
            plan = _merge_record(model, fields, theirs, mine, local_id, my_text, their_text,
                                 number, aliases, uuids)
            if plan is None:
                unchanged += 1
            elif plan.changes or plan.conflicts:
                records.append(plan)
            else:
                unchanged += 1
                text = versions.dumps(plan.clock)
                if text != my_text:
                    versions_only.append((table, mine["uuid"], text, False))
        if progress:
            progress(step + 1, len(models))
    unchanged -= _whole_returns(package, records, checks, versions_only)
    order = {model: index for index, model in enumerate(models)}
    records.sort(key=lambda plan: order[plan.model])      # parents before their parts
    _check_references(checks, uuids, in_package, package, aliases)
    deletions = _plan_deletions(package, models, uuids, aliases, versions_only)
    have_audit = set(ids_by_uuid(AuditEntry, [e["uuid"] for e in package.audit]))
    new_audit = [e for e in package.audit if e["uuid"] not in have_audit]
    new_media = {name: data for name, data in package.media.items()
                 if not photo_store.has_photo(name)}
    return MergePlan(package, records, deletions, [], aliases, new_audit, new_media, unchanged,
                     versions_only, new_aliases, versions_read)


def _against_tombstone(model, theirs: dict, row, their_text: str) -> RecordPlan | None:
    """Their record, deleted here: it comes back if they had seen the deletion, stays
    deleted if we had seen their version, else it is a conflict."""
    tomb = versions.loads(row.clock)
    tc = versions.loads(their_text)
    deletion = tomb["d"].get(versions.ALL)
    clock = {"c": versions.with_deletions(tc["c"], tomb), "d": tc["d"]}
    if versions.seen_deletion(tc["c"], tomb):
        return RecordPlan(model, theirs, None, clock=clock, tombstone=tomb)
    if all(versions.seen(tomb["c"], d) for d in tc["d"].values()):
        return None
    conflict = Conflict(table_of(model), theirs["uuid"], DELETED, None,
                        tr("package.conflict.deleted"), tr("package.conflict.edited"),
                        _label(theirs), deletion, _newest(tc["d"].values()))
    return RecordPlan(model, theirs, None, conflicts=[conflict], clock=clock, tombstone=tomb)


def _plan_deletions(package: Package, models: list, uuids: UuidMap, aliases: dict,
                    versions_only: list) -> list[Deletion]:
    """Their tombstones against our records, children before their parents."""
    deletions = []
    for model in reversed(models):
        table = table_of(model)
        gone = (package.deleted or {}).get(table) or {}
        if not gone or table in NATURAL_KEYS:
            continue
        local_uuids = {}
        for their_uuid in gone:
            local_id = uuids.id_of(model, their_uuid)
            if local_id is None and (model, their_uuid) in aliases:
                local_id = aliases[(model, their_uuid)]
            local_uuids[their_uuid] = (uuids.uuid_of(model, local_id), local_id) \
                if local_id is not None else (their_uuid, None)
        known = versions.rows_of(table, {u for u, _ in local_uuids.values()})
        labels = {}
        ids = [i for _, i in local_uuids.values() if i is not None]
        for chunk in chunks(ids):
            for row in record_dicts(model, uuids, model.id.in_(chunk)):
                labels[row["uuid"]] = _label(row)
        for their_uuid, text in gone.items():
            tomb = versions.loads(text)
            deletion = tomb["d"].get(versions.ALL)
            local_uuid, local_id = local_uuids[their_uuid]
            row = known.get(local_uuid)
            if local_id is None:
                if row is None:     # never had it: remember the deletion
                    versions_only.append((table, their_uuid, text, True))
                elif row.deleted and row.clock != text:
                    merged = versions.dumps(versions.merged_tombstone(
                        versions.loads(row.clock), tomb))
                    if merged != row.clock:
                        versions_only.append((table, their_uuid, merged, True))
                continue
            mine = versions.loads(row.clock) if row is not None and row.clock else \
                {"c": {}, "d": {}}
            if versions.seen_deletion(mine["c"], tomb):
                continue            # restored here after seeing the deletion(s)
            ctx = versions.joined(mine["c"], tomb["c"])
            kept = versions.with_deletions(mine["c"], tomb)
            label = labels.get(local_uuid, local_uuid)
            conflict = None
            if not all(versions.seen(tomb["c"], d) for d in mine["d"].values()):
                conflict = Conflict(table, local_uuid, DELETED, None,
                                    tr("package.conflict.edited"), tr("package.conflict.deleted"),
                                    label, _newest(mine["d"].values()), deletion)
            deletions.append(Deletion(model, local_uuid, local_id, label,
                                      versions.dumps({"c": ctx, "d": tomb["d"]}),
                                      versions.dumps({"c": kept, "d": mine["d"]}), conflict))
    return _whole_deletions(deletions)


# --- wholes: a record with its parts (sync.whole_parts) goes, stays or returns as one -------
def _whole_conflict(table: str, record_uuid: str, label: str, mine_deleted: bool,
                    dot_mine, dot_theirs) -> Conflict:
    deleted, edited = tr("package.conflict.deleted"), tr("package.conflict.edited")
    return Conflict(table, record_uuid, DELETED, None, deleted if mine_deleted else edited,
                    edited if mine_deleted else deleted, label, dot_mine, dot_theirs)


def _whole_deletions(deletions: list[Deletion]) -> list[Deletion]:
    """A whole the package deletes goes or stays as one. An edit made here of the
    record or of any part that the sender had not seen, or a part added here, is
    ONE conflict, on the whole; its decision takes every part with it (a checklist
    kept keeps all its answers; one deleted leaves none behind)."""
    extra: list[Deletion] = []
    for parent_model, parts in whole_parts().items():
        parents = {d.local_id: d for d in deletions if d.model is parent_model}
        if not parents:
            continue
        members: dict[int, list[Deletion]] = {}
        for part_model, link in parts:
            fld = part_model._meta.fields[link]
            planned = {d.local_id: d for d in deletions if d.model is part_model}
            found = []
            for chunk in chunks(list(parents)):
                found.extend(part_model.select(part_model.id, part_model.uuid, fld).where(
                    fld.in_(chunk)).tuples().execute())
            known = versions.rows_of(table_of(part_model),
                                     [u for i, u, _ in found if i not in planned])
            for part_id, part_uuid, parent_id in found:
                whole = parents[parent_id]
                member = planned.get(part_id)
                if member is None:      # added here after the version they deleted
                    row = known.get(part_uuid)
                    mine = versions.loads(row.clock) if row is not None and row.clock else \
                        {"c": {}, "d": {}}
                    gone = versions.loads(whole.clock_deleted)
                    member = Deletion(part_model, part_uuid, part_id, whole.label,
                                      versions.dumps({"c": versions.joined(mine["c"], gone["c"]),
                                                      "d": gone["d"]}), None, unseen=True)
                    extra.append(member)
                member.whole = whole
                members.setdefault(parent_id, []).append(member)
        for parent_id, parts_of in members.items():
            whole = parents[parent_id]
            edited = [m.conflict for m in parts_of if m.conflict is not None]
            if whole.conflict is None and (edited or any(m.unseen for m in parts_of)):
                deletion = versions.loads(whole.clock_deleted)["d"].get(versions.ALL)
                whole.conflict = _whole_conflict(
                    table_of(parent_model), whole.record_uuid, whole.label, False,
                    _newest([c.dot_mine for c in edited]), deletion)
            for member in parts_of:
                member.conflict = None      # the question is the whole's
    return extra + deletions


def _whole_returns(package: Package, records: list[RecordPlan], checks: dict,
                   versions_only: list) -> int:
    """A whole deleted here of which the package brings an edit we had not seen (of
    the record, of a part, or a part added there): ONE conflict, on the whole. Taken,
    the whole returns as the package has it (every part, also those our deletion
    had seen); refused, every part stays deleted. Returns how many records counted
    as unchanged now return with it."""
    moved = 0
    for parent_model, parts in whole_parts().items():
        parent_table = table_of(parent_model)
        if not versions.has_tombstones(parent_table):
            continue        # nothing of it deleted here (a fresh installation)
        links = dict(parts)
        parents = {r.theirs["uuid"]: r for r in records
                   if r.model is parent_model and r.local_id is None}
        planned: dict[str, list[RecordPlan]] = {}
        for plan in records:
            link = links.get(plan.model)
            if link is not None and plan.local_id is None and plan.theirs.get(link):
                planned.setdefault(plan.theirs[link], []).append(plan)
        candidates = set(planned) | set(parents)
        if not candidates:
            continue
        tombs = {u: row for u, row in versions.rows_of(parent_table, candidates).items()
                 if row.deleted and row.clock}
        theirs_rows = by_link = None
        for parent_uuid, row in tombs.items():
            parent = parents.get(parent_uuid)
            if parent is not None and not parent.conflicts:
                continue        # they had seen our deletion: it returns, parts with it
            tomb = versions.loads(row.clock)
            deletion = tomb["d"].get(versions.ALL)
            mine = planned.get(parent_uuid, [])
            if parent is None:
                if theirs_rows is None:
                    theirs_rows = {r["uuid"]: r for r in package.tables.get(parent_table) or ()}
                theirs = theirs_rows.get(parent_uuid)
                if theirs is None:
                    # A package of an older program may carry a part without its
                    # record: the part cannot return alone, it stays deleted.
                    for plan in mine:
                        versions_only.append((table_of(plan.model), plan.theirs["uuid"],
                                              versions.dumps({"c": versions.joined(
                                                  plan.clock_dict()["c"], tomb["c"]),
                                                  "d": tomb["d"]}), True))
                        records.remove(plan)
                    continue
                tc = versions.loads(package.clocks[parent_table][parent_uuid])
                dots = [c.dot_theirs for p in mine for c in p.conflicts]
                parent = RecordPlan(parent_model, theirs, None, clock={
                    "c": versions.with_deletions(tc["c"], tomb), "d": tc["d"]}, tombstone=tomb,
                    conflicts=[_whole_conflict(parent_table, parent_uuid, _label(theirs), True,
                                               deletion, _newest(dots))])
                records.append(parent)
                checks.setdefault(parent_model, []).append(theirs)
                moved += 1
            conflict = parent.conflicts[0]
            for plan in mine:
                plan.conflicts = []
                plan.whole = conflict
                if plan.tombstone is None:      # made there: stays deleted with the whole
                    plan.tombstone = tomb
            # The parts our deletion had seen return with the whole if it is taken.
            if by_link is None:
                by_link = {}
                for part_model, link in parts:
                    for r in package.tables.get(table_of(part_model)) or ():
                        by_link.setdefault((part_model, r.get(link)), []).append(r)
            have = {p.theirs["uuid"] for p in mine}
            for part_model, link in parts:
                part_table = table_of(part_model)
                others = [r for r in by_link.get((part_model, parent_uuid), ())
                          if r["uuid"] not in have]
                known = versions.rows_of(part_table, [r["uuid"] for r in others])
                clocks = package.clocks.get(part_table) or {}
                for theirs in others:
                    part_row = known.get(theirs["uuid"])
                    if part_row is None or not part_row.deleted or not part_row.clock:
                        continue
                    part_tomb = versions.loads(part_row.clock)
                    tc = versions.loads(clocks[theirs["uuid"]])
                    records.append(RecordPlan(part_model, theirs, None, clock={
                        "c": versions.with_deletions(tc["c"], part_tomb), "d": tc["d"]},
                        tombstone=part_tomb, whole=conflict))
                    checks.setdefault(part_model, []).append(theirs)
                    moved += 1
    return moved


def _received_before(package: Package) -> tuple[bool, bool]:
    """(this package was merged before, an older one than one already merged)."""
    repeated = older = False
    sent = package.manifest.get("seq")
    replica = package.manifest.get("replica")
    query = Handover.select(Handover.package_id, Handover.summary).where(
        (Handover.direction == "import") & (Handover.installation == package.installation))
    for package_id, summary in query.tuples():
        if package_id == package.manifest.get("package_id"):
            repeated = True
        summary = _summary_of(summary)
        had = summary.get("seq")
        # Change numbers count per replica: a restored copy of the sender (a new
        # replica) numbers again from its backup, and its packages are new.
        if summary.get("replica", replica) != replica:
            continue
        if isinstance(had, int) and isinstance(sent, int) and had > sent:
            older = True
    return repeated, older


_REFERENCES: dict = {}


def _references(model) -> list:
    """(field, target table, by local id?) of each foreign key of ``model``."""
    if model not in _REFERENCES:
        _REFERENCES[model] = [(f, table_of(f.rel_model), is_id_reference(f))
                              for f in data_fields(model) if isinstance(f, ForeignKeyField)]
    return _REFERENCES[model]


def _check_references(checks: dict, uuids: UuidMap, in_package: dict, package,
                      aliases: dict) -> None:
    """Every record a package's record points at must be in the package or here.

    ``checks``: model -> the package's records of it to be written (their
    references already translated to our records where matched). One pass per
    foreign key over the set of values, not one look-up per record."""
    aliased: dict = {}
    for target_model, their_uuid in aliases:
        aliased.setdefault(target_model, set()).add(their_uuid)
    for model, rows in checks.items():
        for fld, target, by_id in _references(model):
            values = {row.get(fld.name) for row in rows}
            values.discard(None)
            if not values:
                continue
            if by_id:
                values -= in_package.get(target, set())
                local = uuids.by_uuid(fld.rel_model) if values else {}
                other = aliased.get(fld.rel_model, ())
                missing = [v for v in values if v not in local and v not in other]
            else:
                name = fld.rel_field.name
                values -= {r.get(name) for r in package.tables.get(target, ())}
                values = sorted(values, key=str)
                have = set()
                for chunk in chunks(values):
                    have.update(v for (v,) in fld.rel_model.select(fld.rel_field).where(
                        fld.rel_field.in_(chunk)).tuples())
                missing = [v for v in values if v not in have]
            if missing:
                raise UserError(tr("package.error.reference",
                                   path=package.manifest.get("package_id"),
                                   table=table_of(model), field=fld.name))


def _referrers(model) -> list:
    """(model, field) of every foreign key pointing at ``model``'s records by id."""
    return [(other, f) for other in travelling_models() for f in data_fields(other)
            if is_id_reference(f) and f.rel_model is model]
