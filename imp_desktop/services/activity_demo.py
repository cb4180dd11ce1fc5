"""Demo activities: a few months of sessions per desa with attendance, scores and photos.

Registered in ``services.demo.EXTRA_STEPS``; runs inside the demo transaction
after the cadres exist. The photos are drawn with Pillow (a village hall, a
banner, rows of participants) so the Dokumentasi section has something to show.
"""
from __future__ import annotations

import datetime as dt
import random

from imp_desktop.data.models import (
    LEVEL_KELOMPOK,
    LEVEL_PPKBD,
    LEVEL_SUB_PPKBD,
    STATUS_ABSENT,
    STATUS_EXCUSED,
    STATUS_PRESENT,
    STATUS_SICK,
)
from imp_desktop.services.activities import (
    DEFAULT_TITLE,
    ActivityInput,
    PhotoInfo,
    activity_desa,
    activity_types,
    cadres_for_invitation,
    guest_row,
    save_activity,
)

MONTHS_BACK = 4
MAX_INVITED = 300

# The seed report (a real Laporan Kegiatan), its typing slips corrected, section by section.
SEED_BACKGROUND = (
    "Kader IMP adalah singkatan dari Institusi Masyarakat Pedesaan / Tenaga Lini Lapangan. "
    "IMP sendiri pada hakikatnya merupakan wadah pengelolaan dan pelaksanaan program KB "
    "nasional mulai dari tingkat desa/kelurahan, dusun/RW hingga tingkat RT. IMP di tingkat "
    "desa/kelurahan dinamakan PPKBD, yaitu seseorang atau beberapa orang kader dalam wadah "
    "organisasi yang secara sukarela berperan aktif melaksanakan/mengelola program KB di "
    "tingkat desa/kelurahan. Sementara di tingkat dusun/RW dinamakan Sub PPKBD, yaitu "
    "seseorang atau beberapa orang kader dalam wadah organisasi dengan peran yang sama di "
    "tingkat dusun/RW.\n\n"
    "Peran kader IMP sangatlah penting dan menjadi satu kekuatan yang dapat diandalkan untuk "
    "tetap dapat mempertahankan keberhasilan program KB di masyarakat. Kader IMP sekarang ini "
    "mempunyai 6 peran dalam rangka ikut menyukseskan program KB, yang kemudian dikenal "
    "dengan istilah \u201cEnam Peran Bakti\u201d. Keenam peran bakti institusi tersebut adalah: "
    "Pengorganisasian; Pertemuan; KIE dan Konseling; Pencatatan dan Pendataan; Pelayanan "
    "Kegiatan; dan Kemandirian.\n\n"
    "Dapat diyakini, jika keenam peran tersebut dapat dijalankan dengan baik, IMP yang ada di "
    "pedesaan akan dapat berfungsi dengan baik dan peran-peran yang dibebankan dapat dijalani "
    "dengan baik pula. Bila ini telah terwujud, berarti upaya memberdayakan IMP agar menjadi "
    "wahana pembentukan SDM yang berkualitas telah menjadi kenyataan, sehingga harapan-harapan "
    "pemerintah dan masyarakat untuk masa depan yang lebih baik lewat perjuangan IMP tidak "
    "lagi hanya harapan-harapan kosong tanpa kepastian.")
SEED_AIMS = "Kegiatan ini bertujuan untuk meningkatkan pengetahuan kader IMP Bangga Kencana."
SEED_PARTICIPANTS = ("Kegiatan ini dihadiri oleh PKB, Kepala Desa, serta kader IMP Bangga "
                     "Kencana itu sendiri.")
SEED_RESULTS = ("Setelah mengikuti kegiatan ini peserta menjadi lebih paham tentang tugas yang "
                "diberikan sebagai tanggung jawab yang diberikan.")
SEED_SUPPORT = ("Kegiatan ini terlaksana dikarenakan usaha yang dilakukan oleh kerja sama "
                "antara pemangku kepentingan (stakeholder) yang terkait dalam "
                "mengadvokasi/membuat proposal/mengajak masyarakat, sehingga dengan "
                "bantuan/fasilitasi kegiatan dilakukan dengan sebaik mungkin.")
SEED_ENGAGEMENT = "Kegiatan ini terlaksana dengan antusias peserta cukup baik."

LEGAL_BASIS = ("1. Undang-Undang Nomor 52 Tahun 2009 tentang Perkembangan Kependudukan dan "
               "Pembangunan Keluarga.\n2. Rencana kerja Penyuluh KB Kecamatan tahun berjalan.")
