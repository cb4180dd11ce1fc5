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
- ``versions.json``: the version of every record sent ({table: {uuid: clock}});
- ``deleted.json``: tombstones of records deleted here ({table: {uuid: clock}});
- ``audit.json``: the audit trail, so the district sees the history;
- ``media/<sha256>.<ext>``: the photos.

Merging matches records by UUID (reference data by its natural key, and a
record whose unique field, e.g. a NIK, already belongs to another local
record is matched to that record, remembered as an alias; a catalogue or rule
version by its content, never by its number, see ``sync.LOCAL_NUMBERS``).
Each field is decided by the record versions (``versions.json``, see
``imp_desktop.data.versions``): their value replaces ours only if they had
seen ours; edits made without seeing each other are conflicts, decided by the
policy (keep theirs / keep mine) or field by field. Deletions travel as
tombstones (``deleted.json``) and delete only a version their sender had seen.
The whole package is checked before anything is written, and the merge is
one transaction; merging the same package twice changes nothing.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import operator
import os
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from peewee import ForeignKeyField, IntegrityError

from imp_desktop import __version__
from imp_desktop.data import migrations
from imp_desktop.data.audit import write_many
from imp_desktop.data.advisory import exclusive_operation
from imp_desktop.data.db import database_file, is_read_only, schema_version
from imp_desktop.data import versions
from imp_desktop.data.models import (
    AuditEntry,
    Handover,
    RecordVersion,
    Region,
    database,
    new_uuid,
    utc_now,
)
from imp_desktop.fileio import crash_point
from imp_desktop.services import photos as photo_store
from imp_desktop.data.sync import (
    COMPACT,
    CONTENT_CHILDREN,
    DERIVED_FIELDS,
    LOCAL_NUMBERS,
    META_FIELDS,
    NATURAL_KEYS,
    UuidMap,
    bulk_insert,
    bulk_insert_values,
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
FORMAT_VERSION = 3          # 2: signed (signature.json); 3: record versions (versions.json)
VERSIONS = "versions.json"
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


PASSPHRASE_MIN = 8
PASSPHRASE_GOOD = 12


def check_passphrase(passphrase: str) -> str | None:
    """Refuse a passphrase shorter than 8 characters (spaces around it do not
    count); return a warning for one shorter than 12, else None."""
    length = len((passphrase or "").strip())
    if length < PASSPHRASE_MIN:
        raise UserError(tr("package.error.passphrase_short"))
    if length < PASSPHRASE_GOOD:
        return tr("package.warning.passphrase_weak", good=PASSPHRASE_GOOD)
    return None


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


def _summary(handover: Handover | None) -> dict:
    try:
        value = json.loads(handover.summary) if handover is not None else {}
    except ValueError:
        value = {}
    return value if isinstance(value, dict) else {}


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
    tables: dict[str, list[dict]] = {}
    clocks: dict[str, dict[str, str]] = {}
    deleted: dict[str, dict[str, str]] = {}
    for index, model in enumerate(models):
        table = table_of(model)
        known = versions.rows_of(table)
        rows = record_dicts(model, uuids)
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
    tables["region"] = _referenced_regions(tables)
    audit = record_dicts(AuditEntry, uuids, None if since is None else AuditEntry.at > since)
    photos = photo_store.photos_for_package(since)
    officer, kecamatan = _officer_block()
    own_key = signing.own_public_key()      # made on first need, before the file
    package_id = new_uuid()
    entries: dict[str, dict] = {}
    buffer = io.BytesIO()
    # Level 1: the JSON shrinks almost as much as at 6, several times faster.
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        def put(name: str, data: bytes, compress=zipfile.ZIP_DEFLATED):
            zf.writestr(name, data, compress_type=compress)
            entries[name] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}

        for table, rows in tables.items():
            put(f"records/{table}.json", json.dumps(rows, ensure_ascii=False).encode("utf-8"))
        put(VERSIONS, COMPACT.encode(clocks).encode("utf-8"))
        put("deleted.json", COMPACT.encode(deleted).encode("utf-8"))
        put("audit.json", json.dumps(audit, ensure_ascii=False).encode("utf-8"))
        for photo_name, photo_data in photos:
            put(f"media/{photo_name}", photo_data, zipfile.ZIP_STORED)
        manifest = {
            "format": FORMAT, "format_version": FORMAT_VERSION, "package_id": package_id,
            "installation": installation_id(), "replica": versions.replica_id(),
            "seq": high_water, "officer": officer, "kecamatan": kecamatan,
            "office": office, "program": "IMP Desktop", "program_version": __version__,
            "schema_version": schema_version(database.obj), "exported_at": utc_now(),
            "since": since, "after": after, "encrypted": bool(passphrase),
            "counts": {t: len(r) for t, r in tables.items()}, "entries": entries,
        }
        manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8")
        zf.writestr(MANIFEST, manifest_bytes)
        # The manifest hashes every other entry: signing it signs the package.
        zf.writestr(SIGNATURE, json.dumps(signing.sign(manifest_bytes), indent=1))
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
                            summary=dumps({"records": sum(map(len, tables.values())),
                                           "photos": len(photos), "seq": high_water,
                                           "replica": manifest["replica"],
                                           "key": signing.fingerprint(own_key)}))
    if progress:
        progress(len(models) + 3, len(models) + 3)
    records = sum(len(rows) for table, rows in tables.items() if table != "region")
    return ExportSummary(out, records, sum(map(len, deleted.values())), len(photos),
                         len(audit), since, signing.fingerprint(own_key))


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
    clocks: dict = field(default_factory=dict)   # table -> uuid -> version (JSON text)

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
    if 2 <= format_version < FORMAT_VERSION:
        raise UserError(tr("package.error.old_format", path=where))
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
        clocks = json.loads(contents.get(VERSIONS, b"{}"))
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
    _check_shape(tables, deleted, audit, clocks, where)
    package = Package(manifest, tables, deleted, audit, media, signing_key, clocks=clocks)
    package.key_status = _key_status(package, where, trust_new_key)
    _check_continuity(package, where)
    return package


