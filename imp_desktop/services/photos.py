"""Documentation photos: the program keeps its own copy of every picture.

A picture is read with Pillow, turned upright by its EXIF orientation,
downscaled to at most ``MAX_SIDE`` pixels and stored as JPEG under a name made
from the SHA-256 of the stored bytes, in a folder next to the database file
(``imp.sqlite`` keeps its photos in ``imp.sqlite.media/``). The report still
prints when the original file is gone, and attaching the same picture twice
stores it once.
"""
from __future__ import annotations

import hashlib
import io
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from imp_desktop.data.models import ActivityPhoto, database
from imp_desktop.errors import UserError
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


def media_dir() -> Path:
    """The photo store of the open database (created on demand)."""
    target = str(getattr(database.obj, "database", "") or "")
    if not target or "://" in target or target == ":memory:":
        from imp_desktop.paths import data_dir

        folder = data_dir() / "media"
    else:
        path = Path(target)
        folder = path.with_name(path.name + ".media")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def photo_path(file_name: str) -> Path:
    return media_dir() / file_name


def _write_atomically(path: Path, data: bytes) -> None:
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _open_image(path: Path):
    """The picture at ``path``, upright, as an RGB Pillow image; UserError if unusable."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    if not path.is_file():
        raise UserError(tr("photo.error.missing", path=str(path)))
    try:
        with Image.open(path) as image:
            if image.format not in ("JPEG", "PNG", "MPO"):
                raise UserError(tr("photo.error.format", name=path.name))
            image.load()
            upright = ImageOps.exif_transpose(image)
    except UserError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise UserError(tr("photo.error.unreadable", name=path.name)) from exc
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
    target = photo_path(name)
    if not target.exists():
        try:
            _write_atomically(target, data)
        except OSError as exc:
            raise UserError(tr("photo.error.store", path=str(target),
                               detail=exc.strerror or str(exc))) from exc
    return StoredPhoto(name, image.width, image.height, original_name)


def thumbnail_path(file_name: str, side: int = THUMB_SIDE) -> Path | None:
    """A small copy for the editor, made once; None when the stored picture is gone."""
    original = photo_path(file_name)
    folder = media_dir() / "thumbs"
    thumb = folder / f"{Path(file_name).stem}-{side}.jpg"
    if thumb.exists():
        return thumb
    try:
        image = _open_image(original)
    except UserError:
        return None
    image.thumbnail((side, side))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    try:
        folder.mkdir(exist_ok=True)
        _write_atomically(thumb, buffer.getvalue())
    except OSError:
        return None
    return thumb


def photo_problem(file_name: str, thorough: bool = False) -> str | None:
    """Why a stored picture cannot be shown or printed, or None when it seems fine.

    The quick check reads only the file's header; ``thorough`` decodes it all.
    """
    from PIL import Image

    path = photo_path(file_name)
    if not path.is_file():
        return tr("photo.error.gone", name=file_name)
    try:
        if thorough:
            _open_image(path)
        else:
            with Image.open(path) as image:
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
    for name in names - used:
        path = photo_path(name)
        if path.exists():
            path.unlink(missing_ok=True)
            removed += 1
        for thumb in (media_dir() / "thumbs").glob(f"{Path(name).stem}-*.jpg"):
            thumb.unlink(missing_ok=True)
    return removed
