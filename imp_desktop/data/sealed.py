"""Files kept beside an encrypted database (photos, thumbnails), sealed with AES-GCM.

A SQLite file encrypted with SQLCipher keeps its photos in ``<db>.media/``.
Each stored file there is sealed under a key derived from the database's
key (HKDF-SHA256 with the fixed label ``INFO``; the derived key is never
written anywhere). A sealed file is::

    MAGIC (7 bytes) | VERSION (1 byte) | nonce (12 bytes) | ciphertext + tag

with the first eight bytes as associated data. A clear file (a database
that is not encrypted, or one stored before it was converted) is read as it
is, so old folders stay readable; a sealed file read with the wrong key, or
altered, is a ``WrongKey`` sentence, never a traceback.

``services/photos`` is the only reader and writer of the photo store
(``read_file``/``write_file`` here); backups copy the sealed files as they
are and re-seal them when a restore changes the key; converting a database
seals its folder (``seal_folder``), crash-safe file by file, with a marker
(``MARKER``) that makes the next open finish the work if it was killed.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from imp_desktop.errors import UserError
from imp_desktop.i18n import tr

MAGIC = b"IMPSEAL"
VERSION = 1
NONCE_BYTES = 12
HEADER_BYTES = len(MAGIC) + 1 + NONCE_BYTES
INFO = b"imp-desktop stored files v1"
MARKER = ".menyegel"          # in the media folder while a conversion seals it


class WrongKey(UserError):
    """A sealed file that this database's key does not open (or an altered one)."""


def derive_key(database_key: bytes | None) -> bytes | None:
    """The files' key of a database key (None for a clear database)."""
    if database_key is None:
        return None
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=INFO).derive(database_key)


def files_key(db_path: str | os.PathLike) -> bytes | None:
    """The files' key of the database file ``db_path`` (None when it is clear)."""
    from imp_desktop.data import cipher

    return derive_key(cipher.file_key(db_path))


def is_sealed(data: bytes) -> bool:
    return data[:len(MAGIC)] == MAGIC


def seal(data: bytes, key: bytes) -> bytes:
    """``data`` sealed under ``key`` (a fresh random nonce every time)."""
    header = MAGIC + bytes([VERSION])
    nonce = os.urandom(NONCE_BYTES)
    return header + nonce + AESGCM(key).encrypt(nonce, data, header)


def unseal(blob: bytes, key: bytes | None, name: str = "") -> bytes:
    """The clear bytes of a stored file: a clear file as it is, a sealed one
    opened with ``key``; WrongKey (one sentence) when it does not open."""
    if not is_sealed(blob):
        return blob
    header = blob[:len(MAGIC) + 1]
    if key is None or len(blob) < HEADER_BYTES + 16 or blob[len(MAGIC)] != VERSION:
        raise WrongKey(tr("photo.error.key", name=name))
    nonce = blob[len(MAGIC) + 1:HEADER_BYTES]
    try:
        return AESGCM(key).decrypt(nonce, blob[HEADER_BYTES:], header)
    except InvalidTag as exc:
        raise WrongKey(tr("photo.error.key", name=name)) from exc


def read_file(path: str | os.PathLike, key: bytes | None) -> bytes:
    """The clear bytes of the stored file at ``path`` (OSError when it is missing)."""
    path = Path(path)
    return unseal(path.read_bytes(), key, path.name)


def write_file(path: str | os.PathLike, data: bytes, key: bytes | None) -> None:
    """Store ``data`` at ``path`` whole or not at all (0600): sealed under ``key``,
    or clear for a clear database."""
    from imp_desktop.fileio import write_bytes_atomically

    write_bytes_atomically(path, seal(data, key) if key is not None else data, guard=False)


# --- converting a folder ---------------------------------------------------------

def _stored_files(folder: Path) -> list[Path]:
    from imp_desktop.fileio import TEMP_SUFFIX

    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith(".")
                  and not p.name.endswith(TEMP_SUFFIX))


def _replace_checked(path: Path, clear: bytes, key: bytes | None) -> None:
    """Write ``clear`` sealed under ``key`` (clear if None) beside ``path``, read
    the new file back and compare, then rename it over ``path``."""
    from imp_desktop import fileio

    blob = seal(clear, key) if key is not None else clear
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.",
                                suffix=fileio.TEMP_SUFFIX, dir=path.parent)
    temp = Path(temp)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(blob)
            handle.flush()
            os.fsync(handle.fileno())
        if unseal(temp.read_bytes(), key, path.name) != clear:
            raise OSError(f"{path.name}: the sealed copy differs")
        fileio.crash_point("seal.written")
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def reseal_folder(folder: str | os.PathLike, old_key: bytes | None, new_key: bytes | None,
                  progress=None) -> int:
    """Bring every stored file of ``folder`` under ``new_key`` (None: clear).

    A file sealed under ``old_key`` or clear is rewritten; one already under
    ``new_key`` is left. Each file is replaced whole after its new copy was
    read back (``_replace_checked``): killed at any point, every file is
    readable, either as it was or as it is meant to be. Returns how many
    files were rewritten. A file that opens with neither key is left as it is.
    """
    from imp_desktop import fileio

    folder = Path(folder)
    files = _stored_files(folder)
    changed = 0
    for index, path in enumerate(files):
        blob = path.read_bytes()
        if new_key is not None and is_sealed(blob):
            try:
                unseal(blob, new_key, path.name)
                continue                      # already under the new key
            except WrongKey:
                pass
        elif new_key is None and not is_sealed(blob):
            continue
        try:
            clear = unseal(blob, old_key, path.name)
        except WrongKey:
            continue        # under neither key: left as it is (reading it says so)
        _replace_checked(path, clear, new_key)
        changed += 1
        if progress:
            progress(index + 1, len(files))
    if changed:
        for sub in {p.parent for p in files}:
            fileio._fsync_folder(sub)
    return changed


def seal_folder(folder: str | os.PathLike, key: bytes, progress=None) -> int:
    """Seal every clear stored file of ``folder`` under ``key``; returns how many."""
    return reseal_folder(folder, None, key, progress)


def begin_sealing(folder: str | os.PathLike) -> None:
    """Leave the marker that makes the next open finish sealing ``folder``."""
    folder = Path(folder)
    if _stored_files(folder):
        from imp_desktop.fileio import write_bytes_atomically

        write_bytes_atomically(folder / MARKER, b"", guard=False)


def end_sealing(folder: str | os.PathLike) -> None:
    (Path(folder) / MARKER).unlink(missing_ok=True)


def media_dir(db_path: str | os.PathLike) -> Path:
    """The photo folder of a database file: ``<db>.media/`` next to it."""
    db_path = Path(db_path)
    return db_path.with_name(db_path.name + ".media")


def finish_sealing(db_path: str | os.PathLike, database_key: bytes | None) -> int:
    """At an open for writing: finish sealing the photo folder of a database whose
    conversion was killed after the file was encrypted (the marker is still
    there). A marker beside a clear file (killed before the file was replaced)
    is removed: the conversion did not happen. Returns how many were sealed."""
    folder = media_dir(db_path)
    if not (folder / MARKER).exists():
        return 0
    sealed = 0
    if database_key is not None:
        sealed = seal_folder(folder, derive_key(database_key))
    end_sealing(folder)
    return sealed