def _check_continuity(package: Package, where: str) -> None:
    """A "since the last package" package only carries what changed after the
    package it continues (``manifest["after"]``): merged without that one, it
    would leave out what changed in between (a deletion of an answer but not of
    its checklist), and nothing would ever send it again. It is taken only if
    this database holds the earlier package: merged it (or a package of the same
    sender made at that point or later), or wrote it itself (a laptop restored
    from a backup made after that package)."""
    after = package.manifest.get("after")
    if after is None:
        return
    if not isinstance(after, dict) or not isinstance(after.get("package_id"), str) or \
            not isinstance(after.get("seq"), int):
        raise UserError(tr("package.error.damaged", path=where, detail="after"))
    replica = after.get("replica")
    query = Handover.select(Handover.package_id, Handover.direction, Handover.summary).where(
        (Handover.package_id == after["package_id"]) |
        ((Handover.direction == "import") & (Handover.installation == package.installation)))
    for package_id, direction, summary in query.tuples():
        if package_id == after["package_id"]:
            return
        had = _summary_of(summary)
        if replica is not None and had.get("replica") == replica and \
                isinstance(had.get("seq"), int) and had["seq"] >= after["seq"]:
            return
    from imp_desktop.data.backup import describe_time

    raise UserError(tr("package.error.gap", path=where,
                       officer=package.officer_name or "?",
                       when=describe_time(package.manifest.get("since") or "")))


def _summary_of(text) -> dict:
    try:
        value = json.loads(text) if text else {}
    except ValueError:
        value = {}
    return value if isinstance(value, dict) else {}


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


def _uuids_of(rows: list) -> list | None:
    """The uuids of a package's list of records, None when it is not one."""
    if not isinstance(rows, list) or (rows and set(map(type, rows)) != {dict}):
        return None
    uuids = [r.get("uuid") for r in rows]
    return uuids if not uuids or set(map(type, uuids)) == {str} else None


