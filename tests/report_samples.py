"""Hand-built report data for the report tests and the benchmark."""
from __future__ import annotations

import datetime as dt
import io
import random
from pathlib import Path

from imp_desktop.reports.model import (
    ActivityReport,
    Participant,
    Photo,
    RoleRecap,
    RoleRecapRow,
    Signatory,
)

SEED = Path(__file__).resolve().parents[1].parent / "shared" / "seed" / \
    "laporan-pembinaan-kader-imp.txt"
# Our own sample report, in this project's words, with the same layout as the seed
# (title, "Deskripsi", the sections): the report tests run on it without ../shared.
OWN_SEED = Path(__file__).with_name("fixtures") / "laporan-kegiatan-contoh.txt"
LEVELS = {"ppkbd": "PPKBD", "sub_ppkbd": "Sub PPKBD", "kelompok_kb": "Kelompok KB"}

# The seed report as an officer would type it into the activity form: its
# sentences, unchanged (typing slips included), each in the field it belongs to.
SEED_FIELDS = {
    "title": "PEMBINANA PADA KADER IMP BANGGA KENCANA",
    "purpose": "Kegiatan ini bertujuan\nuntuk Meningkatkan pengetahuan kader IMP BANGGA KECANA.",
    "background": """Kader IMP adalah
singkatan dari Institusi Masyarakat Pedesaan / Tenaga Lini Lapangan, IMP sendiri pada hakekatnya merupakan wadah
pengelolaan dan pelaksanaan program KB nasional mulai
dari tingkat desa/kelurahan, dusun/RW hingga tingkat RT.
IMP di tingkat desa/kelurahan
dinamakan PPKBD yaitu seseorang atau beberapa orang kader dalam
wadah organisisi yang secara sukarela berperan aktif melaksanakan/mengelola
program KB di tingkat desa/kelurahan. Sementara di tiungkat
dusun/RW dinamakan Sub PPKBD yaitu seseorang atau beberapa orang
kader dalam wadah organisasi dengan peran yang sama ditingkat
dusun/RW.

Peran kader IMP sangatlah penting dan menjadi satu kekuatan
yang dapat diandalkan untuk tetap dapat mempertahankan keberhasilan program KB
di masyarakat .

Kader IMP sekarang ini mempunyai 6 peran dalam rangka
ikut mensukseskan program KB, yang kemudian dikenal istilah,
“Enam Peran Bakti”. Keenam peran bakti institusi tersebut
adalah: Pengorganisasian, Pertemuan, KIE, dan Konseling, Pencatatan
Pendataan, Pelayanan Kegiatan, dan Kemandirian.

Dapat diyakini, jika keenam peran tersebut dapat dijalankan dengan baik,
IMP yang ada di pedesaan akan dapat berfungsi dengan baik dan peran-peran yang
dibebankan dapat dijalani dengan baik pula. Bila ini telah terwujud, berarti upaya
memberdayakan IMP agar menjadi wahana pembentukan SDM yang berkualitas telah
menjadi kenyataan. Sehingga harapan-harapan pemerintah dan masyarakat untuk
masa depan yang lebih baik lewat perjuangan IMP tidak lagi hanya
harapan-harapan kosong tanpa kepastian, yang dihadiri oleh PKB, KEPLA DESA, serta
kader imp bangga kencana itu sendiri.""",
    "results": """Setelah mengikuti kegiatan ini peserta menjadi lebih paham tentang tugas yang
diberikan sebagai tanggung jawab yang diberikan.""",
    "supporting_factors": """Kegiatan ini
terlaksana dikarenakan usaha yang dilakukan oleh kerjasama antara stekholder
yang terkait dalam mengadvokasi/membuat proposal/mengajak masyarakat, sehingga
dengan bantuan/fasilitasi dilakukan dengan sebaik mungkin.""",
    "conclusion": """Kegiatan ini
terlaksanan dengan antusias peserta cukup baik.""",
}


OWN_FIELDS = {
    "title": "PERTEMUAN BULANAN KADER IMP DESA DUREN",
    "purpose": "Pertemuan ini diadakan untuk menyamakan cara kader mencatat kegiatan kelompok\nKB di setiap dusun.",
    "background": "Kader IMP di Desa Duren bekerja di tingkat desa, dusun dan RT. Setiap bulan\nmereka mencatat pertemuan, penyuluhan dan rujukan keluarga yang ingin ber-KB.\nCatatan itu sering berbeda bentuknya dari satu dusun ke dusun lain, sehingga\nrekap di kecamatan memakan waktu. Karena itu penyuluh mengajak semua kader\nduduk bersama: PPKBD, Sub PPKBD dan ketua Kelompok KB.",
    "results": "Kader sepakat memakai satu lembar catatan yang sama mulai bulan depan. Tiga\nkader yang belum punya nomor HP aktif akan dihubungi lewat ketua dusun.",
    "supporting_factors": "Balai desa dipinjamkan tanpa biaya dan kepala desa ikut membuka acara.\nHujan sore hari membuat dua kader dari dusun terjauh datang terlambat.",
    "conclusion": "Pertemuan berjalan tertib dan kader aktif bertanya. Pertemuan berikutnya\ndijadwalkan pada minggu pertama bulan depan."
}

