"""Kabupaten: the kabupaten view of one month (``screen.DistrictScreen``) and its table
model (``models.DistrictTableModel``); see ``services/district``."""
