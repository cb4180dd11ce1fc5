"""Hand-over packages: "Kirim data" writes one, "Terima data" merges one.

A package is a zip file (optionally encrypted, see ``encrypt``):

- ``manifest.json``: format, package id, source installation, officer,
  kecamatan, program and schema version, export time, counts, and the
  SHA-256 and size of every other entry;
- ``signature.json``: the sending installation's Ed25519 public key and its
  signature of the exact ``manifest.json`` bytes (``services/signing.py``);
  the first package merged from an installation pins its key, a later one
  signed by another key is refused unless the officer trusts it deliberately;
- ``records/<table>.json``: the records of every travelling table (see
  ``imp_desktop.data.sync``), foreign keys as UUIDs;
- ``deleted.json``: records exchanged before and since deleted here;
- ``audit.json``: the audit trail, so the district sees the history;
- ``media/<sha256>.<ext>``: the photos.

Merging matches records by UUID (reference data by its natural key, and a
record whose unique field, e.g. a NIK, already belongs to another local
record is matched to that record; a catalogue or rule version by its content,
never by its number, see ``sync.LOCAL_NUMBERS``). Such a match is found again
from the version kept in ``sync_state`` when a later package only points at
the record. Each field is compared three ways against
the version last exchanged (``sync_state``): changed on one side only, the
change is taken; changed on both sides to different values, it is a conflict
decided by the default policy (keep theirs / keep mine) or field by field.
The whole package is checked before anything is written, and the merge is
one transaction; merging the same package twice changes nothing.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from peewee import ForeignKeyField, IntegrityError

from imp_desktop import __version__
from imp_desktop.data import migrations
from imp_desktop.data.audit import write_entries
from imp_desktop.data.backup import media_dir
from imp_desktop.data.db import database_file, schema_version
from imp_desktop.data.models import AuditEntry, Handover, Region, SyncState, database, new_uuid, utc_now
from imp_desktop.data.sync import (
    COMPACT,
    CONTENT_CHILDREN,
    DERIVED_FIELDS,
    LOCAL_NUMBERS,
    META_FIELDS,
    NATURAL_KEYS,
    UuidMap,
    bulk_insert,
    chunks,
    data_fields,
    dumps,
    ids_by_uuid,
    installation_id,
    is_id_reference,
    plain,
    record_dicts,
    table_of,
    travelling_models,
)
from imp_desktop.errors import UserError
from imp_desktop.i18n import tr
from imp_desktop.services import signing

FORMAT = "imp-desktop-package"
FORMAT_VERSION = 2          # 2: signed (signature.json); unsigned packages are refused
MANIFEST = "manifest.json"
SIGNATURE = "signature.json"
ENCRYPTED_MAGIC = b"IMPDPKG-AESGCM1\n"
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2 ** 15, 8, 1
MAX_ENTRY_BYTES = 2 * 1024 ** 3

Progress = Callable[[int, int], None]


# --- encryption ----------------------------------------------------------------
def _key(passphrase: str, salt: bytes) -> bytes:
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    return Scrypt(salt=salt, length=32, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P).derive(
        passphrase.encode("utf-8"))


def encrypt(data: bytes, passphrase: str) -> bytes:
    """AES-256-GCM with a key from scrypt; the header is authenticated too."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    salt, nonce = os.urandom(16), os.urandom(12)
    header = ENCRYPTED_MAGIC + salt + nonce
    return header + AESGCM(_key(passphrase, salt)).encrypt(nonce, data, header)


def decrypt(blob: bytes, passphrase: str | None, where: str) -> bytes:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    if not passphrase:
        raise UserError(tr("package.error.needs_passphrase", path=where))
    start = len(ENCRYPTED_MAGIC)
    salt, nonce = blob[start:start + 16], blob[start + 16:start + 28]
    header = blob[:start + 28]
    if len(salt) != 16 or len(nonce) != 12:
        raise UserError(tr("package.error.damaged", path=where, detail="header"))
    try:
        return AESGCM(_key(passphrase, salt)).decrypt(nonce, blob[start + 28:], header)
    except InvalidTag:
        raise UserError(tr("package.error.wrong_passphrase", path=where)) from None


def is_encrypted(path: str | Path) -> bool:
    with open(path, "rb") as handle:
        return handle.read(len(ENCRYPTED_MAGIC)) == ENCRYPTED_MAGIC


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


def _referenced_regions(tables: dict[str, list[dict]]) -> list[dict]:
    """The regions the exported records point at, with their parents."""
    codes = set()
    for model in travelling_models():
        if table_of(model) == "region":
            continue
        for fld in data_fields(model):
            if isinstance(fld, ForeignKeyField) and fld.rel_model is Region:
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