def _check_shape(tables, deleted, audit, clocks, where: str) -> None:
    known = {table_of(m) for m in travelling_models()}
    ok = isinstance(tables, dict) and isinstance(deleted, dict) and isinstance(audit, list) \
        and isinstance(clocks, dict)
    for table, rows in tables.items() if ok else ():
        uuids = _uuids_of(rows)
        ok = ok and table in known and uuids is not None
        if ok and table != "region" and uuids:
            own = clocks.get(table)
            ok = isinstance(own, dict) and _clocks_ok([own.get(u) for u in uuids])
    for table, gone in deleted.items() if ok else ():
        ok = ok and table in known and isinstance(gone, dict) and \
            all(isinstance(u, str) for u in gone) and _clocks_ok(list(gone.values()))
    if ok and _uuids_of(audit) is None:
        ok = False
    if not ok:
        raise UserError(tr("package.error.damaged", path=where, detail="records"))


_KEY = r'"[^"\\]*"'
_CLOCK = re.compile(
    r'\{"c":\{(?:%(k)s:-?\d+(?:,%(k)s:-?\d+)*)?\},'
    r'"d":\{(?:%(k)s:\[%(k)s,-?\d+\](?:,%(k)s:\[%(k)s,-?\d+\])*)?\}\}' % {"k": _KEY})


def _clock_ok(text) -> bool:
    """A version as sent (``versions.dumps``): {"c": {replica: n}, "d": {field:
    [replica, n]}}, checked by its shape without reading it (thousands per package)."""
    return isinstance(text, str) and _CLOCK.fullmatch(text) is not None


def _clocks_ok(texts: list) -> bool:
    """Every one of ``texts`` is a version as sent (see ``_clock_ok``)."""
    return all(type(t) is str for t in texts) and all(map(_CLOCK.fullmatch, texts))


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
    repeated: bool = False         # this very package was merged before
    older: bool = False            # older than one already received from its sender

    @property
    def conflicts(self) -> list[Conflict]:
        return [c for plan in self.records for c in plan.conflicts] + \
            [d.conflict for d in self.deletions if d.conflict is not None]

    @property
    def added(self) -> int:
        return sum(1 for plan in self.records if plan.local_id is None and not plan.conflicts)

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


class _Contents:
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
        signature = self._signature(theirs, children)
        return None if signature is None else self.mine.get(signature)


