"""Terima data, last step: applying a planned merge in one transaction, with the policy or the officer's decisions, and the package's history."""
from __future__ import annotations

import datetime as dt
import operator
from dataclasses import dataclass, field
from pathlib import Path

from peewee import IntegrityError

from imp_desktop.data import versions
from imp_desktop.data.advisory import exclusive_operation
from imp_desktop.data.audit import write_many
from imp_desktop.data.models import (
    AuditEntry,
    Handover,
    database,
    new_uuid,
    utc_now,
)
from imp_desktop.data.sync import (
    META_FIELDS,
    UuidMap,
    bulk_insert_values,
    dumps,
    ids_by_uuid,
    is_id_reference,
    table_of,
)
from imp_desktop.errors import UserError
from imp_desktop.fileio import crash_point
from imp_desktop.gcpause import paused_gc
from imp_desktop.i18n import tr
from imp_desktop.services import photos as photo_store
from imp_desktop.services.package.envelope import (
    Progress,
)
from imp_desktop.services.package.export import (
    last_export,
)
from imp_desktop.services.package.planning import (
    Conflict,
    MergePlan,
    _referrers,
    plan_merge,
)
from imp_desktop.services.package.reading import (
    _pin_sender_key,
    read_package,
)


# --- applying a merge -------------------------------------------------------------------
class FirstPackageDeletes(UserError):
    """The first package from an installation would delete or deactivate records."""

    def __init__(self, plan: MergePlan):
        self.removals = plan.removals
        super().__init__(tr("package.error.first_deletes", officer=plan.package.officer_name
                            or "?", count=len(self.removals)))


@dataclass
class MergeResult:
    added: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    conflicts: list = field(default_factory=list)
    kept_deleted: int = 0
    photos: int = 0
    audit: int = 0
    officer: str = ""
    fingerprint: str = ""          # of the sender's key
    key_status: str = ""
    repeated: bool = False         # this package was merged before
    older: bool = False            # older than one already received from its sender
    note: str = ""                 # one sentence saying so, or ""


_SPECS: dict = {}


def _insert_spec(model) -> list[tuple[str, object]]:
    """(field name, referenced model or None) of the content fields of ``model``."""
    if model not in _SPECS:
        _SPECS[model] = [(name, fld.rel_model if is_id_reference(fld) else None)
                         for name, fld in model._meta.fields.items() if name not in META_FIELDS]
    return _SPECS[model]


def _insert_names(model) -> tuple[list, list]:
    """The content fields of ``model``: (plain names, [(name, referenced model)])."""
    spec = _insert_spec(model)
    return ([name for name, target in spec if target is None],
            [(name, target) for name, target in spec if target is not None])


def _db_value(model, name, value, uuids: UuidMap, aliases):
    fld = model._meta.fields[name]
    if value is not None and is_id_reference(fld):
        local = aliases.get((fld.rel_model, value))
        return local if local is not None else uuids.id_of(fld.rel_model, value)
    return value


def _decide(conflict: Conflict, take_theirs: bool, dots: dict, ctx: dict, own: list) -> None:
    """The version of a decided conflict: the winner of the two keeps its dot (so
    two installations that decide alike need no new version), any other choice
    is a new edit made here that has seen both."""
    chosen = conflict.dot_theirs if take_theirs else conflict.dot_mine
    winner = max(conflict.dot_mine, conflict.dot_theirs, key=versions.dot_order)
    if conflict.dot_mine != conflict.dot_theirs and chosen == winner:
        dots[conflict.field] = chosen
    else:
        dots[conflict.field] = own
        versions.own_write(ctx, *own)


def _decided_deletion(ctx: dict, own: list, confirmed: dict) -> dict:
    """The tombstone of a deletion decided here against an edit its deleter had not
    seen (their edit refused, or their deletion taken over our edit): a deletion
    made here that has seen both. Its own dot tells it from the deletion it
    confirms, which others may have seen without the edit: a copy kept after
    that one (and nothing since) then goes too, instead of coming back with a
    context that claims the refused edit. It names the deletions it confirms
    (``confirmed``: their dots) beside its own, so that a copy kept against it,
    which records only the dots it names (``versions.with_deletions``), has seen
    those too and does not meet them again as a question; so are the deletions
    the record had been kept against (``versions.deleted_here``, as for a deletion
    made here by hand)."""
    return versions.deleted_here(ctx, own, confirmed.values())