ROUTINE_AGENDA = ("1. Pembukaan.\n2. Laporan kegiatan kader bulan lalu (register R/I).\n"
                  "3. Pembahasan sasaran PUS dan peserta KB baru.\n4. Tindak lanjut dan "
                  "penutup.")
COACHING_AGENDA = ("1. Pembukaan oleh Kepala Desa.\n2. Materi Enam Peran Bakti IMP.\n"
                   "3. Pencatatan dan pelaporan kader.\n4. Pre-test dan post-test.\n"
                   "5. Diskusi dan penutup.")
INHIBITING = ["Sebagian kader berhalangan karena bertepatan dengan musim panen.",
              "Hujan deras menjelang acara sehingga sebagian peserta datang terlambat.",
              "Pengeras suara balai desa kurang berfungsi dengan baik.", ""]
FOLLOW_UP = ["Kader menyerahkan register R/I paling lambat tanggal 3 bulan berikutnya.",
             "PKB mendampingi Sub PPKBD memperbarui peta sasaran PUS.",
             "Pertemuan berikutnya membahas pembinaan Poktan BKB, BKR dan BKL."]


def _draw_scene(rng: random.Random, title: str, palette: tuple):
    """A simple picture of a meeting: a hall, a banner, rows of people."""
    from PIL import Image, ImageDraw, ImageFont

    width, height = 960, 640
    wall, floor, banner = palette
    image = Image.new("RGB", (width, height), wall)
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, int(height * 0.55), width, height], fill=floor)
    draw.rectangle([140, 40, width - 140, 130], fill=banner, outline=(255, 255, 255), width=4)
    try:
        font = ImageFont.load_default(size=30)
        small = ImageFont.load_default(size=20)
    except TypeError:  # Pillow before 10.1
        font = small = ImageFont.load_default()
    draw.text((width // 2, 70), title, fill=(255, 255, 255), font=font, anchor="mm")
    draw.text((width // 2, 108), "Program Bangga Kencana", fill=(255, 240, 200), font=small,
              anchor="mm")
    draw.rectangle([60, 170, 230, 330], fill=(245, 245, 240), outline=(90, 90, 90), width=3)
    for row in range(3):
        y = 400 + row * 75
        for col in range(9):
            x = 70 + col * 100 + rng.randint(-8, 8) + (row % 2) * 30
            scarf = rng.choice([(196, 60, 80), (40, 110, 170), (60, 140, 90), (210, 150, 40),
                                (120, 70, 150)])
            draw.ellipse([x, y - 30, x + 36, y + 6], fill=(120, 84, 60))
            draw.pieslice([x - 8, y - 36, x + 44, y + 14], 180, 360, fill=scarf)
            draw.rounded_rectangle([x - 10, y + 6, x + 46, y + 70], 12, fill=scarf)
    return image


def _photo_pool(rng: random.Random) -> list[PhotoInfo]:
    from imp_desktop.services.photos import store_image

    palettes = [((232, 222, 200), (150, 110, 80), (31, 122, 77)),
                ((214, 226, 234), (120, 120, 130), (160, 40, 50)),
                ((240, 232, 214), (110, 130, 90), (20, 80, 140))]
    titles = ["PEMBINAAN KADER IMP", "PERTEMUAN RUTIN KADER", "PENYULUHAN KB"]
    pool = []
    for index in range(6):
        picture = _draw_scene(rng, titles[index % 3], palettes[index % 3])
        stored = store_image(picture, f"dokumentasi-{index + 1}.jpg")
        pool.append(PhotoInfo(file_name=stored.file_name, original_name=stored.original_name,
                              width=stored.width, height=stored.height))
    return pool


def _invited(rng: random.Random, desa_code: str) -> list:
    """Boards of the PPKBD and Sub PPKBD, and the Kelompok KB chairs, up to 300."""
    board = ("ketua", "sekretaris", "bendahara")
    rows = []
    for level in (LEVEL_PPKBD, LEVEL_SUB_PPKBD):
        rows += cadres_for_invitation(desa_code=desa_code, level=level, positions=board)
    rows += cadres_for_invitation(desa_code=desa_code, level=LEVEL_KELOMPOK, positions=("ketua",))
    return rows[:MAX_INVITED]


def _mark(rng: random.Random, rows: list, with_scores: bool) -> None:
    for row in rows:
        draw = rng.random()
        row.status = (STATUS_PRESENT if draw < 0.8 else STATUS_EXCUSED if draw < 0.88
                      else STATUS_SICK if draw < 0.93 else STATUS_ABSENT)
        if with_scores and row.status == STATUS_PRESENT and not row.is_guest:
            row.pre_score = float(rng.randrange(40, 80, 5))
            row.post_score = float(min(100, row.pre_score + rng.randrange(0, 35, 5)))


def demo_activities(rng: random.Random, summary) -> None:
    types = {t.name: t.id for t in activity_types()}
    desa_list = activity_desa()
    if not desa_list:
        return
    pool = _photo_pool(rng)
    today = dt.date.today()
    first_of_month = today.replace(day=1)
    wanted = getattr(summary, "activities", None)
    if wanted is None:
        wanted = MONTHS_BACK * len(desa_list)
    months = -(-wanted // len(desa_list))      # one per desa and month, newest last
    made = 0
    seed_used = False
    for back in range(months, 0, -1):
        month_start = first_of_month
        for _ in range(back):
            month_start = (month_start - dt.timedelta(days=1)).replace(day=1)
        for index, (desa_code, desa_name) in enumerate(desa_list):
            if made == wanted:
                break
            coaching = (back + index) % 2 == 0
            day = month_start + dt.timedelta(days=rng.randint(2, 24))
            data = ActivityInput(
                title=DEFAULT_TITLE if coaching else "Pertemuan Rutin Kader IMP",
                type_id=types.get("Pembinaan kader IMP" if coaching else "Pertemuan rutin"),
                date=day, start_time=dt.time(rng.choice([8, 9, 13]), rng.choice([0, 30])),
                time_zone="WIB", place=f"Balai Desa {desa_name}", desa_code=desa_code,
                legal_basis=LEGAL_BASIS,
                agenda=COACHING_AGENDA if coaching else ROUTINE_AGENDA,
                speakers="Penyuluh KB Kecamatan Tengaran\nKepala Desa " + desa_name,
                funding_source=rng.choice(["Dana Desa", "BOKB", "Swadaya kader"]),
                funding_amount=rng.choice([250_000, 500_000, 750_000, 1_000_000]),
                engagement_rating=rng.choice([3, 4, 4, 5]),
                scores_enabled=coaching,
                follow_up=rng.choice(FOLLOW_UP),
                inhibiting_factors=rng.choice(INHIBITING))
            data.end_time = dt.time(data.start_time.hour + 3, data.start_time.minute)
            if coaching and not seed_used:
                seed_used = True
                data.background, data.aims = SEED_BACKGROUND, SEED_AIMS
                data.participants_note, data.results = SEED_PARTICIPANTS, SEED_RESULTS
                data.supporting_factors = SEED_SUPPORT
                data.engagement_rating, data.engagement_note = 3, SEED_ENGAGEMENT
                data.conclusions = ("Kader IMP memahami Enam Peran Bakti dan tugas "
                                    "pencatatan yang menjadi tanggung jawabnya.")
                data.suggestions = "Pembinaan serupa dilaksanakan setiap tiga bulan."
            else:
                data.aims = SEED_AIMS if coaching else (
                    "Membahas laporan kader bulan lalu dan rencana kegiatan bulan ini.")
                data.results = rng.choice([
                    "Register R/I bulan lalu terkumpul dari seluruh Sub PPKBD.",
                    "Kader memahami cara mencatat PUS dan peserta KB baru.",
                    "Disepakati jadwal kunjungan rumah bagi PUS yang belum ber-KB."])
                data.supporting_factors = "Dukungan pemerintah desa dan kehadiran kader."
            rows = _invited(rng, desa_code)
            rows.append(guest_row(_person_name(rng), "Kepala Desa " + desa_name))
            rows.append(guest_row(_person_name(rng, female=True), "Bidan desa"))
            _mark(rng, rows, coaching)
            photos = [PhotoInfo(file_name=p.file_name, original_name=p.original_name,
                                width=p.width, height=p.height,
                                caption=f"{caption} di Balai Desa {desa_name}")
                      for p, caption in zip(rng.sample(pool, 2),
                                            ["Penyampaian materi", "Suasana pertemuan"])]
            save_activity(data, rows, photos)
            made += 1
    summary.extra["kegiatan"] = made


def _person_name(rng: random.Random, female: bool = False) -> str:
    from imp_desktop.services.demo import FEMALE, MALE, SECOND

    return f"{rng.choice(FEMALE if female else FEMALE + MALE)} {rng.choice(SECOND)}"