def export_package(out: str | Path, *, since_last: bool = False, office: str | None = None,
                   passphrase: str | None = None, progress: Progress | None = None) -> ExportSummary:
    """Write a hand-over package of this installation's data to ``out``."""
    # Long on purpose: the package is written in one pass inside one read
    # transaction (records, deletions, photos, manifest, signature), in file order.
    out = Path(out)
    office = office or default_office()
    previous = last_export(office) if since_last else None
    since = previous.at if previous else None
    uuids = UuidMap()
    models = [m for m in travelling_models() if table_of(m) != "region"]
    tables: dict[str, list[dict]] = {}
    bases = _bases()
    deleted: dict[str, list[str]] = {}
    for index, model in enumerate(models):
        table = table_of(model)
        rows = record_dicts(model, uuids)
        present = {row["uuid"] for row in rows}
        if since is not None:
            known = bases.get(table, {})
            rows = [row for row in rows if row["updated_at"] > since
                    or known.get(row["uuid"]) != _content(row)]
        tables[table] = rows
        gone = sorted(set(bases.get(table, {})) - present)
        if gone:
            deleted[table] = gone
        if progress:
            progress(index + 1, len(models) + 3)
    if deleted:   # a record merged into one of ours under another uuid is not deleted
        matched = _match_elsewhere({t: [json.loads(bases[t][u]) for u in gone]
                                    for t, gone in deleted.items()}, None, bases, uuids)
        elsewhere = {(table_of(model), record_uuid) for model, record_uuid in matched}
        deleted = {t: kept for t, gone in deleted.items()
                   if (kept := [u for u in gone if (t, u) not in elsewhere])}
    tables["region"] = _referenced_regions(tables)
    audit = record_dicts(AuditEntry, uuids, None if since is None else AuditEntry.at > since)
    photos = []
    db_file = database_file()
    if db_file is not None and media_dir(db_file).is_dir():
        since_ts = dt.datetime.fromisoformat(since).timestamp() if since else None
        photos = sorted(p for p in media_dir(db_file).iterdir() if p.is_file()
                        and (since_ts is None or p.stat().st_mtime > since_ts))
    officer, kecamatan = _officer_block()
    own_key = signing.own_public_key()      # made on first need, before the file
    package_id = new_uuid()
    entries: dict[str, dict] = {}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        def put(name: str, data: bytes, compress=zipfile.ZIP_DEFLATED):
            zf.writestr(name, data, compress_type=compress)
            entries[name] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}

        for table, rows in tables.items():
            put(f"records/{table}.json", json.dumps(rows, ensure_ascii=False).encode("utf-8"))
        put("deleted.json", json.dumps(deleted).encode("utf-8"))
        put("audit.json", json.dumps(audit, ensure_ascii=False).encode("utf-8"))
        for photo in photos:
            put(f"media/{photo.name}", photo.read_bytes(), zipfile.ZIP_STORED)
        manifest = {
            "format": FORMAT, "format_version": FORMAT_VERSION, "package_id": package_id,
            "installation": installation_id(), "officer": officer, "kecamatan": kecamatan,
            "office": office, "program": "IMP Desktop", "program_version": __version__,
            "schema_version": schema_version(database.obj), "exported_at": utc_now(),
            "since": since, "encrypted": bool(passphrase),
            "counts": {t: len(r) for t, r in tables.items()}, "entries": entries,
        }
        manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8")
        zf.writestr(MANIFEST, manifest_bytes)
        # The manifest hashes every other entry: signing it signs the package.
        zf.writestr(SIGNATURE, json.dumps(signing.sign(manifest_bytes), indent=1))
    data = buffer.getvalue()
    if passphrase:
        data = encrypt(data, passphrase)
    partial = out.with_name(out.name + ".part")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with open(partial, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, out)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise UserError(tr("package.error.write", path=str(out), detail=exc.strerror or exc))
    if progress:
        progress(len(models) + 2, len(models) + 3)
    # Only once the file is safely written: what was sent is now the common version.
    with database.atomic():
        _store_bases({t: r for t, r in tables.items() if t != "region"}, deleted)
        Handover.create(direction="export", office=office, package_id=package_id,
                        installation=manifest["installation"], officer=officer["name"],
                        at=manifest["exported_at"],
                        summary=dumps({"records": sum(map(len, tables.values())),
                                       "photos": len(photos),
                                       "key": signing.fingerprint(own_key)}))
    if progress:
        progress(len(models) + 3, len(models) + 3)
    records = sum(len(rows) for table, rows in tables.items() if table != "region")
    return ExportSummary(out, records, sum(map(len, deleted.values())), len(photos),
                         len(audit), since, signing.fingerprint(own_key))


def _content(row: dict) -> str:
    """A record as stored for the common version: its fields without the times."""
    return COMPACT.encode({**row, **_NO_TIMES})


# sync_state keeps one snapshot row per table (schema 9): record_uuid is this
# marker and data a JSON object {record uuid: content}. Writing 100,000 rows of
# one line each cost more than the rest of a hand-over.
SNAPSHOT = "*"


def _bases() -> dict[str, dict[str, str]]:
    """table -> uuid -> content of the version last exchanged."""
    result: dict[str, dict[str, str]] = {}
    query = SyncState.select(SyncState.record_table, SyncState.record_uuid, SyncState.data)
    for table, record_uuid, data in query.tuples().iterator():
        if record_uuid == SNAPSHOT:
            result.setdefault(table, {}).update(json.loads(data))
        else:   # a row of its own (how schema 7 and 8 kept them)
            result.setdefault(table, {})[record_uuid] = data
    return result


