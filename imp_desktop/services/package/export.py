"""Kirim data: writing a package (everything, or what changed since the last one for that office)."""
from __future__ import annotations

import hashlib
import io
import json
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import orjson
from peewee import ForeignKeyField

from imp_desktop import __version__
from imp_desktop.data import versions
from imp_desktop.data.db import database_file, is_read_only, schema_version
from imp_desktop.data.models import (
    AuditEntry,
    Handover,
    Region,
    database,
    new_uuid,
    utc_now,
)
from imp_desktop.data.sync import (
    UuidMap,
    chunks,
    data_fields,
    dumps,
    installation_id,
    record_dicts,
    records_json,
    table_of,
    travelling_models,
    whole_parts,
)
from imp_desktop.gcpause import paused_gc
from imp_desktop.i18n import tr
from imp_desktop.services import photos as photo_store
from imp_desktop.services import signing
from imp_desktop.services.package.envelope import (
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    SIGNATURE,
    VERSIONS,
    Progress,
    check_passphrase,
    encrypt,
)


# --- export ----------------------------------------------------------------------
@dataclass
class ExportSummary:
    path: Path
    records: int
    deleted: int
    photos: int
    audit: int
    since: str | None
    fingerprint: str = ""       # of the key that signed the package


def default_office() -> str:
    """The office a package goes to by default: the officer's kabupaten/kota."""
    from imp_desktop.services.settings import get_officer

    code = get_officer().kecamatan_code
    if code:
        kabupaten = Region.get_or_none(Region.code == ".".join(code.split(".")[:2]))
        if kabupaten is not None:
            return kabupaten.name
    return tr("package.office.default")


def last_export(office: str) -> Handover | None:
    return (Handover.select().where((Handover.direction == "export") & (Handover.office == office))
            .order_by(Handover.at.desc()).first())


def _officer_block() -> tuple[dict, dict]:
    from imp_desktop.services.settings import get_officer

    officer = get_officer()
    kecamatan = {"code": officer.kecamatan_code, "name": None}
    if officer.kecamatan_code:
        row = Region.get_or_none(Region.code == officer.kecamatan_code)
        kecamatan["name"] = row.name if row else None
    return {"name": officer.name, "nip": officer.nip, "title": officer.title}, kecamatan


def _referenced_regions(tables: dict[str, list[dict]], whole_tables=()) -> list[dict]:
    """The regions the exported records point at, with their parents (every
    record of ``whole_tables``, whose rows are not in ``tables``)."""
    codes = set()
    for model in travelling_models():
        if table_of(model) == "region":
            continue
        for fld in data_fields(model):
            if isinstance(fld, ForeignKeyField) and fld.rel_model is Region:
                if model in whole_tables:
                    codes.update(code for (code,) in model.select(fld).distinct().tuples()
                                 if code)
                    continue
                codes.update(r[fld.name] for r in tables.get(table_of(model), []) if r[fld.name])
    wanted = set()
    for code in codes:
        parts = code.split(".")
        wanted.update(".".join(parts[:n]) for n in range(1, len(parts) + 1))
    if not wanted:
        return []
    rows = []
    wanted = sorted(wanted)
    for chunk in chunks(wanted):
        rows += record_dicts(Region, UuidMap(), Region.code.in_(chunk))
    return rows


class _ZipWriter:
    """A package's zip, its entries written in order by one worker thread, each
    with its hash for the manifest: deflating and hashing (both release the GIL)
    run beside SQLite building the next table's JSON. A failed write fails the
    export at the next ``entries()`` or when the block ends."""

    def __init__(self, buffer: io.BytesIO):
        # Level 1: the JSON shrinks almost as much as at 6, several times faster.
        self._zip = zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1)
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="package-zip")
        self._pending: list = []
        self._entries: dict[str, dict] = {}

    def put(self, name: str, data: bytes, compress=zipfile.ZIP_DEFLATED,
            hashed: bool = True) -> None:
        self._pending.append(self._worker.submit(self._write, name, data, compress, hashed))

    def _write(self, name: str, data: bytes, compress, hashed: bool) -> None:
        self._zip.writestr(name, data, compress_type=compress)
        if hashed:
            self._entries[name] = {"sha256": hashlib.sha256(data).hexdigest(),
                                   "size": len(data)}

    def entries(self) -> dict[str, dict]:
        """name -> {sha256, size} of every entry put so far (once written)."""
        self._wait()
        return dict(self._entries)

    def _wait(self) -> None:
        pending, self._pending = self._pending, []
        for future in pending:
            future.result()

    def __enter__(self) -> _ZipWriter:
        return self

    def __exit__(self, kind, error, trace) -> None:
        try:
            self._worker.shutdown(wait=True)
            if kind is None:
                self._wait()
        finally:
            self._zip.close()


