"""Documentation photos: the program keeps its own copy of every picture.

A picture is read with Pillow, turned upright by its EXIF orientation,
downscaled to at most ``MAX_SIDE`` pixels and stored as JPEG under a name made
from the SHA-256 of the stored bytes. The report still prints when the
original file is gone, and attaching the same picture twice stores it once.

Where the pictures live is decided here and nowhere else (``media_dir``):
- a SQLite file keeps them in a folder beside it (``imp.sqlite.media/``,
  ``data.backup.media_dir``), which backups and packages carry;
- a PostgreSQL database keeps them in the database (``services/filestore``,
  table ``stored_file``), so every computer that opens it has them and a
  ``pg_dump`` holds them; ``media_dir`` is then a local cache of those bytes
  (named by content, so it never goes stale), filled on demand, so reports
  find the photos whatever folder the program was started from.

Beside an encrypted SQLite file every stored file (photos and thumbnails) is
sealed with AES-GCM under a key derived from the database's key
(``data/sealed.py``). Nothing else reads or writes the store: ``read_bytes``
is the one way in (clear bytes, whatever the file's state; a sentence when it
is missing or under another key) and ``_store`` the one way out. Callers get
bytes (reports draw them from memory, the window loads them with
``QPixmap.loadFromData``), never a path to a clear file.
"""
from __future__ import annotations

import hashlib
import io
import os
from dataclasses import dataclass
from pathlib import Path

from imp_desktop.data import sealed
from imp_desktop.data.models import ActivityPhoto, database
from imp_desktop.errors import UserError
from imp_desktop.fileio import private_folder, write_bytes_atomically
from imp_desktop.i18n import tr

MAX_SIDE = 1600
THUMB_SIDE = 240
JPEG_QUALITY = 85
ACCEPTED_SUFFIXES = (".jpg", ".jpeg", ".png")


@dataclass(frozen=True)
class StoredPhoto:
    file_name: str
    width: int
    height: int
    original_name: str


def in_database() -> bool:
    """True when the open database keeps its files itself (PostgreSQL)."""
    from imp_desktop.data.db import database_file

    return database.obj is not None and database_file() is None


def media_dir() -> Path:
    """The folder of the open database's photos (created on demand): beside a
    SQLite file, or the local cache of a PostgreSQL database's stored files."""
    from imp_desktop.data.backup import media_dir as file_media_dir
    from imp_desktop.data.db import database_file

    db_file = database_file()
    if db_file is not None:
        folder = file_media_dir(db_file.absolute())
    else:
        import re

        from imp_desktop.paths import data_dir

        name = "memory"
        if database.obj is not None:
            params = getattr(database.obj, "connect_params", {}) or {}
            name = "{}_{}_{}".format(params.get("host") or "local", params.get("port") or 5432,
                                     database.obj.database)
        folder = data_dir() / "server-files" / re.sub(r"[^A-Za-z0-9._-]", "_", name)
    private_folder(folder)
    return folder


def _stored_hash(file_name: str) -> str | None:
    from imp_desktop.services import filestore

    stem = Path(file_name).stem
    if not stem or any(c not in "0123456789abcdef" for c in stem.lower()):
        return None
    return filestore.find_prefix(stem)


def _files_key() -> bytes | None:
    """The key the open database's stored files are sealed under (derived from
    the database's key, never kept); None for a clear file or PostgreSQL."""
    from imp_desktop.data.db import database_file

    path = database_file()
    if path is None or not getattr(database.obj, "encrypted", False):
        return None
    return sealed.files_key(path)


def photo_path(file_name: str) -> Path:
    """Where a stored photo lives (on PostgreSQL fetched from the database into
    the cache the first time). Its bytes may be sealed: read them with
    ``read_bytes``, never from this path."""
    path = media_dir() / file_name
    if not path.exists() and in_database():
        from imp_desktop.services import filestore

        sha = _stored_hash(file_name)
        if sha is not None:
            try:
                _write_atomically(path, filestore.get(sha))
            except (OSError, KeyError, UserError):
                pass
    return path


def has_photo(file_name: str) -> bool:
    """True when the open database holds this stored photo."""
    if in_database():
        return _stored_hash(file_name) is not None
    return (media_dir() / file_name).is_file()


def read_bytes(file_name: str) -> bytes:
    """The clear bytes of a stored photo or thumbnail (``thumbs/<name>``): the one
    way to read the store. UserError when it is gone; ``sealed.WrongKey`` (a
    UserError) when it is sealed under another database's key."""
    path = photo_path(file_name)
    try:
        blob = path.read_bytes()
    except OSError as exc:
        raise UserError(tr("photo.error.gone", name=file_name)) from exc
    return sealed.unseal(blob, None if in_database() else _files_key(), file_name)


def _store(path: Path, data: bytes) -> None:
    """The one way to write the store: sealed beside an encrypted database."""
    sealed.write_file(path, data, None if in_database() else _files_key())


def keep_photo(file_name: str, data: bytes) -> None:
    """Store a photo's clear bytes under its name (received in a package), sealed
    for this database."""
    if in_database():
        from imp_desktop.services import filestore

        filestore.put(data)
        return
    target = media_dir() / file_name
    if not target.exists():
        _store(target, data)


def photos_for_package(since: str | None = None) -> list[tuple[str, bytes]]:
    """(name, clear bytes) of the stored photos a package carries: all of them, or
    those stored after ``since`` (an ISO time). The package carries them clear
    (encrypted as a whole when the officer encrypts it); the receiving
    database seals them under its own key (``keep_photo``)."""
    if in_database():
        from imp_desktop.services import filestore

        names = {Path(n).stem: n for n in _referenced_names()}
        found = []
        for sha in filestore.hashes_since(since):
            name = names.get(sha[:32])
            if name is not None:
                found.append((name, filestore.get(sha)))
        return found
    import datetime as dt

    folder = media_dir()
    since_ts = dt.datetime.fromisoformat(since).timestamp() if since else None
    return [(p.name, read_bytes(p.name)) for p in sorted(folder.iterdir())
            if p.is_file() and not p.name.startswith(".")
            and (since_ts is None or p.stat().st_mtime > since_ts)]


