"""Kader: the cadre list (``screen.CadreScreen``, ``models``), the cadre dialog, IMP units
(``unit_panel``, ``unit_dialog``) and the Excel import wizard."""