def _json_object(items: dict[str, dict | bytes]) -> bytes:
    """A JSON object of ``items``, whose values are objects to encode or JSON
    already written (bytes)."""
    return b"{" + b",".join(orjson.dumps(key) + b":" + (value if isinstance(value, bytes)
                                                       else orjson.dumps(value))
                            for key, value in items.items()) + b"}"


def _summary(handover: Handover | None) -> dict:
    try:
        value = json.loads(handover.summary) if handover is not None else {}
    except ValueError:
        value = {}
    return value if isinstance(value, dict) else {}


def _whole_wholes(tables: dict, clocks: dict, everything: dict) -> None:
    """A "since the last package" package carries a whole (sync.whole_parts) whole:
    when the record or any part changed, the record and all its parts go, so that
    an installation which had deleted it can take it back complete."""
    for parent_model, parts in whole_parts().items():
        parent_table = table_of(parent_model)
        touched = {row["uuid"] for row in tables.get(parent_table, ())}
        for part_model, link in parts:
            touched.update(row[link] for row in tables.get(table_of(part_model), ()))
        for table, link in [(parent_table, "uuid")] + [(table_of(m), f) for m, f in parts]:
            rows, known = everything[table]
            have = {row["uuid"] for row in tables[table]}
            more = [row for row in rows if row[link] in touched and row["uuid"] not in have]
            tables[table] = tables[table] + more
            clocks[table].update((row["uuid"], known[row["uuid"]].clock) for row in more
                                 if row["uuid"] in known)