def _store_bases(tables: dict[str, list[dict]], deleted: dict[str, list[str]],
                 bases: dict | None = None) -> None:
    """What was exchanged becomes the common version: ``tables`` rows replace
    theirs, ``deleted`` uuids go; a table's snapshot is written only if it changed."""
    bases = _bases() if bases is None else bases
    now = utc_now()
    for table in sorted(set(tables) | set(deleted)):
        known = bases.get(table, {})
        updated = dict(known)
        for row in tables.get(table, ()):
            updated[row["uuid"]] = _content(row)
        for gone in deleted.get(table, ()):
            updated.pop(gone, None)
        if updated == known:
            continue
        _write_snapshot(table, COMPACT.encode(updated), now)


def _write_snapshot(table: str, data: str, now: str) -> None:
    SyncState.delete().where((SyncState.record_table == table)
                             & (SyncState.record_uuid != SNAPSHOT)).execute()
    changed = SyncState.update(data=data, updated_at=now).where(
        (SyncState.record_table == table) & (SyncState.record_uuid == SNAPSHOT)).execute()
    if not changed:
        SyncState.insert(uuid=new_uuid(), created_at=now, updated_at=now, record_table=table,
                         record_uuid=SNAPSHOT, data=data).execute()


# --- reading and checking a package ---------------------------------------------------
# Where the key that signed a package stands with this installation.
KEY_NEW = "new"           # the first package from that installation: its key gets pinned
KEY_KNOWN = "known"       # the key pinned for that installation
KEY_TRUSTED = "trusted"   # another key, accepted deliberately (trust_new_key)
KEY_OWN = "own"           # a package of this installation itself


class KeyChangedError(UserError):
    """A package names an installation whose pinned key is another one."""

    def __init__(self, where: str, officer: str, fingerprint: str, pinned: str):
        self.path, self.officer, self.fingerprint, self.pinned = where, officer, fingerprint, pinned
        super().__init__(tr("package.error.key_changed", path=where, officer=officer,
                            fingerprint=fingerprint, pinned=pinned))


@dataclass
class Package:
    manifest: dict
    tables: dict[str, list[dict]]
    deleted: dict[str, list[str]]
    audit: list[dict]
    media: dict[str, bytes]
    signing_key: str = ""          # base64 Ed25519 public key that signed the manifest
    key_status: str = KEY_NEW

    @property
    def officer_name(self) -> str:
        officer = self.manifest.get("officer")
        return (officer.get("name") if isinstance(officer, dict) else "") or ""

    @property
    def installation(self) -> str:
        return self.manifest.get("installation") or ""

    @property
    def fingerprint(self) -> str:
        return signing.fingerprint(self.signing_key) if self.signing_key else ""

    def key_note(self) -> str:
        """One sentence for the preview: the sender's key and what it means here."""
        officer = self.officer_name or "?"
        return tr("package.key.sender", fingerprint=self.fingerprint) + " " + \
            tr(f"package.key.{self.key_status}", officer=officer)


