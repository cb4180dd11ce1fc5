"""The seed report (a real Laporan Kegiatan) fits the activity without losing a sentence."""
import datetime as dt
import re
from pathlib import Path

import pytest

from imp_desktop.services import activities as svc
from imp_desktop.services.activities import ActivityInput

SEED = Path(__file__).resolve().parents[1].parent / "shared" / "seed" / \
    "laporan-pembinaan-kader-imp.txt"


def _sentences(text: str) -> list[str]:
    flat = " ".join(text.split())
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+", flat) if s.strip()]


def test_every_sentence_of_the_seed_report_has_a_field(db):
    if not SEED.exists():
        pytest.skip("the seed report is not in ../shared/seed")
    lines = SEED.read_text(encoding="utf-8").splitlines()
    text = " ".join(" ".join(lines[2:]).split())   # after the title and "Deskripsi"
    aims_end = text.index("Kader IMP adalah")
    attended = text.index(", yang dihadiri oleh")
    results = text.index("Setelah mengikuti")
    support = text.index("Kegiatan ini terlaksana dikarenakan")
    engagement = text.index("Kegiatan ini terlaksanan dengan antusias")
    data = ActivityInput(
        title=lines[0].strip().title(), date=dt.date(2026, 11, 27),
        aims=text[:aims_end], background=text[aims_end:attended] + ".",
        participants_note="Kegiatan ini" + text[attended + 1:results].strip(),
        results=text[results:support], supporting_factors=text[support:engagement],
        engagement_rating=3, engagement_note=text[engagement:])
    ident = svc.save_activity(data, [])
    saved = svc.get_activity(ident)
    stored = " ".join([saved.title] + [getattr(saved, name) for name, _ in svc.TEXT_SECTIONS]
                      + [saved.engagement_note])
    stored = " ".join(stored.split())
    for sentence in _sentences(text):
        words = sentence.rstrip(".").split(", yang dihadiri oleh")
        for part in words:
            assert " ".join(part.split()) in stored, part
    assert saved.engagement_label == "Cukup baik"