@paused_gc
def export_package(out: str | Path, *, since_last: bool = False, office: str | None = None,
                   passphrase: str | None = None, progress: Progress | None = None) -> ExportSummary:
    """Write a hand-over package of this installation's data to ``out``.

    Every record goes with its version (``versions.json``) and every deletion
    as a tombstone (``deleted.json``); "since the last package" to ``office``
    leaves out the records and tombstones whose version did not change since
    then. Writing a package changes nothing a later merge decides: only the
    hand-over is recorded (and records written around the audit trail get
    their first version, as they would have when written)."""
    # Long on purpose: the package is written in one pass inside one read
    # transaction (records, deletions, photos, manifest, signature), in file order.
    out = Path(out)
    if passphrase is not None:
        check_passphrase(passphrase)
    from imp_desktop.fileio import refuse_database_target

    refuse_database_target(out, database_file())   # before any work
    office = office or default_office()
    previous = last_export(office) if since_last else None
    since = previous.at if previous else None
    since_seq = _summary(previous).get("seq") if previous else None
    if not isinstance(since_seq, int):
        since_seq = None        # a package of schema 9: everything goes
    # What a "since the last package" package continues: the receiver must have it.
    after = None if since_seq is None else {
        "package_id": previous.package_id, "seq": since_seq,
        "replica": _summary(previous).get("replica")}
    versions.stamp_unversioned()
    high_water = versions.high_water()
    uuids = UuidMap()
    models = [m for m in travelling_models() if table_of(m) != "region"]
    tables: dict[str, list[dict]] = {}     # the tables written by Python
    clocks: dict[str, dict[str, str] | bytes] = {}     # bytes: the JSON SQLite wrote
    deleted: dict[str, dict[str, str]] = {}
    everything: dict[str, tuple[list[dict], dict]] = {}     # of the tables of wholes
    in_wholes = {table_of(m) for m in whole_parts()} | {
        table_of(m) for parts in whole_parts().values() for m, _ in parts}
    counts: dict[str, int] = {}     # records per table, for the manifest
    buffer = io.BytesIO()
    with _ZipWriter(buffer) as zf:
        for index, model in enumerate(models):
            table = table_of(model)
            fast = records_json(model) if since_seq is None else None
            if fast is not None:    # a whole table: SQLite writes its JSON and its versions'
                zf.put(f"records/{table}.json", fast[0])    # deflated while the next is read
                counts[table] = fast[1]
                clocks[table] = versions.clocks_json(table)
                gone = versions.tombstones(table)
            else:
                known = versions.rows_of(table)
                rows = record_dicts(model, uuids)
                if since_seq is not None and table in in_wholes:
                    everything[table] = (rows, known)
                if since_seq is not None:
                    rows = [row for row in rows if (v := known.get(row["uuid"])) is None
                            or v.seq > since_seq]
                tables[table] = rows
                clocks[table] = {row["uuid"]: known[row["uuid"]].clock for row in rows
                                 if row["uuid"] in known}
                gone = {u: v.clock for u, v in known.items()
                        if v.deleted and (since_seq is None or v.seq > since_seq)}
            if gone:
                deleted[table] = gone
            if progress:
                progress(index + 1, len(models) + 3)
        if everything:
            _whole_wholes(tables, clocks, everything)
        # Regions of every table SQLite wrote (those not in ``tables``) too.
        tables["region"] = _referenced_regions(tables, [m for m in models
                                                        if table_of(m) not in tables])
        # The whole trail (a full package) by SQLite too, else the entries since the last one.
        audit_json = records_json(AuditEntry) if since is None else None
        audit = None if audit_json is not None else \
            record_dicts(AuditEntry, uuids, None if since is None else AuditEntry.at > since)
        audit_count = audit_json[1] if audit_json is not None else len(audit)
        photos = photo_store.photos_for_package(since)
        officer, kecamatan = _officer_block()
        own_key = signing.own_public_key()      # made on first need, before the file
        package_id = new_uuid()
        counts.update((t, len(r)) for t, r in tables.items())
        # orjson: the same compact UTF-8 JSON as json.dumps, several times faster at
        # 100,000 records (any JSON reader reads it).
        for table, rows in tables.items():
            zf.put(f"records/{table}.json", orjson.dumps(rows))
        zf.put(VERSIONS, _json_object(clocks))
        zf.put("deleted.json", orjson.dumps(deleted))
        zf.put("audit.json", audit_json[0] if audit_json is not None else orjson.dumps(audit))
        for photo_name, photo_data in photos:
            zf.put(f"media/{photo_name}", photo_data, zipfile.ZIP_STORED)
        manifest = {
            "format": FORMAT, "format_version": FORMAT_VERSION, "package_id": package_id,
            "installation": installation_id(), "replica": versions.replica_id(),
            "seq": high_water, "officer": officer, "kecamatan": kecamatan,
            "office": office, "program": "IMP Desktop", "program_version": __version__,
            "schema_version": schema_version(database.obj), "exported_at": utc_now(),
            "since": since, "after": after, "encrypted": bool(passphrase),
            "counts": counts, "entries": zf.entries(),
        }
        manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8")
        zf.put(MANIFEST, manifest_bytes, hashed=False)
        # The manifest hashes every other entry: signing it signs the package.
        zf.put(SIGNATURE, json.dumps(signing.sign(manifest_bytes), indent=1).encode("utf-8"),
               hashed=False)
    data = buffer.getvalue()
    if passphrase:
        data = encrypt(data, passphrase)
    from imp_desktop import fileio

    try:
        fileio.private_folder(out.parent)
    except OSError as exc:
        raise fileio.write_error(out, exc) from exc
    fileio.write_bytes_atomically(out, data)
    if progress:
        progress(len(models) + 2, len(models) + 3)
    # Only what was sent up to which change number: "since the last one" starts there.
    # A read-only database cannot record it: the next package simply sends it again.
    if not is_read_only():
        with database.atomic():
            Handover.create(direction="export", office=office, package_id=package_id,
                            installation=manifest["installation"], officer=officer["name"],
                            at=manifest["exported_at"],
                            summary=dumps({"records": sum(counts.values()),
                                           "photos": len(photos), "seq": high_water,
                                           "replica": manifest["replica"],
                                           "key": signing.fingerprint(own_key)}))
    if progress:
        progress(len(models) + 3, len(models) + 3)
    records = sum(n for table, n in counts.items() if table != "region")
    return ExportSummary(out, records, sum(map(len, deleted.values())), len(photos),
                         audit_count, since, signing.fingerprint(own_key))