def read_package(path: str | Path, passphrase: str | None = None, *,
                 trust_new_key: bool = False) -> Package:
    """Read and verify a package completely; UserError when anything is off.

    Nothing is written anywhere: a damaged, truncated, altered or unsigned
    package is refused here, before a merge starts, and so is one that names
    an installation whose pinned key is another one (``KeyChangedError``)
    unless ``trust_new_key`` (the officer compared the fingerprint by phone).
    """
    path = Path(path)
    where = str(path)
    try:
        blob = path.read_bytes()
    except OSError as exc:
        raise UserError(tr("package.error.read", path=where, detail=exc.strerror or exc)) from exc
    if blob.startswith(ENCRYPTED_MAGIC):
        blob = decrypt(blob, passphrase, where)
    try:
        zf = zipfile.ZipFile(io.BytesIO(blob))
        manifest_bytes = zf.read(MANIFEST)
        manifest = json.loads(manifest_bytes)
    except (KeyError, ValueError, zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise UserError(tr("package.error.not_package", path=where)) from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise UserError(tr("package.error.not_package", path=where))
    try:
        format_version = int(manifest.get("format_version", 0))
        too_new = format_version > FORMAT_VERSION or \
            int(manifest.get("schema_version", 0)) > migrations.latest_version()
    except (TypeError, ValueError) as exc:
        raise UserError(tr("package.error.not_package", path=where)) from exc
    if too_new:
        raise UserError(tr("package.error.too_new", path=where))
    signing_key = _verify_signature(zf, manifest_bytes, format_version, where)
    installation = manifest.get("installation")
    if not isinstance(installation, str) or not 0 < len(installation) <= 64:
        raise UserError(tr("package.error.damaged", path=where, detail="installation"))
    entries = manifest.get("entries") or {}
    if not isinstance(entries, dict) or \
            not all(isinstance(e, dict) for e in entries.values()):
        raise UserError(tr("package.error.damaged", path=where, detail=MANIFEST))
    names = set(zf.namelist()) - {MANIFEST, SIGNATURE}
    if names != set(entries):
        raise UserError(tr("package.error.damaged", path=where, detail=tr(
            "package.detail.entries", count=len(names ^ set(entries)))))
    contents: dict[str, bytes] = {}
    for name, expected in entries.items():
        try:
            if int(expected.get("size", 0)) > MAX_ENTRY_BYTES:
                raise ValueError(name)
            data = zf.read(name)
        except (KeyError, ValueError, zipfile.BadZipFile, zlib.error, EOFError) as exc:
            raise UserError(tr("package.error.damaged", path=where, detail=name)) from exc
        if hashlib.sha256(data).hexdigest() != expected.get("sha256") or \
                len(data) != expected.get("size"):
            raise UserError(tr("package.error.damaged", path=where, detail=name))
        contents[name] = data
    try:
        tables = {name[len("records/"):-len(".json")]: json.loads(data)
                  for name, data in contents.items() if name.startswith("records/")}
        deleted = json.loads(contents.get("deleted.json", b"{}"))
        audit = json.loads(contents.get("audit.json", b"[]"))
    except ValueError as exc:
        raise UserError(tr("package.error.damaged", path=where, detail="json")) from exc
    media = {}
    for name, data in contents.items():
        if name.startswith("media/"):
            file_name = name[len("media/"):]
            if "/" in file_name or "\\" in file_name or file_name in ("", ".", ".."):
                raise UserError(tr("package.error.damaged", path=where, detail=name))
            stem = file_name.split(".")[0]
            if len(stem) == 64 and hashlib.sha256(data).hexdigest() != stem:
                raise UserError(tr("package.error.damaged", path=where, detail=name))
            media[file_name] = data
    _check_shape(tables, deleted, audit, where)
    package = Package(manifest, tables, deleted, audit, media, signing_key)
    package.key_status = _key_status(package, where, trust_new_key)
    return package


def _verify_signature(zf: zipfile.ZipFile, manifest_bytes: bytes, format_version: int,
                      where: str) -> str:
    """The public key that signed the manifest; UserError when unsigned or altered."""
    if format_version < 2 or SIGNATURE not in zf.namelist():
        raise UserError(tr("package.error.unsigned", path=where))
    try:
        block = json.loads(zf.read(SIGNATURE))
        return signing.verify(manifest_bytes, block)
    except (signing.SignatureError, KeyError, ValueError, zipfile.BadZipFile, zlib.error,
            EOFError) as exc:
        raise UserError(tr("package.error.bad_signature", path=where)) from exc


def _key_status(package: Package, where: str, trust_new_key: bool) -> str:
    """Compare the package's key with the one pinned for its installation."""
    own = signing.is_own_installation(package.installation)
    pin = signing.pinned_key(package.installation)
    if pin is not None and pin.public_key == package.signing_key:
        return KEY_OWN if own else KEY_KNOWN
    if pin is None and not own:
        return KEY_NEW
    if trust_new_key:
        return KEY_TRUSTED
    raise KeyChangedError(where, package.officer_name or "?", package.fingerprint,
                          pin.fingerprint if pin is not None else "—")


def _pin_sender_key(package: Package, write: bool) -> None:
    """Check again what is pinned now (a merge may have pinned a key meanwhile) and,
    with ``write`` (inside the merge's transaction), pin the sender's key."""
    if signing.is_own_installation(package.installation):
        return
    pin = signing.pinned_key(package.installation)
    if pin is not None and pin.public_key == package.signing_key:
        return
    if pin is not None and package.key_status != KEY_TRUSTED:
        raise KeyChangedError(package.manifest.get("package_id") or "?",
                              package.officer_name or "?", package.fingerprint, pin.fingerprint)
    if write:
        signing.pin_key(package.installation, package.signing_key, package.officer_name)


def _check_shape(tables, deleted, audit, where: str) -> None:
    known = {table_of(m) for m in travelling_models()}
    ok = isinstance(tables, dict) and isinstance(deleted, dict) and isinstance(audit, list)
    for table, rows in tables.items() if ok else ():
        if table not in known or not isinstance(rows, list) or \
                not all(isinstance(r, dict) and isinstance(r.get("uuid"), str) for r in rows):
            ok = False
    if ok and not all(isinstance(e, dict) and isinstance(e.get("uuid"), str) for e in audit):
        ok = False
    if not ok:
        raise UserError(tr("package.error.damaged", path=where, detail="records"))


# --- planning a merge ------------------------------------------------------------------
@dataclass
class Conflict:
    table: str
    record_uuid: str
    field: str
    base: object
    mine: object
    theirs: object
    label: str = ""

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.table, self.record_uuid, self.field)

    def describe(self) -> str:
        return tr("package.conflict.line", record=self.label or self.record_uuid,
                  field=self.field, mine=_show(self.mine), theirs=_show(self.theirs))


def _show(value) -> str:
    return "—" if value in (None, "") else str(value)


@dataclass
class RecordPlan:
    model: object
    theirs: dict
    local_id: int | None           # None: a new record
    changes: dict = field(default_factory=dict)      # field -> theirs value, taken
    conflicts: list = field(default_factory=list)
    derived: dict = field(default_factory=dict)      # derived fields changed on both sides


