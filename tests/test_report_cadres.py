import pytest

from imp_desktop.cli import main
from imp_desktop.data.models import Cadre
from imp_desktop.errors import UserError, ValidationError
from imp_desktop.services import reporting
from imp_desktop.services import settings as settings_service
from report_helpers import pdf_text

DUREN = "33.22.02.2001"


def test_cadre_list_of_a_desa_holds_its_active_cadres(demo_db):
    listing = reporting.cadre_listing(DUREN)
    assert listing.scope == "Desa Duren"
    names = {row.name for group in listing.groups for row in group.rows}
    expected = {c.name for c in Cadre.select().where((Cadre.desa == DUREN) & Cadre.active)}
    assert names == expected
    assert listing.groups[0].level == "PPKBD"
    text = pdf_text(reporting.cadre_list_pdf(DUREN))
    assert f"Jumlah: {sum(len(g.rows) for g in listing.groups)} kader" in text
    assert "Sri Wahyuningsih, S.Sos." in text and "Penyuluh KB Ahli Muda Kecamatan Tengaran" in text
    some = Cadre.select().where(Cadre.desa == DUREN).first()
    assert some.nik not in text and some.nik[-4:] in text


def test_inactive_cadres_are_left_out(demo_db):
    from imp_desktop.services.cadres import set_active

    cadre = Cadre.select().where(Cadre.desa == DUREN).first()
    set_active(cadre.id, False, reason="Pindah domisili")
    names = [r.name for g in reporting.cadre_listing(DUREN).groups for r in g.rows]
    assert len(names) == Cadre.select().where((Cadre.desa == DUREN) & Cadre.active).count()


def test_whole_kecamatan_names_each_desa(demo_db):
    listing = reporting.cadre_listing()
    assert listing.scope == "Kecamatan Tengaran"
    assert any("(Desa Sugihan)" in group.unit_name for group in listing.groups)
    assert sum(len(g.rows) for g in listing.groups) == Cadre.select().where(Cadre.active).count()


def test_unknown_desa_is_a_user_error(demo_db):
    with pytest.raises(UserError, match="99.99.99.9999"):
        reporting.cadre_listing("99.99.99.9999")


def test_letterhead_village_head_and_paper_settings(demo_db, tmp_path):
    from PIL import Image

    logo_file = tmp_path / "logo.png"
    Image.new("RGB", (1200, 900), "navy").save(logo_file)
    logo = settings_service.read_logo(logo_file)
    assert max(Image.open(__import__("io").BytesIO(logo)).size) <= 600
    kop = settings_service.LetterheadSettings(
        lines=["Pemerintah Kabupaten Semarang", "  Dinas  P2KB ", ""], address="Jl. A", logo=logo)
    settings_service.save_letterhead(kop)
    stored = settings_service.get_letterhead()
    assert stored.lines == ["Pemerintah Kabupaten Semarang", "Dinas P2KB"] and stored.logo == logo
    with pytest.raises(ValidationError):
        settings_service.save_letterhead(settings_service.LetterheadSettings(lines=list("abcde")))
    with pytest.raises(UserError):
        settings_service.read_logo(tmp_path / "missing.png")

    settings_service.set_paper_size("F4")
    assert settings_service.get_paper_size() == "F4"
    with pytest.raises(ValidationError):
        settings_service.set_paper_size("A3")

    settings_service.save_village_head(settings_service.VillageHead(DUREN, " Bambang  Santoso "))
    sig = reporting.village_head_signatory(DUREN)
    assert sig.title == "Kepala Desa Duren" and sig.name == "Bambang Santoso"
    settings_service.save_village_head(settings_service.VillageHead(DUREN, ""))
    assert settings_service.get_village_heads() == {}

    current = reporting.report_settings()
    assert current.paper_size == "F4" and current.letterhead.logo == logo
    text = pdf_text(reporting.cadre_list_pdf(DUREN))
    assert "PEMERINTAH KABUPATEN SEMARANG" in text


def test_cli_writes_the_cadre_list(tmp_path, capsys):
    db = str(tmp_path / "r.sqlite")
    assert main(["demo", "--db", db, "--desa", "2", "--cadres", "60", "--seed", "3"]) == 0
    out = tmp_path / "kader.pdf"
    assert main(["report", "cadres", "--db", db, "--desa", DUREN, "--out", str(out)]) == 0
    assert str(out) in capsys.readouterr().out
    assert "DAFTAR KADER IMP" in pdf_text(out.read_bytes())
    assert main(["report", "cadres", "--db", db, "--full-nik", "--out", str(out)]) == 0
    assert "Kecamatan Tengaran" in pdf_text(out.read_bytes())
    assert main(["report", "cadres", "--db", db, "--desa", "1.2", "--out", str(out)]) == 1
    assert "tidak ada" in capsys.readouterr().err
    assert main(["report", "roles", "--db", db, "--period", "2026-13"]) == 1
    assert "2026-13" in capsys.readouterr().err


def test_write_pdf_refuses_missing_folder(tmp_path):
    with pytest.raises(UserError):
        reporting.write_pdf(b"%PDF", tmp_path / "nope" / "x.pdf")
    assert reporting.write_pdf(b"%PDF", tmp_path / "x").name == "x.pdf"