def _referenced_names() -> set[str]:
    from imp_desktop.data.models import AssessmentAnswer

    names = {row[0] for row in ActivityPhoto.select(ActivityPhoto.file_name).tuples()}
    names |= {row[0] for row in AssessmentAnswer.select(AssessmentAnswer.evidence_photo)
              .where(AssessmentAnswer.evidence_photo.is_null(False)).tuples()}
    return {n for n in names if n}


def _write_atomically(path: Path, data: bytes) -> None:
    """The PostgreSQL cache (clear: the server's files are out of this scope)."""
    write_bytes_atomically(path, data, guard=False)


def _open_image(path: Path):
    """The picture at ``path``, upright, as an RGB Pillow image; UserError if unusable."""
    if not path.is_file():
        raise UserError(tr("photo.error.missing", path=str(path)))
    return _decode(path, path.name)


def _decode(source, name: str):
    """The picture in ``source`` (a path or a file object), upright, as an RGB
    Pillow image; UserError if unusable."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(source) as image:
            if image.format not in ("JPEG", "PNG", "MPO"):
                raise UserError(tr("photo.error.format", name=name))
            image.load()
            upright = ImageOps.exif_transpose(image)
    except UserError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise UserError(tr("photo.error.unreadable", name=name)) from exc
    if upright.mode in ("RGBA", "LA", "P"):
        upright = upright.convert("RGBA")
        background = Image.new("RGB", upright.size, (255, 255, 255))
        background.paste(upright, mask=upright.getchannel("A"))
        return background
    return upright.convert("RGB")


def import_photo(source: str | os.PathLike) -> StoredPhoto:
    """Copy a JPEG or PNG into the store (downscaled, upright); returns its stored name."""
    source = Path(source)
    return store_image(_open_image(source), source.name)


def store_image(image, original_name: str = "") -> StoredPhoto:
    """Store an upright RGB Pillow image (downscaled) under its content hash."""
    image = image.copy()
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True)
    data = buffer.getvalue()
    name = hashlib.sha256(data).hexdigest()[:32] + ".jpg"
    if in_database():
        from imp_desktop.services import filestore

        filestore.put(data)
    target = media_dir() / name
    if not target.exists():
        try:
            _store(target, data)
        except OSError as exc:
            raise UserError(tr("photo.error.store", path=str(target),
                               detail=exc.strerror or str(exc))) from exc
    return StoredPhoto(name, image.width, image.height, original_name)


def thumbnail_bytes(file_name: str, side: int = THUMB_SIDE) -> bytes | None:
    """A small JPEG copy for the window (made once, kept in ``thumbs/`` and sealed
    like the photo); None when the stored picture is gone or unreadable."""
    folder = media_dir() / "thumbs"
    name = f"{Path(file_name).stem}-{side}.jpg"
    if (folder / name).is_file():
        try:
            return read_bytes(f"thumbs/{name}")
        except UserError:
            pass                  # made anew below
    try:
        image = _decode(io.BytesIO(read_bytes(file_name)), file_name)
    except UserError:
        return None
    image.thumbnail((side, side))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    data = buffer.getvalue()
    try:
        private_folder(folder)
        _store(folder / name, data)
    except (OSError, UserError):
        pass                      # shown anyway; made again next time
    return data


def photo_problem(file_name: str, thorough: bool = False) -> str | None:
    """Why a stored picture cannot be shown or printed, or None when it seems fine.

    The quick check reads only the picture's header; ``thorough`` decodes it all.
    """
    from PIL import Image

    if not photo_path(file_name).is_file():
        return tr("photo.error.gone", name=file_name)
    try:
        data = io.BytesIO(read_bytes(file_name))
    except sealed.WrongKey as exc:
        return str(exc)
    except UserError:
        return tr("photo.error.gone", name=file_name)
    try:
        if thorough:
            _decode(data, file_name)
        else:
            with Image.open(data) as image:
                if image.format not in ("JPEG", "PNG", "MPO"):
                    raise UserError(file_name)
    except (UserError, OSError, ValueError, SyntaxError):
        return tr("photo.error.damaged", name=file_name)
    return None


def remove_unreferenced(file_names) -> int:
    """Delete stored pictures (and thumbnails) that no photo record uses any more."""
    names = set(file_names)
    if not names:
        return 0
    used = {row[0] for row in ActivityPhoto.select(ActivityPhoto.file_name)
            .where(ActivityPhoto.file_name.in_(list(names))).tuples()}
    # Photos kept as evidence in a role assessment are in use too.
    from imp_desktop.data.models import AssessmentAnswer

    used |= {row[0] for row in AssessmentAnswer.select(AssessmentAnswer.evidence_photo)
             .where(AssessmentAnswer.evidence_photo.in_(list(names))).tuples()}
    removed = 0
    if in_database():
        from imp_desktop.services import filestore

        hashes = [sha for name in names - used if (sha := _stored_hash(name))]
        removed = filestore.discard(hashes)
    for name in names - used:
        path = media_dir() / name
        if path.exists():        # on PostgreSQL only the cached copy
            path.unlink(missing_ok=True)
            removed += 0 if in_database() else 1
        for thumb in (media_dir() / "thumbs").glob(f"{Path(name).stem}-*.jpg"):
            thumb.unlink(missing_ok=True)
    return removed