@dataclass
class MergePlan:
    package: Package
    records: list[RecordPlan]
    deletions: list[tuple[object, str, int]]      # (model, uuid, local id)
    kept_deleted: list[tuple[str, str]]            # deleted there, changed here: kept
    aliases: dict                                  # (model, their uuid) -> local id
    new_audit: list[dict]
    new_media: dict[str, bytes]
    unchanged: int = 0
    bases: dict | None = None      # the common versions read when planning

    @property
    def conflicts(self) -> list[Conflict]:
        return [c for plan in self.records for c in plan.conflicts]

    @property
    def added(self) -> int:
        return sum(1 for plan in self.records if plan.local_id is None)

    @property
    def updated(self) -> int:
        return sum(1 for plan in self.records if plan.local_id is not None
                   and (plan.changes or plan.conflicts))


def _label(row: dict) -> str:
    for key in ("name", "title", "period", "key", "code", "number", "file_name"):
        if row.get(key):
            return str(row[key])
    return row.get("uuid", "")


_NO_TIMES = {"created_at": None, "updated_at": None}


def _unique_keys(model) -> list[tuple[str, ...]]:
    """Field-name tuples that must be unique (besides id and uuid)."""
    keys = [(f.name,) for f in data_fields(model) if f.unique]
    for index in model._meta.indexes or ():
        if isinstance(index, (tuple, list)) and len(index) == 2 and index[1]:
            keys.append(tuple(index[0]))
    return keys


def _same(theirs: dict, mine: dict, number: str | None) -> bool:
    """The same content on both sides (times and a local version number aside)."""
    ignore = {**_NO_TIMES, number: None} if number else _NO_TIMES
    return {**theirs, **ignore} == {**mine, **ignore}


def _comparable(field_obj, value):
    """A JSON value as the database stores it, for comparison."""
    if value is None:
        return None
    try:
        return plain(field_obj.python_value(field_obj.db_value(value)))
    except (TypeError, ValueError):
        return value


def _recalled(package: Package, models: list, bases: dict, uuids: UuidMap,
              in_package: dict) -> dict[str, list[dict]]:
    """The common versions of records the package points at without carrying them.

    A package sent "since the last one" leaves out what did not change, e.g. the
    indicator list its new checklists use. When that record was matched to
    another local record at an earlier merge (a NIK, the same catalogue version
    under another uuid), the version kept from that merge lets it be matched
    again: table -> rows, used only to find the local record.
    """
    recalled: dict[str, list[dict]] = {}
    references = {model: [f for f in data_fields(model) if is_id_reference(f)] for model in models}
    todo = [(model, package.tables.get(table_of(model)) or []) for model in models
            if references[model]]
    seen: dict[str, set] = {}
    while todo:
        model, rows = todo.pop()
        for fld in references[model]:
            target = table_of(fld.rel_model)
            # column by column: the values pointed at, less those already placed
            values = {row.get(fld.name) for row in rows}
            values.discard(None)
            values -= in_package.get(target, set())
            done = seen.setdefault(target, set())
            values -= done
            done |= values
            for value in values:
                if uuids.id_of(fld.rel_model, value) is not None:
                    continue
                text = bases.get(target, {}).get(value)
                if text is not None and fld.rel_model in references:
                    row = json.loads(text)
                    recalled.setdefault(target, []).append(row)
                    todo.append((fld.rel_model, [row]))
    return recalled


class _Contents:
    """Content signatures of the versions of a LOCAL_NUMBERS table (see sync)."""

    def __init__(self, model, package: Package | None, bases: dict, uuids: UuidMap,
                 mine_rows: dict):
        self.model, self.package, self.bases = model, package, bases
        self.number = LOCAL_NUMBERS[table_of(model)]
        self.fields = [f for f in data_fields(model) if f.name != self.number]
        child_table, self.link = CONTENT_CHILDREN.get(table_of(model), (None, None))
        self.child = next((m for m in travelling_models() if table_of(m) == child_table), None)
        self.child_fields = [f for f in data_fields(self.child) if f.name != self.link] \
            if self.child else []
        self._base_children: dict | None = None
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
        own = tuple(_comparable(f, row.get(f.name)) for f in self.fields)
        if self.child is None:
            return own
        if not children:
            return None      # its content did not come with it: no match by content
        return own, tuple(sorted(repr(tuple(_comparable(f, c.get(f.name))
                                            for f in self.child_fields)) for c in children))

    def match(self, theirs: dict) -> dict | None:
        """The local version with the same content as ``theirs``, if there is one."""
        children = []
        if self.child is not None:
            in_package = self.package.tables if self.package is not None else {}
            children = [r for r in in_package.get(table_of(self.child)) or ()
                        if r.get(self.link) == theirs["uuid"]]
            if not children:    # a record recalled from an earlier merge
                if self._base_children is None:
                    self._base_children = {}
                    for text in self.bases.get(table_of(self.child), {}).values():
                        row = json.loads(text)
                        self._base_children.setdefault(row.get(self.link), []).append(row)
                children = self._base_children.get(theirs["uuid"], [])
        signature = self._signature(theirs, children)
        return None if signature is None else self.mine.get(signature)


