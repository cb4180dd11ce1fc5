"""Realistic demo data for one real kecamatan: Tengaran, Kabupaten Semarang.

Indonesian names, valid NIKs, dusun/RW and RT, units at all three levels with
boards. Deterministic for a given seed. Built with bulk inserts so that
``--cadres 100000`` takes seconds, for the benchmarks.
"""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from imp_desktop.data.versions import stamp_unversioned
from imp_desktop.data.models import (
    LEVEL_KELOMPOK,
    LEVEL_PPKBD,
    LEVEL_SUB_PPKBD,
    Cadre,
    database,
    new_uuid,
    utc_now,
)
from imp_desktop.data.sync import chunks
from imp_desktop.errors import UserError
from imp_desktop.i18n import tr
from imp_desktop.services.regions import upsert_regions
from imp_desktop.services.settings import OfficerProfile, save_officer, set_setting
from imp_desktop.services.text import search_key

KECAMATAN_CODE = "33.22.02"
KECAMATAN_NAME = "Tengaran"
DESA = [  # the official desa of Kecamatan Tengaran (Kepmendagri 300.2.2-2138/2025)
    ("2001", "Duren"), ("2002", "Sugihan"), ("2003", "Sruwen"), ("2004", "Tegalrejo"),
    ("2005", "Tengaran"), ("2006", "Klero"), ("2007", "Regunung"), ("2008", "Cukil"),
    ("2009", "Karangduren"), ("2010", "Butuh"), ("2011", "Patemon"), ("2012", "Bener"),
    ("2013", "Tegalwaton"), ("2014", "Barukan"), ("2015", "Nyamat"),
]
DUSUN_NAMES = ["Krajan", "Kauman", "Ngaglik", "Gedangan", "Sidomulyo", "Karanganyar",
               "Jetis", "Ngablak", "Tegalsari", "Banaran", "Kalisari", "Sumberejo",
               "Gondang", "Plumbon", "Wonorejo", "Ngemplak"]
FEMALE = ["Siti", "Sri", "Dwi", "Tri", "Endang", "Nur", "Nurul", "Rina", "Wahyuni", "Sumarni",
          "Suryani", "Lestari", "Ratna", "Dewi", "Yuliana", "Sulastri", "Tutik", "Kusmiyati",
          "Mulyani", "Puji", "Rahayu", "Umi", "Anik", "Eni", "Fitri", "Indah", "Listyowati",
          "Marfuah", "Ngatini", "Partini", "Rukmini", "Sutarti", "Warsini", "Yati", "Zulaikha",
          "Kartini", "Nining", "Ani", "Khoiriyah", "Muslimah"]
MALE = ["Muhammad", "Ahmad", "Agus", "Budi", "Joko", "Slamet", "Sutrisno", "Bambang", "Eko",
        "Heru", "Imam", "Suparno", "Teguh", "Wahyudi", "Yusuf", "Darsono", "Gunawan", "Hadi",
        "Sugeng", "Rohmat"]
SECOND = ["Aminah", "Rahayu", "Wulandari", "Handayani", "Susanti", "Purwanti", "Setyowati",
          "Kurniawati", "Maryati", "Fatimah", "Hidayati", "Mardiyah", "Ningsih", "Utami",
          "Prasetyo", "Santoso", "Saputra", "Nugroho", "Hidayat", "Wibowo", "Kusuma", "Pratiwi",
          "Astuti", "Zubaidah", "Rohmah", "Sholihah", "Anggraini", "Safitri", "Mustofa"]
EDUCATION = ["SD", "SMP", "SMA", "SMA", "SMA", "SMK", "D3", "S1"]
OCCUPATION = ["Ibu rumah tangga", "Ibu rumah tangga", "Ibu rumah tangga", "Petani", "Pedagang",
              "Wiraswasta", "Guru PAUD", "Buruh"]


# Later features add their demo data here: "module:function", each called as
# ``function(rng, summary)`` inside the demo transaction, after cadres exist.
EXTRA_STEPS: list[str] = [
    "imp_desktop.services.activity_demo:demo_activities",
    "imp_desktop.services.roles.demo:demo_assessments",
    "imp_desktop.services.monthly_demo:demo_monthly",
]


@dataclass
class DemoSummary:
    desa: int = 0
    units: int = 0
    cadres: int = 0
    extra: dict[str, int] = field(default_factory=dict)
    # How many activities the demo should hold (None: a few months per desa).
    activities: int | None = None


def _person(rng: random.Random, female: bool) -> str:
    first = rng.choice(FEMALE if female else MALE)
    if rng.random() < 0.15:
        return first
    second = rng.choice(SECOND)
    return f"{first} {second}" if second != first else first