# (name, document, the fields an officer types from it, its title) for the tests that
# check a document comes out whole; the shared seed is skipped when it is absent.
SAMPLES = [("own", OWN_SEED, OWN_FIELDS), ("seed", SEED, SEED_FIELDS)]


def sample_params():
    import pytest

    return [pytest.param(path, fields, id=name, marks=pytest.mark.skipif(
        not path.exists(), reason=f"{path} is absent (../shared is not checked out)"))
        for name, path, fields in SAMPLES]


def seed_sentences(path: Path = SEED) -> list[str]:
    """Every sentence of a sample document (its heading words aside), whitespace squeezed."""
    import re

    if not path.exists():
        import pytest

        pytest.skip(f"{path} is absent (../shared is not checked out)")
    text = path.read_text(encoding="utf-8")
    body = text.split("Deskripsi", 1)[1]
    squeezed = " ".join(body.split())
    return [part.strip() for part in re.split(r"(?<=[.:])\s+(?=[A-Z“])", squeezed) if part.strip()]


def jpeg(width: int = 3000, height: int = 2000, seed: int = 0) -> bytes:
    """A camera-sized photo (a gradient with some shapes: quick to make)."""
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    image = Image.new("RGB", (width, height), (rng.randint(0, 255), 120, 160))
    draw = ImageDraw.Draw(image)
    for _ in range(25):
        x, y = rng.randint(0, width), rng.randint(0, height)
        r = rng.randint(50, 400)
        draw.ellipse((x - r, y - r, x + r, y + r),
                     fill=(rng.randint(0, 255), rng.randint(0, 255), rng.randint(0, 255)))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=88)
    return buffer.getvalue()


def participants(count: int, seed: int = 3) -> list[Participant]:
    rng = random.Random(seed)
    first = ["Siti", "Sri", "Dwi", "Endang", "Nur", "Rina", "Wahyuni", "Sumarni", "Ratna",
             "Dewi", "Agus", "Budi", "Joko"]
    second = ["Aminah", "Rahayu", "Wulandari", "Handayani", "Susanti", "Purwanti", "Fatimah"]
    result = [Participant("Bambang Santoso", "Kepala Desa Duren", None, "hadir", official=True),
              Participant("Bd. Ratna Sari, A.Md.Keb.", "Bidan Desa", None, "hadir",
                          official=True)]
    levels = list(LEVELS)
    statuses = ["hadir"] * 8 + ["izin", "sakit", "alpa"]
    while len(result) < count:
        level = levels[min(2, int(rng.random() * 3))]
        pre = round(rng.uniform(30, 70), 1)
        result.append(Participant(
            f"{rng.choice(first)} {rng.choice(second)}",
            f"{rng.choice(['Ketua', 'Sekretaris', 'Anggota'])} {LEVELS[level]} Krajan",
            level, rng.choice(statuses), pre_score=pre,
            post_score=min(100.0, round(pre + rng.uniform(-5, 30), 1))))
    return result[:count]


def role_recap(units: int = 6) -> RoleRecap:
    rng = random.Random(5)
    rows = []
    for index in range(units):
        fulfilled = [rng.random() < 0.6 for _ in range(6)]
        count = sum(fulfilled)
        rows.append(RoleRecapRow(
            f"Pok KB Krajan RT {index + 1:03d}", "Kelompok KB", "Duren", dt.date(2026, 11, 20),
            [rng.uniform(40, 100) if f else rng.uniform(0, 59) for f in fulfilled], fulfilled,
            count, "Mandiri" if count == 6 else "Berkembang" if count >= 3 else "Dasar"))
    return RoleRecap(scope="Desa Duren", period="November 2026",
                     role_names=["Pengorganisasian", "Pertemuan", "KIE dan Konseling",
                                 "Pencatatan dan Pendataan", "Pelayanan Kegiatan",
                                 "Kemandirian"],
                     rows=rows, rule_note="Aturan klasifikasi versi 1: peran terpenuhi bila "
                                          "≥60% indikator; Dasar 0–2, Berkembang 3–5, Mandiri 6.")


def seed_activity(participant_count: int = 25, photos: int = 2, fields: dict | None = None,
                  **extra) -> ActivityReport:
    texts = fields or SEED_FIELDS
    values = dict(
        title=texts["title"], date=dt.date(2026, 11, 27),
        start_time=dt.time(9, 0), end_time=dt.time(12, 0), venue="Balai Desa Duren",
        desa_name="Duren", kecamatan_name="Tengaran",
        purpose=texts["purpose"], background=texts["background"],
        results=texts["results"], supporting_factors=texts["supporting_factors"],
        conclusion=texts["conclusion"],
        speakers="Sri Wahyuningsih, S.Sos. (PKB Kecamatan Tengaran)\nBambang Santoso (Kepala Desa Duren)",
        participants=participants(participant_count),
        photos=[Photo(jpeg(seed=i), f"Penyampaian materi Enam Peran Bakti, sesi {i + 1}")
                for i in range(photos)],
        level_labels=dict(LEVELS),
        village_head=Signatory("Kepala Desa Duren", "Bambang Santoso"),
        officer=Signatory("Penyuluh KB Kecamatan Tengaran", "Sri Wahyuningsih, S.Sos.",
                          "198609262015052001"),
        place_name="Tengaran")
    values.update(extra)
    return ActivityReport(**values)