class _Local:
    """The local records of one table, to find the one a record of theirs is."""

    def __init__(self, model, package: Package | None, bases: dict, uuids: UuidMap):
        self.model, self.uuids = model, uuids
        table = table_of(model)
        self.natural = NATURAL_KEYS.get(table)
        self.number = LOCAL_NUMBERS.get(table)
        self.rows = {row["uuid"]: row for row in record_dicts(model, uuids)}
        self.by_natural = ({row[self.natural]: row for row in self.rows.values()}
                           if self.natural else {})
        self.unique = {key: {tuple(r.get(k) for k in key): r for r in self.rows.values()
                             if all(r.get(k) is not None for k in key)}
                       for key in _unique_keys(model) if self.number not in key}
        self.contents = (_Contents(model, package, bases, uuids, self.rows)
                         if self.number else None)
        self.matchable = any(self.unique.values()) or self.contents is not None

    def find(self, theirs: dict, aliases: dict) -> dict | None:
        """A local record with another uuid that is the same record: its unique
        field (a NIK) or, for a version, its content (see sync.LOCAL_NUMBERS)."""
        if not self.matchable:
            return None     # nothing here to match (a fresh installation)
        for key, index in self.unique.items():
            if not index:
                continue    # nothing here to match (a fresh installation)
            values = tuple(_translate_alias(self.model, k, theirs.get(k), aliases, self.uuids)
                           for k in key)
            if None not in values and values in index:
                return index[values]
        return self.contents.match(theirs) if self.contents is not None else None


def _match_elsewhere(rows: dict[str, list[dict]], package: Package | None, bases: dict,
                     uuids: UuidMap) -> dict:
    """(model, their uuid) -> local id for records not here under their uuid that
    were matched to another local record (common versions kept from a merge)."""
    aliases: dict = {}
    for model in travelling_models():
        table = table_of(model)
        if not rows.get(table):
            continue
        local = _Local(model, package, bases, uuids)
        for theirs in rows[table]:
            theirs = {**theirs, **{f.name: _translate_alias(model, f.name, theirs.get(f.name),
                                                            aliases, uuids)
                                   for f in data_fields(model) if is_id_reference(f)}}
            mine = local.by_natural.get(theirs.get(local.natural)) if local.natural else None
            mine = mine or local.find(theirs, aliases)
            if mine is not None:
                aliases[(model, theirs["uuid"])] = uuids.id_of(model, mine["uuid"])
    return aliases


def plan_merge(package: Package, progress: Progress | None = None) -> MergePlan:
    """Work out what merging ``package`` would change; writes nothing."""
    # Long on purpose: one pass over the package's tables in dependency order,
    # matching each record (uuid, natural key, unique field) before the next table.
    uuids = UuidMap()
    bases = _bases()
    records: list[RecordPlan] = []
    unchanged = 0
    models = travelling_models()
    in_package = {table: {row["uuid"] for row in rows} for table, rows in package.tables.items()}
    aliases = _match_elsewhere(_recalled(package, models, bases, uuids, in_package), package,
                               bases, uuids)
    seen: set = set()
    for step, model in enumerate(models):
        table = table_of(model)
        rows = package.tables.get(table) or []
        if not rows:
            continue
        fields = {f.name: f for f in data_fields(model)}
        local = _Local(model, package, bases, uuids)
        natural, number = local.natural, local.number
        taken = {row[number] for row in local.rows.values()} if number else set()
        aliased = [f for f in fields.values() if is_id_reference(f)
                   and any(key[0] is f.rel_model for key in aliases)]
        for theirs in rows:
            if aliased:   # point at the local records their references were matched to
                theirs = dict(theirs)
                for fld in aliased:
                    theirs[fld.name] = _translate_alias(model, fld.name, theirs.get(fld.name),
                                                        aliases, uuids)
            mine = local.rows.get(theirs["uuid"])
            if mine is not None and _same(theirs, mine, number):
                unchanged += 1      # the same on both sides: nothing to look at
                continue
            _check_references(model, theirs, uuids, in_package, package, seen, aliases)
            if mine is None and natural:
                mine = local.by_natural.get(theirs.get(natural))
                if mine is not None or table == "region":
                    if mine is None:
                        records.append(RecordPlan(model, theirs, None))
                    else:
                        unchanged += 1     # reference data: ours stays as it is
                    continue
            if mine is None:
                mine = local.find(theirs, aliases)
            if mine is None:
                if number and (theirs.get(number) is None or theirs[number] in taken):
                    # A version made elsewhere whose number is used here: its own version.
                    theirs = {**theirs, number: max(taken, default=0) + 1}
                if number:
                    taken.add(theirs[number])
                records.append(RecordPlan(model, theirs, None))
                continue
            local_id = uuids.id_of(model, mine["uuid"])
            if mine["uuid"] != theirs["uuid"]:
                aliases[(model, theirs["uuid"])] = local_id
            base_text = bases.get(table, {}).get(mine["uuid"]) or \
                bases.get(table, {}).get(theirs["uuid"])
            base = json.loads(base_text) if base_text else None
            plan = RecordPlan(model, theirs, local_id)
            label = _label(mine)
            for name, fld in fields.items():
                if name not in theirs or name == number:
                    continue        # an older program's package lacks this field
                t = _comparable(fld, _translate_alias(model, name, theirs[name], aliases, uuids))
                m = _comparable(fld, mine.get(name))
                if t == m:
                    continue
                b = _comparable(fld, base.get(name)) if base is not None and name in base else None
                if base is not None and m == b:
                    plan.changes[name] = t
                elif base is not None and t == b:
                    continue        # only changed here: keep ours
                elif name in DERIVED_FIELDS:
                    plan.derived[name] = t
                else:
                    plan.conflicts.append(Conflict(table, mine["uuid"], name, b, m, t, label))
            if plan.changes or plan.conflicts:
                records.append(plan)
            elif plan.derived:
                unchanged += 1     # only the search text differs: nothing to decide
            else:
                unchanged += 1
        if progress:
            progress(step + 1, len(models))
    deletions, kept = [], []
    for table, gone in (package.deleted or {}).items():
        model = next((m for m in models if table_of(m) == table), None)
        if model is None:
            continue
        for record_uuid in gone:
            local_id = uuids.id_of(model, record_uuid)
            if local_id is None:
                continue
            base_text = bases.get(table, {}).get(record_uuid)
            mine = record_dicts(model, uuids, model.id == local_id)
            if base_text is not None and mine and \
                    {**json.loads(base_text), **_NO_TIMES} == {**mine[0], **_NO_TIMES}:
                deletions.append((model, record_uuid, local_id))
            else:
                kept.append((table, record_uuid))
    have_audit = set(ids_by_uuid(AuditEntry, [e["uuid"] for e in package.audit]))
    new_audit = [e for e in package.audit if e["uuid"] not in have_audit]
    folder = media_dir(database_file()) if database_file() else None
    new_media = {name: data for name, data in package.media.items()
                 if folder is None or not (folder / name).exists()}
    return MergePlan(package, records, deletions, kept, aliases, new_audit, new_media, unchanged,
                     bases)