def _insert(table: str, columns: list[str], rows: list[tuple]) -> None:
    p = database.param
    sql = (f'INSERT INTO "{table}" ({", ".join(columns)}) '
           f'VALUES ({", ".join([p] * len(columns))})')
    cursor = database.cursor()
    for batch in chunks(rows, 1000):
        cursor.executemany(sql, batch)


def _ids(table: str, uuids: list[str]) -> dict[str, int]:
    found = {}
    for chunk in chunks(uuids):
        sql = f'SELECT uuid, id FROM "{table}" WHERE uuid IN ({", ".join([database.param] * len(chunk))})'
        found.update(dict(database.execute_sql(sql, chunk).fetchall()))
    return found


def generate_demo(desa: int = 4, cadres: int = 600, seed: int = 1,
                  progress=None, activities: int | None = None) -> DemoSummary:
    """Fill an empty database with demo data; ``progress(done, total)`` is optional.

    ``activities`` sets how many activities (kegiatan) are made, spread month by
    month over the desa; by default each desa gets one a month for four months.
    """
    # Long on purpose: the demo's records in dependency order (regions, units,
    # cadres, ...) inside one transaction; each step uses the ids of the ones before.
    if not 1 <= desa <= len(DESA):
        raise UserError(tr("demo.error.desa", max=len(DESA)))
    if cadres < 1:
        raise UserError(tr("demo.error.cadres"))
    if activities is not None and activities < 0:
        raise UserError(tr("demo.error.activities"))
    if Cadre.select().exists():
        raise UserError(tr("demo.error.not_empty"))
    rng = random.Random(seed)
    now = utc_now()
    summary = DemoSummary(desa=desa, activities=activities)
    with database.atomic():
        upsert_regions([(f"{KECAMATAN_CODE}.{code}", name) for code, name in DESA[:desa]])
        save_officer(OfficerProfile(name="Sri Wahyuningsih, S.Sos.", nip="198609262015052001",
                                    title="Penyuluh KB Ahli Muda",
                                    kecamatan_code=KECAMATAN_CODE, place_name=KECAMATAN_NAME))
        set_setting("demo", True)

        # Places and units: per desa 4-8 dusun (numbered as RW), each with 3-6 RT.
        hamlets, rts, units = [], [], []
        structure = []  # (desa_code, desa_name, [(hamlet_uuid, dusun, rw, [rt_uuid, number])])
        for code, name in DESA[:desa]:
            desa_code = f"{KECAMATAN_CODE}.{code}"
            dusun_list = []
            for index, dusun in enumerate(rng.sample(DUSUN_NAMES, rng.randint(4, 8)), 1):
                h_uuid = new_uuid()
                rw = f"{index:03d}"
                hamlets.append((h_uuid, now, now, desa_code, f"Dusun {dusun}", rw))
                rt_list = []
                for number in range(1, rng.randint(3, 6) + 1):
                    rt_uuid = new_uuid()
                    rt_list.append((rt_uuid, f"{number:03d}"))
                dusun_list.append((h_uuid, dusun, rw, rt_list))
            structure.append((desa_code, name, dusun_list))
        _insert("hamlet", ["uuid", "created_at", "updated_at", "desa_code", "name", "rw"], hamlets)
        hamlet_ids = _ids("hamlet", [h[0] for h in hamlets])
        for _, _, dusun_list in structure:
            for h_uuid, _, _, rt_list in dusun_list:
                rts += [(r_uuid, now, now, hamlet_ids[h_uuid], number) for r_uuid, number in rt_list]
        _insert("neighbourhood", ["uuid", "created_at", "updated_at", "hamlet_id", "number"], rts)
        rt_ids = _ids("neighbourhood", [r[0] for r in rts])

        # Units in three passes so parents exist before children.
        slots = []  # (unit_uuid, desa_code, desa_name, dusun, rw, rt)
        sk_date = dt.date(2024, 1, 15)
        ppkbd_uuid, sub_uuid = {}, {}
        for desa_code, name, dusun_list in structure:
            u = new_uuid()
            ppkbd_uuid[desa_code] = u
            units.append((u, now, now, LEVEL_PPKBD, f"PPKBD {name}", desa_code, None, None, None,
                          f"400/{rng.randint(10, 99)}/2024", sk_date.isoformat(), True))
            slots.append((u, desa_code, name, None, None, None))
        _insert("unit", ["uuid", "created_at", "updated_at", "level", "name", "desa_code",
                         "hamlet_id", "neighbourhood_id", "parent_id", "sk_number", "sk_date",
                         "active"], units)
        unit_ids = _ids("unit", [u[0] for u in units])
        subs = []
        for desa_code, name, dusun_list in structure:
            for h_uuid, dusun, rw, _ in dusun_list:
                u = new_uuid()
                sub_uuid[h_uuid] = u
                subs.append((u, now, now, LEVEL_SUB_PPKBD, f"Sub PPKBD {dusun}", desa_code,
                             hamlet_ids[h_uuid], None, unit_ids[ppkbd_uuid[desa_code]],
                             f"400/{rng.randint(100, 199)}/2024", sk_date.isoformat(), True))
                slots.append((u, desa_code, name, dusun, rw, None))
        _insert("unit", ["uuid", "created_at", "updated_at", "level", "name", "desa_code",
                         "hamlet_id", "neighbourhood_id", "parent_id", "sk_number", "sk_date",
                         "active"], subs)
        unit_ids.update(_ids("unit", [u[0] for u in subs]))
        poks = []
        for desa_code, name, dusun_list in structure:
            for h_uuid, dusun, rw, rt_list in dusun_list:
                for r_uuid, number in rt_list:
                    u = new_uuid()
                    poks.append((u, now, now, LEVEL_KELOMPOK,
                                 f"Pok KB {dusun} RT {number}", desa_code, hamlet_ids[h_uuid],
                                 rt_ids[r_uuid], unit_ids[sub_uuid[h_uuid]], None, None, True))
                    slots.append((u, desa_code, name, dusun, rw, number))
        _insert("unit", ["uuid", "created_at", "updated_at", "level", "name", "desa_code",
                         "hamlet_id", "neighbourhood_id", "parent_id", "sk_number", "sk_date",
                         "active"], poks)
        unit_ids.update(_ids("unit", [u[0] for u in poks]))
        summary.units = len(units) + len(subs) + len(poks)

        # Cadres: boards first (Ketua, Sekretaris, Bendahara), then members round-robin.
        positions = ["ketua", "sekretaris", "bendahara"]
        assignments = []
        for round_no in range(cadres):
            slot = slots[round_no % len(slots)]
            turn = round_no // len(slots)
            assignments.append((slot, positions[turn] if turn < 3 else "anggota"))
        serials: dict[str, int] = {}
        rows = []
        for index, (slot, position) in enumerate(assignments):
            unit_uuid, desa_code, desa_name, dusun, rw, rt = slot
            female = rng.random() < 0.85
            name = _person(rng, female)
            birth = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randint(0, 365 * 42))
            day = birth.day + (40 if female else 0)
            stem = f"{KECAMATAN_CODE.replace('.', '')}{day:02d}{birth.month:02d}{birth.year % 100:02d}"
            serials[stem] = serials.get(stem, 0) + 1
            nik = f"{stem}{serials[stem]:04d}"
            phone = "08" + "".join(str(rng.randint(0, 9)) for _ in range(rng.randint(9, 11)))
            rt_text = rt or f"{rng.randint(1, 5):03d}"
            rw_text = rw or f"{rng.randint(1, 6):03d}"
            address = f"Dusun {dusun or rng.choice(DUSUN_NAMES)} RT {rt_text}/RW {rw_text}"
            start = dt.date(2015 + rng.randint(0, 9), rng.randint(1, 12), 1)
            rows.append((
                new_uuid(), now, now, nik, name, "P" if female else "L", "Kab. Semarang",
                birth.isoformat(), address, rt_text, rw_text, desa_code, phone,
                rng.choice(EDUCATION), rng.choice(OCCUPATION), unit_ids[unit_uuid], position,
                start.isoformat(), True, search_key(name, nik, phone, desa_name),
            ))
            if progress and index % 5000 == 0:
                progress(index, cadres)
        _insert("cadre", ["uuid", "created_at", "updated_at", "nik", "name", "sex",
                          "birth_place", "birth_date", "address", "rt", "rw", "desa_code",
                          "phone", "education", "occupation", "unit_id", "position",
                          "start_date", "active", "search_text"], rows)
        summary.cadres = len(rows)
        # A few who have left, so the status filter has something to show.
        leavers = rng.sample(range(len(rows)), max(1, len(rows) // 40))
        left = dt.date.today() - dt.timedelta(days=90)
        for chunk in chunks([rows[i][0] for i in leavers]):
            database.execute_sql(
                f"UPDATE cadre SET active = {database.param}, inactive_reason = {database.param}, "
                f"inactive_date = {database.param} WHERE uuid IN "
                f"({', '.join([database.param] * len(chunk))})",
                [False, "Pindah domisili", left.isoformat(), *chunk])
        for step in EXTRA_STEPS:
            module_name, function_name = step.split(":")
            module = __import__(module_name, fromlist=[function_name])
            getattr(module, function_name)(rng, summary)
        # Written in bulk around the audit trail: every record is made here.
        stamp_unversioned()
    if progress:
        progress(cadres, cadres)
    return summary