@exclusive_operation("merge")      # one merge or import at a time on a shared database
@paused_gc
def apply_merge(plan: MergePlan, policy: str = "mine", resolutions: dict | None = None,
                progress: Progress | None = None, *, allow_deletions: bool = False) -> MergeResult:
    """Write a planned merge in one transaction.

    ``policy`` ("theirs" or "mine") decides every conflict not in
    ``resolutions`` ({(table, uuid, field): "theirs" | "mine"}; field
    ``DELETED`` for a deletion against an edit: "theirs" deletes). The first
    package from an installation that would delete or deactivate anything
    needs ``allow_deletions`` (``FirstPackageDeletes`` otherwise).
    """
    # Long on purpose: the whole merge is one transaction, table by table in
    # dependency order; its steps share the id maps being built.
    if policy not in ("theirs", "mine"):
        raise ValueError(policy)
    if plan.needs_confirmation and not allow_deletions:
        raise FirstPackageDeletes(plan)
    resolutions = resolutions or {}
    package = plan.package

    def take_theirs(conflict: Conflict) -> bool:
        return resolutions.get(conflict.key, policy) == "theirs"

    result = MergeResult(unchanged=plan.unchanged, conflicts=plan.conflicts,
                         officer=package.officer_name, fingerprint=package.fingerprint,
                         key_status=package.key_status, repeated=plan.repeated,
                         older=plan.older, note=plan.note())
    source = package.officer_name or "?"
    who = tr("package.audit.who", officer=_local_officer(), source=source)
    _pin_sender_key(package, write=False)      # before anything is written
    def keep_media():
        for name, data in plan.new_media.items():
            photo_store.keep_photo(name, data)
        result.photos = len(plan.new_media)

    media_inside = photo_store.in_database()
    if plan.new_media and not media_inside:
        keep_media()    # files first: named by their content, harmless if the merge fails
    uuids = UuidMap()
    now = utc_now()     # one time for the whole merge: it is one action
    total = len(plan.records) + 2
    written: dict[str, dict[str, tuple[str, bool]]] = {}   # table -> uuid -> (clock, deleted)

    def version(table: str, record_uuid: str, clock, deleted: bool = False) -> None:
        text = clock if isinstance(clock, str) else versions.dumps(clock)
        written.setdefault(table, {})[record_uuid] = (text, deleted)

    try:
        with database.atomic():
            _pin_sender_key(package, write=True)
            own = [versions.replica_id(), versions.next_counter()]
            deferred = []
            inserted: dict = {}    # table -> ids of the records added
            # model -> ({column names: [row values]}, [their uuids], [(uuid, references
            # to records that come later)]): the rows waiting for one batch insert
            pending: dict = {}
            entries: dict = {}     # table -> [(uuid, action, changes)] for the audit trail

            def flush(model):
                groups, fresh_uuids, laters = pending.pop(model)
                table = table_of(model)
                top = database.execute_sql(f'SELECT MAX("id") FROM "{table}"').fetchone()[0]
                for names, rows in groups.items():
                    bulk_insert_values(model, list(names), rows)
                # Their ids: every row above the highest before (one range read), and
                # any other by uuid (ids are not promised to grow on every database).
                fresh = set(fresh_uuids)
                found = {u: i for i, u in database.execute_sql(
                    f'SELECT "id", "uuid" FROM "{table}" WHERE "id" > {database.param}',
                    (top or 0,)).fetchall() if u in fresh}
                found.update(ids_by_uuid(model, [u for u in fresh if u not in found]))
                for new_uuid_, new_id in found.items():
                    uuids.add(model, new_id, new_uuid_)
                inserted.setdefault(table, []).extend(found.values())
                for record_uuid, later in laters:
                    deferred.append((model, uuids.id_of(model, record_uuid), later))

            updates: dict = {}     # model -> [(local id, {field: value})]
            aliased: dict = {}     # model -> {their uuid: our id} of records matched
            for (target, their_uuid), local_id in plan.aliases.items():
                aliased.setdefault(target, {})[their_uuid] = local_id
            last_model = table_model = None
            for index, record in enumerate(plan.records):
                model, theirs = record.model, record.theirs
                if model is not table_model:
                    table, table_model = table_of(model), model
                if record.local_id is None:
                    decider = record.whole or (record.conflicts[0] if record.conflicts else None)
                    if decider is not None and not take_theirs(decider):
                        # Deleted here, edited there: stays deleted, having seen their edit.
                        version(table, theirs["uuid"], _decided_deletion(versions.joined(
                            record.clock_dict()["c"], record.tombstone["c"]), own,
                            record.tombstone["d"]), True)
                        result.kept_deleted += record.whole is None
                        continue
                    if model is not last_model:
                        for other in [m for m in pending if m is not model]:
                            flush(other)   # its ids are needed by this table's references
                        last_model = model
                        plain_names, references = _insert_names(model)
                        # The usual record has every field: its row is one tuple.
                        every_name = set(plain_names) | {name for name, _ in references}
                        full_names = (*plain_names, "uuid", "created_at", "updated_at",
                                      *(name for name, _ in references))
                        plain_values = operator.itemgetter(*plain_names, "uuid") \
                            if plain_names else (lambda row: (row["uuid"],))
                        targets = [(name, uuids.by_uuid(target), aliased.get(target, {}))
                                   for name, target in references]
                        groups, fresh_uuids, laters = pending.setdefault(model, ({}, [], []))
                    later = None
                    refs = []
                    for name, local_ids, matched in targets:
                        value = theirs.get(name)
                        if value is not None:
                            local = matched.get(value)
                            local = local if local is not None else local_ids.get(value)
                            if local is None:   # its record comes later
                                later = later or {}
                                later[name] = value
                            value = local
                        refs.append(value)
                    if every_name <= theirs.keys():
                        names = full_names
                        row = (*plain_values(theirs), theirs.get("created_at") or now, now,
                               *refs)
                    else:   # an older program's record may lack a field
                        values = {name: theirs[name] for name in plain_names if name in theirs}
                        values["uuid"] = theirs["uuid"]
                        values["created_at"] = theirs.get("created_at") or now
                        values["updated_at"] = now
                        values.update((name, value) for (name, _), value
                                      in zip(references, refs) if name in theirs)
                        names, row = tuple(values), tuple(values.values())
                    group = groups.get(names)
                    if group is None:
                        group = groups[names] = []
                    group.append(row)
                    fresh_uuids.append(theirs["uuid"])
                    if later:
                        laters.append((theirs["uuid"], later))
                    if record.clock is not None:
                        version(table, theirs["uuid"], record.clock)
                    # Its history arrives with the package's audit trail.
                    result.added += 1
                else:
                    changes = dict(record.changes)
                    clock = {"c": dict(record.clock["c"]), "d": dict(record.clock["d"])}
                    for conflict in record.conflicts:
                        chosen = take_theirs(conflict)
                        if chosen:
                            changes[conflict.field] = conflict.theirs
                        _decide(conflict, chosen, clock["d"], clock["c"], own)
                    mine = record.mine
                    version(table, mine["uuid"], clock)
                    changes = {n: v for n, v in changes.items() if v != mine.get(n)}
                    if changes:
                        updates.setdefault(model, []).append((record.local_id, changes))
                        entries.setdefault(table, []).append(
                            (mine["uuid"], "merge",
                             [(n, mine.get(n), v) for n, v in changes.items()]))
                        result.updated += 1
                    else:
                        result.unchanged += 1
                if progress and index % 500 == 0:
                    progress(index, total)
            for model in list(pending):
                flush(model)
            for model, rows in updates.items():
                _update_rows(model, [(record_id, {n: _db_value(model, n, v, uuids, plan.aliases)
                                                  for n, v in changes.items()})
                                     for record_id, changes in rows], now)
            for model, record_id, later in deferred:
                values = {model._meta.fields[n]: _db_value(model, n, v, uuids, plan.aliases)
                          for n, v in later.items()}
                if None in values.values():
                    raise UserError(tr("package.error.reference",
                                       path=package.manifest.get("package_id"),
                                       table=table_of(model), field=next(iter(later))))
                model.update(values).where(model.id == record_id).execute()
            for item in plan.deletions:         # the parts of a whole before it
                table = table_of(item.model)
                decider = item.whole.conflict if item.whole is not None else item.conflict
                go = decider is None or take_theirs(decider)
                if go and any(other.select(other.id).where(fld == item.local_id).exists()
                              for other, fld in _referrers(item.model)):
                    go = False      # still used by a record that stays: it stays too
                if go:
                    item.model.delete().where(item.model.id == item.local_id).execute()
                    entries.setdefault(table, []).append((item.record_uuid, "delete", []))
                    gone = versions.loads(item.clock_deleted)
                    version(table, item.record_uuid, item.clock_deleted if decider is None
                            else _decided_deletion(gone["c"], own, gone["d"]), True)
                    result.deleted += 1
                elif item.clock_kept is not None:
                    version(table, item.record_uuid, item.clock_kept)
                    result.kept_deleted += item.whole is None
            for table, record_uuid, text, deleted in plan.versions_only:
                version(table, record_uuid, text, deleted)
            if plan.new_media and media_inside:
                # Inside the database (stored_file), after the records: a stored file
                # the package carries as a record is then the one its bytes land in,
                # not a second record of the same content.
                keep_media()
            for table, items in written.items():
                versions.put(table, [(u, text, deleted) for u, (text, deleted) in items.items()],
                             seq=own[1], read=plan.versions_read.get(table))
            for table, their_uuid, local_uuid in plan.new_aliases:
                versions.put_alias(table, their_uuid, local_uuid)
            versions.settle_stamped(inserted)
            for table, items in entries.items():
                write_many(table, items, officer=who)
            if plan.new_audit:
                names = ["uuid", "created_at", "updated_at", "record_table", "record_uuid",
                         "action", "field", "old_value", "new_value", "officer",
                         "installation", "at"]
                try:
                    rows = list(map(operator.itemgetter(*names), plan.new_audit))
                except KeyError:    # an older program's entries may lack a field
                    rows = [tuple(e.get(k) for k in names) for e in plan.new_audit]
                bulk_insert_values(AuditEntry, names, rows)
                result.audit = len(rows)
            Handover.create(direction="import", office=package.manifest.get("office"),
                            package_id=package.manifest.get("package_id") or new_uuid(),
                            installation=package.manifest.get("installation"),
                            officer=package.officer_name,
                            summary=dumps({"added": result.added, "updated": result.updated,
                                           "deleted": result.deleted,
                                           "seq": package.manifest.get("seq"),
                                           "replica": package.manifest.get("replica"),
                                           # for the kabupaten view's hand-over coverage
                                           "kecamatan": (package.manifest.get("kecamatan")
                                                         or {}).get("code"),
                                           "key": package.fingerprint,
                                           "key_status": package.key_status}))
            crash_point("merge.before_commit")
    except IntegrityError as exc:
        raise UserError(tr("package.error.integrity", detail=str(exc))) from exc
    crash_point("merge.committed")
    if progress:
        progress(total, total)
    return result


