import io

import pytest
from PIL import Image

from imp_desktop.errors import UserError
from imp_desktop.services import photos


def _jpeg_with_orientation(path, orientation: int, size=(400, 200)):
    image = Image.new("RGB", size, "white")
    image.paste((200, 0, 0), (0, 0, size[0] // 2, size[1]))  # left half red
    exif = Image.Exif()
    exif[0x0112] = orientation
    image.save(path, "JPEG", exif=exif.tobytes())


def test_store_lives_next_to_the_database(db, db_path):
    assert photos.media_dir() == db_path.with_name(db_path.name + ".media")
    assert photos.media_dir().is_dir()


def test_large_photo_is_downscaled_and_named_by_content(db, tmp_path):
    Image.new("RGB", (4000, 3000), (10, 120, 60)).save(tmp_path / "big.jpg", quality=95)
    stored = photos.import_photo(tmp_path / "big.jpg")
    assert (stored.width, stored.height) == (1600, 1200)
    assert stored.original_name == "big.jpg"
    assert len(stored.file_name) == 36 and stored.file_name.endswith(".jpg")
    again = photos.import_photo(tmp_path / "big.jpg")
    assert again.file_name == stored.file_name
    assert len(list(photos.media_dir().glob("*.jpg"))) == 1
    (tmp_path / "big.jpg").unlink()
    assert photos.photo_path(stored.file_name).is_file()  # the copy survives the original


def test_exif_orientation_is_honoured(db, tmp_path):
    _jpeg_with_orientation(tmp_path / "rotated.jpg", 6)  # "rotate 90° clockwise to view"
    stored = photos.import_photo(tmp_path / "rotated.jpg")
    assert (stored.width, stored.height) == (200, 400)
    with Image.open(io.BytesIO(photos.read_bytes(stored.file_name))) as image:
        top = image.getpixel((100, 50))
        bottom = image.getpixel((100, 350))
    assert top[0] > 150 and top[1] < 80      # the red half is now on top
    assert bottom[1] > 200                    # white at the bottom


def test_png_with_transparency_becomes_jpeg_on_white(db, tmp_path):
    Image.new("RGBA", (60, 60), (0, 0, 0, 0)).save(tmp_path / "clear.png")
    stored = photos.import_photo(tmp_path / "clear.png")
    with Image.open(io.BytesIO(photos.read_bytes(stored.file_name))) as image:
        assert image.format == "JPEG" and image.getpixel((5, 5))[0] > 240


@pytest.mark.parametrize("content, message", [
    (b"not a picture at all", "tidak dapat dibaca"),
    (b"\xff\xd8\xff\xe0garbage", "tidak dapat dibaca"),
])
def test_unreadable_file_gets_a_clear_message(db, tmp_path, content, message):
    bad = tmp_path / "foto.jpg"
    bad.write_bytes(content)
    with pytest.raises(UserError, match=message):
        photos.import_photo(bad)


def test_missing_file_and_other_formats(db, tmp_path):
    with pytest.raises(UserError, match="tidak ditemukan"):
        photos.import_photo(tmp_path / "hilang.jpg")
    Image.new("RGB", (10, 10)).save(tmp_path / "x.gif")
    with pytest.raises(UserError, match="bukan foto JPEG atau PNG"):
        photos.import_photo(tmp_path / "x.gif")


def test_thumbnail_and_problems_of_stored_photos(db, tmp_path):
    Image.new("RGB", (800, 600), "green").save(tmp_path / "g.jpg")
    stored = photos.import_photo(tmp_path / "g.jpg")
    thumb = photos.thumbnail_bytes(stored.file_name)
    with Image.open(io.BytesIO(thumb)) as image:
        assert max(image.size) == photos.THUMB_SIDE
    assert photos.thumbnail_bytes(stored.file_name) == thumb      # kept, read back
    assert photos.photo_problem(stored.file_name) is None
    photos.photo_path(stored.file_name).write_bytes(b"broken")
    assert "rusak" in photos.photo_problem(stored.file_name)
    assert "rusak" in photos.photo_problem(stored.file_name, thorough=True)
    assert photos.thumbnail_bytes("0" * 32 + ".jpg") is None
    assert "hilang" in photos.photo_problem("0" * 32 + ".jpg")
