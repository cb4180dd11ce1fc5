"""Terima data, first step: reading a package whole and checking it (entries and hashes, signature and pinned key, continuity, shapes) before anything is written."""
from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from imp_desktop.data import migrations
from imp_desktop.data.models import (
    Handover,
)
from imp_desktop.data.sync import (
    table_of,
    travelling_models,
)
from imp_desktop.errors import UserError
from imp_desktop.fileio import read_chosen_file
from imp_desktop.gcpause import paused_gc
from imp_desktop.i18n import tr
from imp_desktop.services import signing
from imp_desktop.services.package.envelope import (
    ENCRYPTED_MAGIC,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    MAX_ENTRY_BYTES,
    SIGNATURE,
    VERSIONS,
    decrypt,
)

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


@paused_gc
def read_package(path: str | Path, passphrase: str | None = None, *,
                 trust_new_key: bool = False) -> Package:
    """Read and verify a package completely; UserError when anything is off.

    Nothing is written anywhere: a damaged, truncated, altered or unsigned
    package is refused here, before a merge starts, and so is one that names
    an installation whose pinned key is another one (``KeyChangedError``)
    unless ``trust_new_key`` (the officer compared the fingerprint by phone).
    """
    # Long on purpose: every check of the file in the order it is read (bytes, zip,
    # manifest, signature, each entry against its hash); split, each part would pass
    # the open zip and the half-read manifest along.
    path = Path(path)
    where = str(path)
    blob = read_chosen_file(path, "package.error.read")
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
        tables = {name[len("records/"):-len(".json")]: orjson.loads(data)
                  for name, data in contents.items() if name.startswith("records/")}
        deleted = orjson.loads(contents.get("deleted.json", b"{}"))
        clocks = orjson.loads(contents.get(VERSIONS, b"{}"))
        audit = orjson.loads(contents.get("audit.json", b"[]"))
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
    """Every one of ``texts`` is a version as sent (see ``_clock_ok``); each
    different text is checked once (records written together share theirs)."""
    return all(type(t) is str for t in texts) and all(map(_CLOCK.fullmatch, set(texts)))
