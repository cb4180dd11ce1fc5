"""PDF documents made with ReportLab (no Qt here).

Renderers take plain dataclasses from ``imp_desktop.reports.model`` and a
``ReportSettings`` and return the PDF as bytes:

- ``render_activity_report``  Laporan Kegiatan (sections A-F, signatures, attachments)
- ``render_attendance``       Daftar Hadir, blank or filled
- ``render_cadre_list``       Daftar Kader, NIK masked unless asked
- ``render_role_recap``       Rekap Peran Bakti of a desa or kecamatan
- ``render_assessment_sheet`` the six-role checklist of one unit, blank or filled
- ``render_district``        Rekap kabupaten (the kabupaten view, table by table)

``imp_desktop.services.reporting`` gathers the data from the database.
"""
from imp_desktop.reports.activity import render_activity_report
from imp_desktop.reports.attendance import render_attendance
from imp_desktop.reports.cadres import mask_nik, render_cadre_list
from imp_desktop.reports.district import render_district
from imp_desktop.reports.roles import render_assessment_sheet, render_role_recap

__all__ = ["mask_nik", "render_activity_report", "render_assessment_sheet",
           "render_attendance", "render_cadre_list", "render_district", "render_role_recap"]
