"""PDF building: a Laporan Kegiatan with 300 participants and 8 camera photos.

The activity is saved through the services (photos go through the photo store
as they would from the window); the figure is the time from the activity id to
the finished PDF bytes: gathering the data, laying out every page, embedding
the photos and the font.
"""
from __future__ import annotations

import datetime as dt
import io
import random
import shutil


def _photo(seed: int):
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    image = Image.new("RGB", (4000, 3000), (rng.randint(0, 255), 140, 170))
    draw = ImageDraw.Draw(image)
    for _ in range(40):
        x, y, r = rng.randint(0, 4000), rng.randint(0, 3000), rng.randint(60, 500)
        draw.ellipse((x - r, y - r, x + r, y + r),
                     fill=(rng.randint(0, 255), rng.randint(0, 255), rng.randint(0, 255)))
    return image


def _activity_with(participants: int, photos: int) -> int:
    from imp_desktop.services import activities
    from imp_desktop.services.photos import store_image

    invited = activities.cadres_for_invitation(desa_code="33.22.02.2001")[:participants]
    if len(invited) < participants:
        raise RuntimeError(f"only {len(invited)} cadres to invite")
    rng = random.Random(4)
    for row in invited:
        row.status = rng.choice(["hadir"] * 8 + ["izin", "sakit", "alpa"])
        row.pre_score = round(rng.uniform(30, 70), 1)
        row.post_score = round(row.pre_score + rng.uniform(-5, 30), 1)
    stored = [store_image(_photo(i), f"foto-{i}.jpg") for i in range(photos)]
    data = activities.ActivityInput(
        title="Pembinaan pada Kader IMP Bangga Kencana", date=dt.date(2026, 11, 27),
        start_time=dt.time(9), end_time=dt.time(12), place="Balai Desa Duren",
        desa_code="33.22.02.2001", background="Latar belakang. " * 80,
        aims="Meningkatkan pengetahuan kader.", results="Peserta lebih paham. " * 30,
        scores_enabled=True)
    return activities.save_activity(
        data, invited, [activities.PhotoInfo(file_name=s.file_name, caption=f"Foto kegiatan {i}")
                        for i, s in enumerate(stored, 1)])


def run(ctx) -> list[dict]:
    from imp_desktop.data.db import close_database, open_database
    from imp_desktop.services.reporting import activity_report_pdf

    source = ctx.demo_db(cadres=2000, desa=4)
    db = ctx.workdir / "reports.sqlite"
    shutil.copy(source, db)
    open_database(db)
    try:
        activity_id = _activity_with(300, 8)
        activity_report_pdf(activity_id)          # fonts registered, caches warm
        times = ctx.measure(lambda: activity_report_pdf(activity_id), 3 if ctx.quick else 5)
        size_kb = len(activity_report_pdf(activity_id)) / 1024
    finally:
        close_database()
    return [ctx.result("pdf_activity_300", times, "s", 3.0),
            ctx.result("pdf_activity_300_size", [size_kb], "KB", None)]
