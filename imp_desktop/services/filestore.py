"""Files kept inside the database, named by their content.

``put(data) -> sha256`` stores bytes once (putting the same bytes again
changes nothing) and ``get(sha256) -> bytes`` gives them back, checked
against their name. The ``stored_file`` table is an ordinary record table,
so stored files travel in hand-over packages and are in every backup; the
same file stored on two installations is matched by its hash when merged.

Used for signed PDFs (``services/tte.py``); meant for any file a record
points at (photos too): point at it with a ``ForeignKeyField(StoredFile)``
(it travels as the file's uuid) or keep the sha256.
"""
from __future__ import annotations

import hashlib

from imp_desktop.data.models import StoredFile, database
from imp_desktop.errors import UserError
from imp_desktop.i18n import tr


def put(data: bytes) -> str:
    """Store ``data`` (once) and return its SHA-256 (hex)."""
    digest = hashlib.sha256(data).hexdigest()
    with database.atomic():
        if not StoredFile.select().where(StoredFile.sha256 == digest).exists():
            StoredFile.create(sha256=digest, size=len(data), content=bytes(data))
    return digest


def record_of(sha256: str) -> StoredFile | None:
    """The stored file's record (without reading its bytes), e.g. for a foreign key."""
    return (StoredFile.select(StoredFile.id, StoredFile.uuid, StoredFile.sha256, StoredFile.size)
            .where(StoredFile.sha256 == sha256).first())


def exists(sha256: str) -> bool:
    return StoredFile.select().where(StoredFile.sha256 == sha256).exists()


def get(sha256: str) -> bytes:
    """The bytes stored under ``sha256``; a damaged or missing file is a UserError."""
    row = StoredFile.select(StoredFile.content).where(StoredFile.sha256 == sha256).first()
    if row is None:
        raise UserError(tr("filestore.error.missing", sha256=sha256[:12]))
    data = row.content
    if hashlib.sha256(data).hexdigest() != sha256:
        raise UserError(tr("filestore.error.damaged", sha256=sha256[:12]))
    return data


# Used by the photos on PostgreSQL (``services/photos``) and by ``check``.

def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def find_prefix(prefix: str) -> str | None:
    """The full hash of the stored file whose hash starts with ``prefix`` (hex):
    a photo is named by the first 32 hex digits of its hash."""
    prefix = prefix.lower()
    row = (StoredFile.select(StoredFile.sha256)
           .where((StoredFile.sha256 >= prefix) & (StoredFile.sha256 <= prefix + "g"))
           .order_by(StoredFile.sha256).tuples().first())
    return row[0] if row and row[0].startswith(prefix) else None


def hashes_since(since: str | None = None) -> list[str]:
    query = StoredFile.select(StoredFile.sha256).order_by(StoredFile.sha256)
    if since:
        query = query.where(StoredFile.created_at > since)
    return [row[0] for row in query.tuples()]


def discard(hashes) -> int:
    """Remove stored files no record uses any more (the caller knows).

    Without a tombstone, on purpose: photos point at their file by its name, not
    by a reference a merge can see, so a tombstone arriving at another office
    could delete the file of a photo that stays there. A copy elsewhere stays
    and may come back here unused, which loses nothing."""
    hashes = list(hashes)
    if not hashes:
        return 0
    return StoredFile.delete().where(StoredFile.sha256.in_(hashes)).execute()


def verify() -> list[tuple[str, str]]:
    """(sha256, problem) for every stored file whose bytes do not match its hash or size."""
    problems = []
    last = 0
    while True:     # in slices: a district's photos do not all fit in memory at once
        rows = list(StoredFile.select(StoredFile.id, StoredFile.sha256, StoredFile.size,
                                      StoredFile.content)
                    .where(StoredFile.id > last).order_by(StoredFile.id).limit(200))
        if not rows:
            return problems
        for row in rows:
            data = bytes(row.content or b"")
            if digest(data) != row.sha256:
                problems.append((row.sha256, "hash"))
            elif len(data) != row.size:
                problems.append((row.sha256, "size"))
            last = row.id