def _update_rows(model, rows: list[tuple[int, dict]], now: str) -> None:
    """Write changed fields, one prepared statement per set of fields changed."""
    groups: dict = {}
    for record_id, values in rows:
        groups.setdefault(tuple(values), []).append((record_id, values))
    db = model._meta.database
    for names, items in groups.items():
        fields = [model._meta.fields[n] for n in names]
        sets = ", ".join(f'"{f.column_name}" = {db.param}' for f in fields)
        sql = (f'UPDATE "{model._meta.table_name}" SET {sets}, "updated_at" = {db.param} '
               f'WHERE "id" = {db.param}')
        data = [tuple(f.db_value(values[f.name]) for f in fields) + (now, record_id)
                for record_id, values in items]
        db.cursor().executemany(sql, data)


def _local_officer() -> str:
    from imp_desktop.data.sync import officer_name

    return officer_name() or "?"


@paused_gc
def merge_package(path: str | Path, *, passphrase: str | None = None, policy: str = "mine",
                  resolutions: dict | None = None, progress: Progress | None = None,
                  trust_new_key: bool = False, allow_deletions: bool = False) -> MergeResult:
    """Read, check, plan and apply a package in one go (the command line)."""
    package = read_package(path, passphrase, trust_new_key=trust_new_key)
    plan = plan_merge(package)
    return apply_merge(plan, policy, resolutions, progress, allow_deletions=allow_deletions)


def package_file_name(moment: dt.datetime | None = None) -> str:
    """``IMP-Desktop-kirim-data-Sutarti-2026-11-27.imp``."""
    from imp_desktop.services.settings import get_officer

    name = "-".join(get_officer().name.split()[:2]) or "data"
    safe = "".join(ch for ch in name if ch.isalnum() or ch in "-_")
    return f"IMP-Desktop-{tr('package.file_word')}-{safe}-{(moment or dt.datetime.now()):%Y-%m-%d}.imp"


def handover_summary(office: str | None) -> str:
    """One sentence about the last package sent to ``office`` and the last received."""
    from imp_desktop.data.backup import describe_time

    parts = []
    sent = last_export(office) if office else None
    parts.append(tr("package.last_sent", office=office, when=describe_time(sent.at))
                 if sent else tr("package.never_sent", office=office or "?"))
    received = (Handover.select().where(Handover.direction == "import")
                .order_by(Handover.at.desc()).first())
    if received is not None:
        parts.append(tr("package.last_received", officer=received.officer or "?",
                        when=describe_time(received.at)))
    return " ".join(parts)