def _translate_alias(model, name, value, aliases, uuids: UuidMap):
    """A foreign-key uuid of theirs that was matched to another local record."""
    fld = model._meta.fields.get(name)
    if value is None or not is_id_reference(fld):
        return value
    local = aliases.get((fld.rel_model, value))
    if local is None:
        return value
    return uuids.uuid_of(fld.rel_model, local)


_REFERENCES: dict = {}


def _references(model) -> list:
    """(field, target table, by local id?) of each foreign key of ``model``."""
    if model not in _REFERENCES:
        _REFERENCES[model] = [(f, table_of(f.rel_model), is_id_reference(f))
                              for f in data_fields(model) if isinstance(f, ForeignKeyField)]
    return _REFERENCES[model]


def _check_references(model, row, uuids: UuidMap, in_package, package, seen: set,
                      aliases: dict) -> None:
    """Every record a package's record points at must be in the package or here."""
    for fld, target, by_id in _references(model):
        value = row.get(fld.name)
        if value is None or (target, value) in seen:
            continue
        if by_id:
            found = value in in_package.get(target, ()) or \
                uuids.id_of(fld.rel_model, value) is not None or (fld.rel_model, value) in aliases
        else:
            found = any(r.get(fld.rel_field.name) == value for r in package.tables.get(target, ())) \
                or fld.rel_model.select().where(fld.rel_field == value).exists()
        seen.add((target, value))
        if not found:
            raise UserError(tr("package.error.reference", path=package.manifest.get("package_id"),
                               table=table_of(model), field=fld.name))


# --- applying a merge -------------------------------------------------------------------
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


_SPECS: dict = {}


def _insert_spec(model) -> list[tuple[str, object]]:
    """(field name, referenced model or None) of the content fields of ``model``."""
    if model not in _SPECS:
        _SPECS[model] = [(name, fld.rel_model if is_id_reference(fld) else None)
                         for name, fld in model._meta.fields.items() if name not in META_FIELDS]
    return _SPECS[model]


def _db_value(model, name, value, uuids: UuidMap, aliases):
    fld = model._meta.fields[name]
    if value is not None and is_id_reference(fld):
        local = aliases.get((fld.rel_model, value))
        return local if local is not None else uuids.id_of(fld.rel_model, value)
    return value