class _Local:
    """The local records of one table, to find the one a record of theirs is."""

    def __init__(self, model, package: Package | None, uuids: UuidMap):
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
        self.contents = (_Contents(model, package, uuids, self.rows)
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


def _stored_aliases(uuids: UuidMap) -> dict:
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
        t = _comparable(fld, _translate_alias(model, name, theirs[name], aliases, uuids))
        m = _comparable(fld, mine.get(name))
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


def plan_merge(package: Package, progress: Progress | None = None) -> MergePlan:
    """Work out what merging ``package`` would change; writes nothing (but the
    first version of records written around the audit trail)."""
    versions.stamp_unversioned()
    # Long on purpose: one pass over the package's tables in dependency order,
    # matching each record (uuid, natural key, unique field) before the next table.
    uuids = UuidMap()
    records: list[RecordPlan] = []
    versions_only: list = []
    new_aliases: list = []
    unchanged = 0
    models = travelling_models()
    in_package = {table: {row["uuid"] for row in rows} for table, rows in package.tables.items()}
    aliases = _stored_aliases(uuids)
    stored = set(aliases)
    checks: dict = {}      # model -> records to be written: their references are checked
    for step, model in enumerate(models):
        table = table_of(model)
        rows = package.tables.get(table) or []
        if not rows:
            continue
        fields = {f.name: f for f in data_fields(model)}
        local = _Local(model, package, uuids)
        natural, number = local.natural, local.number
        taken = {row[number] for row in local.rows.values()} if number else set()
        aliased = [f for f in fields.values() if is_id_reference(f)
                   and any(key[0] is f.rel_model for key in aliases)]
        # their uuid -> our uuid, per field pointing at another table (matched before)
        alias_maps = [(f.name, {their_uuid: uuids.uuid_of(f.rel_model, local_id)
                                for (target, their_uuid), local_id in aliases.items()
                                if target is f.rel_model})
                      for f in aliased if f.rel_model is not model]
        known = {} if natural else versions.rows_of(table)
        clocks = package.clocks.get(table) or {}
        for theirs in rows:
            if aliased:   # point at the local records their references were matched to
                theirs = _translated(theirs, alias_maps, model, aliased, aliases, uuids)
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
    _check_references(checks, uuids, in_package, package, aliases)
    deletions = _plan_deletions(package, models, uuids, aliases, versions_only)
    have_audit = set(ids_by_uuid(AuditEntry, [e["uuid"] for e in package.audit]))
    new_audit = [e for e in package.audit if e["uuid"] not in have_audit]
    new_media = {name: data for name, data in package.media.items()
                 if not photo_store.has_photo(name)}
    plan = MergePlan(package, records, deletions, [], aliases, new_audit, new_media, unchanged,
                     versions_only, new_aliases)
    plan.repeated, plan.older = _received_before(package)
    return plan


def _translated(theirs: dict, alias_maps: list, model, aliased: list, aliases: dict,
                uuids: UuidMap) -> dict:
    """Their record with its references pointing at the records they were matched to."""
    theirs = dict(theirs)
    for name, mapping in alias_maps:
        value = theirs.get(name)
        if value is not None:
            theirs[name] = mapping.get(value, value)
    for fld in aliased:
        if fld.rel_model is model:      # matched in this very table: maybe just now
            theirs[fld.name] = _translate_alias(model, fld.name, theirs.get(fld.name),
                                                aliases, uuids)
    return theirs


def _against_tombstone(model, theirs: dict, row, their_text: str) -> RecordPlan | None:
    """Their record, deleted here: it comes back if they had seen the deletion, stays
    deleted if we had seen their version, else it is a conflict."""
    tomb = versions.loads(row.clock)
    tc = versions.loads(their_text)
    deletion = tomb["d"].get(versions.ALL)
    clock = {"c": versions.joined(tomb["c"], tc["c"]), "d": tc["d"]}
    if versions.seen(tc["c"], deletion):
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
                    mine = versions.loads(row.clock)
                    merged = versions.dumps({"c": versions.joined(mine["c"], tomb["c"]),
                                             "d": {versions.ALL: _newest(
                                                 [mine["d"].get(versions.ALL), deletion])}})
                    if merged != row.clock:
                        versions_only.append((table, their_uuid, merged, True))
                continue
            mine = versions.loads(row.clock) if row is not None and row.clock else \
                {"c": {}, "d": {}}
            if versions.seen(mine["c"], deletion):
                continue            # restored here after seeing the deletion
            ctx = versions.joined(mine["c"], tomb["c"])
            label = labels.get(local_uuid, local_uuid)
            conflict = None
            if not all(versions.seen(tomb["c"], d) for d in mine["d"].values()):
                conflict = Conflict(table, local_uuid, DELETED, None,
                                    tr("package.conflict.edited"), tr("package.conflict.deleted"),
                                    label, _newest(mine["d"].values()), deletion)
            deletions.append(Deletion(model, local_uuid, local_id, label,
                                      versions.dumps({"c": ctx, "d": tomb["d"]}),
                                      versions.dumps({"c": ctx, "d": mine["d"]}), conflict))
    return deletions


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
        ctx[own[0]] = own[1]


@exclusive_operation("merge")      # one merge or import at a time on a shared database
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
    if plan.new_media:
        # Photos first: named by their content, harmless if the merge fails.
        for name, data in plan.new_media.items():
            photo_store.keep_photo(name, data)
        result.photos = len(plan.new_media)
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
            pending: dict = {}     # model -> rows waiting for one batch insert
            entries: dict = {}     # table -> [(uuid, action, changes)] for the audit trail

            def flush(model):
                rows = pending.pop(model, [])
                groups: dict = {}
                for values, later in rows:
                    groups.setdefault(tuple(values), []).append(values)
                table = table_of(model)
                top = database.execute_sql(f'SELECT MAX("id") FROM "{table}"').fetchone()[0]
                for group in groups.values():
                    bulk_insert(model, group)
                # Their ids: every row above the highest before (one range read), and
                # any other by uuid (ids are not promised to grow on every database).
                fresh = {values["uuid"] for values, _ in rows}
                found = {u: i for i, u in database.execute_sql(
                    f'SELECT "id", "uuid" FROM "{table}" WHERE "id" > {database.param}',
                    (top or 0,)).fetchall() if u in fresh}
                found.update(ids_by_uuid(model, [u for u in fresh if u not in found]))
                for new_uuid_, new_id in found.items():
                    uuids.add(model, new_id, new_uuid_)
                for values, later in rows:
                    if later:
                        deferred.append((model, uuids.id_of(model, values["uuid"]), later))

            updates: dict = {}     # model -> [(local id, {field: value})]
            aliased: dict = {}     # model -> {their uuid: our id} of records matched
            for (target, their_uuid), local_id in plan.aliases.items():
                aliased.setdefault(target, {})[their_uuid] = local_id
            last_model = None
            for index, record in enumerate(plan.records):
                model, theirs = record.model, record.theirs
                table = table_of(model)
                if record.local_id is None:
                    if record.conflicts and not take_theirs(record.conflicts[0]):
                        # Deleted here, edited there: stays deleted, having seen their edit.
                        version(table, theirs["uuid"], {"c": record.clock["c"],
                                                        "d": record.tombstone["d"]}, True)
                        result.kept_deleted += 1
                        continue
                    if model is not last_model:
                        for other in [m for m in pending if m is not model]:
                            flush(other)   # its ids are needed by this table's references
                        last_model = model
                        plain_names, references = _insert_names(model)
                        targets = [(name, uuids.by_uuid(target), aliased.get(target, {}))
                                   for name, target in references]
                    values = {"uuid": theirs["uuid"],
                              "created_at": theirs.get("created_at") or now,
                              "updated_at": now}
                    values.update((name, theirs[name]) for name in plain_names if name in theirs)
                    later = {}
                    for name, local_ids, matched in targets:
                        if name not in theirs:
                            continue
                        value = theirs[name]
                        if value is not None:
                            local = matched.get(value)
                            local = local if local is not None else local_ids.get(value)
                            if local is None:
                                later[name] = value     # its record comes later
                            value = local
                        values[name] = value
                    pending.setdefault(model, []).append((values, later))
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
            for item in plan.deletions:
                table = table_of(item.model)
                go = item.conflict is None or take_theirs(item.conflict)
                if go and any(other.select(other.id).where(fld == item.local_id).exists()
                              for other, fld in _referrers(item.model)):
                    go = False      # still used by a record that stays: it stays too
                if go:
                    item.model.delete().where(item.model.id == item.local_id).execute()
                    entries.setdefault(table, []).append((item.record_uuid, "delete", []))
                    version(table, item.record_uuid, item.clock_deleted, True)
                    result.deleted += 1
                else:
                    version(table, item.record_uuid, item.clock_kept)
                    result.kept_deleted += 1
            for table, record_uuid, text, deleted in plan.versions_only:
                version(table, record_uuid, text, deleted)
            for table, items in written.items():
                versions.put(table, [(u, text, deleted) for u, (text, deleted) in items.items()],
                             seq=own[1])
            for table, their_uuid, local_uuid in plan.new_aliases:
                versions.put_alias(table, their_uuid, local_uuid)
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
