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