def apply_merge(plan: MergePlan, policy: str = "mine",
                resolutions: dict | None = None, progress: Progress | None = None) -> MergeResult:
    """Write a planned merge in one transaction.

    ``policy`` ("theirs" or "mine") decides every conflict not in
    ``resolutions`` ({(table, uuid, field): "theirs" | "mine"}).
    """
    # Long on purpose: the whole merge is one transaction, table by table in
    # dependency order; its steps share the id maps being built.
    if policy not in ("theirs", "mine"):
        raise ValueError(policy)
    resolutions = resolutions or {}
    package = plan.package
    result = MergeResult(unchanged=plan.unchanged, conflicts=plan.conflicts,
                         kept_deleted=len(plan.kept_deleted), officer=package.officer_name,
                         fingerprint=package.fingerprint, key_status=package.key_status)
    source = package.officer_name or "?"
    who = tr("package.audit.who", officer=_local_officer(), source=source)
    _pin_sender_key(package, write=False)      # before anything is written
    db_file = database_file()
    if plan.new_media and db_file is not None:
        # Photos first: named by their content, harmless if the merge fails.
        folder = media_dir(db_file)
        folder.mkdir(parents=True, exist_ok=True)
        for name, data in plan.new_media.items():
            partial = folder / (name + ".part")
            partial.write_bytes(data)
            os.replace(partial, folder / name)
        result.photos = len(plan.new_media)
    uuids = UuidMap()
    now = utc_now()     # one time for the whole merge: it is one action
    total = len(plan.records) + 2
    try:
        with database.atomic():
            _pin_sender_key(package, write=True)
            deferred = []
            pending: dict = {}     # model -> rows waiting for one batch insert

            def flush(model):
                rows = pending.pop(model, [])
                groups: dict = {}
                for values, later in rows:
                    groups.setdefault(tuple(values), []).append(values)
                for group in groups.values():
                    bulk_insert(model, group)
                fresh = [values["uuid"] for values, _ in rows]
                for new_uuid_, new_id in ids_by_uuid(model, fresh).items():
                    uuids.add(model, new_id, new_uuid_)
                for values, later in rows:
                    if later:
                        deferred.append((model, uuids.id_of(model, values["uuid"]), later))

            for index, record in enumerate(plan.records):
                model, theirs = record.model, record.theirs
                table = table_of(model)
                if record.local_id is None:
                    for other in [m for m in pending if m is not model]:
                        flush(other)   # its ids are needed by this table's references
                    values = {"uuid": theirs["uuid"],
                              "created_at": theirs.get("created_at") or now,
                              "updated_at": now}
                    later = {}
                    for name, target in _insert_spec(model):
                        if name not in theirs:
                            continue
                        value = theirs[name]
                        if target is not None and value is not None:
                            local = plan.aliases.get((target, value))
                            value = local if local is not None else uuids.id_of(target, value)
                        if value is None and theirs[name] is not None:
                            later[name] = theirs[name]     # its record comes later
                            values[name] = None
                        else:
                            values[name] = value
                    pending.setdefault(model, []).append((values, later))
                    # Its history arrives with the package's audit trail.
                    result.added += 1
                else:
                    for other in list(pending):
                        flush(other)
                    changes = dict(record.changes)
                    for conflict in record.conflicts:
                        if resolutions.get(conflict.key, policy) == "theirs":
                            changes[conflict.field] = conflict.theirs
                    if changes and record.derived:
                        changes.update(record.derived)   # follows the fields taken
                    if changes:
                        current = record_dicts(model, uuids, model.id == record.local_id)[0]
                        values = {model._meta.fields[n]: _db_value(model, n, v, uuids,
                                                                   plan.aliases)
                                  for n, v in changes.items()}
                        values[model.updated_at] = utc_now()
                        model.update(values).where(model.id == record.local_id).execute()
                        write_entries(table, current["uuid"], "merge",
                                      [(n, current.get(n), v) for n, v in changes.items()],
                                      officer=who)
                        result.updated += 1
                    else:
                        result.unchanged += 1
                if progress and index % 500 == 0:
                    progress(index, total)
            for model in list(pending):
                flush(model)
            for model, record_id, later in deferred:
                values = {model._meta.fields[n]: _db_value(model, n, v, uuids, plan.aliases)
                          for n, v in later.items()}
                if None in values.values():
                    raise UserError(tr("package.error.reference",
                                       path=package.manifest.get("package_id"),
                                       table=table_of(model), field=next(iter(later))))
                model.update(values).where(model.id == record_id).execute()
            for model, record_uuid, local_id in plan.deletions:
                model.delete().where(model.id == local_id).execute()
                write_entries(table_of(model), record_uuid, "delete", [], officer=who)
                result.deleted += 1
            if plan.new_audit:
                rows = [{k: e.get(k) for k in ("uuid", "created_at", "updated_at", "record_table",
                                               "record_uuid", "action", "field", "old_value",
                                               "new_value", "officer", "installation", "at")}
                        for e in plan.new_audit]
                bulk_insert(AuditEntry, rows)
                result.audit = len(rows)
            # What both sides now hold in common is their version.
            gone: dict[str, list[str]] = {}
            for model, record_uuid, _ in plan.deletions:
                gone.setdefault(table_of(model), []).append(record_uuid)
            _store_bases({t: r for t, r in package.tables.items() if t != "region"}, gone,
                         plan.bases)
            Handover.create(direction="import", office=package.manifest.get("office"),
                            package_id=package.manifest.get("package_id") or new_uuid(),
                            installation=package.manifest.get("installation"),
                            officer=package.officer_name,
                            summary=dumps({"added": result.added, "updated": result.updated,
                                           "deleted": result.deleted,
                                           "key": package.fingerprint,
                                           "key_status": package.key_status}))
    except IntegrityError as exc:
        raise UserError(tr("package.error.integrity", detail=str(exc))) from exc
    if progress:
        progress(total, total)
    return result


def _local_officer() -> str:
    from imp_desktop.data.sync import officer_name

    return officer_name() or "?"


def merge_package(path: str | Path, *, passphrase: str | None = None, policy: str = "mine",
                  resolutions: dict | None = None, progress: Progress | None = None,
                  trust_new_key: bool = False) -> MergeResult:
    """Read, check, plan and apply a package in one go (the command line)."""
    package = read_package(path, passphrase, trust_new_key=trust_new_key)
    plan = plan_merge(package)
    return apply_merge(plan, policy, resolutions, progress)


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
