"""Bulanan: the units' monthly reports of a desa (``screen.py``), its item models
(``models.py``) and its Pengaturan tab (``settings_page.py``)."""
