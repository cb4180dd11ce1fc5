"""``imp-desktop report KIND``: the documents, written to ``--out`` as PDF, or as an
Excel workbook when the file name ends in ``.xlsx``."""
from __future__ import annotations


from imp_desktop.commands import READ, open_db
from imp_desktop.errors import UserError
from imp_desktop.i18n import tr


def register(cli) -> None:
    activity = cli.kind("report", "activity", run_activity,
                        "Laporan Kegiatan of one activity (PDF)")
    activity.add_argument("--id", type=int, required=True, help="activity number")
    _out(activity)

    attendance = cli.kind("report", "attendance", run_attendance,
                          "Daftar Hadir of one activity, filled or --blank (PDF)")
    attendance.add_argument("--id", type=int, required=True, help="activity number")
    attendance.add_argument("--blank", action="store_true",
                            help="empty list to print before the meeting")
    _out(attendance)

    cadres = cli.kind("report", "cadres", run_cadres, "Daftar Kader of a desa or of all (PDF)")
    cadres.add_argument("--desa", metavar="CODE", help="desa code, e.g. 33.22.02.2001")
    cadres.add_argument("--unit", type=int, metavar="ID", help="one unit only")
    cadres.add_argument("--full-nik", action="store_true",
                        help="print whole NIKs (default: last 4 digits only)")
    _out(cadres)

    roles = cli.kind("report", "roles", run_roles,
                     "Rekap Peran Bakti of a desa or the kecamatan (PDF)")
    roles.add_argument("--desa", metavar="CODE", help="desa code (default: whole kecamatan)")
    roles.add_argument("--period", metavar="YYYY-MM|YYYY-Qn",
                       help="month (2026-11) or quarter (2026-Q4); default: latest assessments")
    _out(roles)

    district = cli.kind("report", "district", run_district,
                        "the kabupaten view of one month (PDF or XLSX, by the extension)")
    district.add_argument("--period", metavar="YYYY-MM", required=True, help="month, e.g. 2026-11")
    district.add_argument("--scope", choices=("kabupaten", "kecamatan"),
                          help="default: the whole kabupaten on PostgreSQL, the own kecamatan "
                               "on a laptop's file")
    district.add_argument("--out", metavar="F.pdf|F.xlsx", required=True)

    sheet = cli.kind("report", "assessment", run_assessment,
                     "six-role checklist of a unit, filled or --blank (PDF)")
    sheet.add_argument("--unit", type=int, metavar="ID", help="unit number (for a blank sheet)")
    sheet.add_argument("--id", type=int, help="assessment number (a filled sheet)")
    sheet.add_argument("--blank", action="store_true", help="empty checklist")
    _out(sheet)


    monthly = cli.kind("report", "monthly", run_monthly,
                       "one unit's monthly report, R/I/PPKBD, R/I/Sub PPKBD or R/I/KKB shape")
    monthly.add_argument("--unit", type=int, metavar="ID", required=True, help="unit number")
    monthly.add_argument("--period", metavar="YYYY-MM", required=True, help="month, e.g. 2026-11")
    _out(monthly)

    recap = cli.kind("report", "monthly-recap", run_monthly_recap,
                     "every desa's monthly figures side by side, with coverage")
    recap.add_argument("--desa", metavar="CODE", help="one desa (default: every desa)")
    recap.add_argument("--period", metavar="YYYY-MM", required=True, help="month, e.g. 2026-11")
    _out(recap)

    coverage = cli.kind("report", "coverage", run_coverage,
                        "which units reported a month, on time, and who is missing")
    coverage.add_argument("--region", metavar="CODE",
                          help="desa, kecamatan or kabupaten code (default: every desa)")
    coverage.add_argument("--period", metavar="YYYY-MM", required=True,
                          help="month, e.g. 2026-11")
    _out(coverage)

    register = cli.kind("report", "register", run_register,
                        "blank paper register of a dusun/RW's Kelompok KB for a year")
    register.add_argument("--hamlet", type=int, metavar="ID", required=True,
                          help="dusun/RW number")
    register.add_argument("--year", type=int, required=True)
    _out(register)


def _open(args) -> None:
    """Open the database read-only-capable and refuse an --out naming it before
    anything is made (making a printout writes its entry in the print log)."""
    open_db(args, READ)
    if args.out:
        from imp_desktop.data.db import database_file
        from imp_desktop.fileio import refuse_database_target

        refuse_database_target(args.out, database_file())


def _out(parser) -> None:
    parser.add_argument("--out", metavar="FILE",
                        help="file to write: .pdf, or .xlsx for an Excel copy "
                             "(default: a PDF in the current folder)")
    parser.add_argument("--sign-with", metavar="FILE.p12",
                        help="sign the officer's signature field with this certificate "
                             "(PAdES B-B); the passphrase is asked for")
    parser.add_argument("--passphrase-file", metavar="FILE",
                        help="read the certificate's passphrase from this file instead")


def _credentials(args):
    """The certificate of ``--sign-with`` (None without it); the passphrase from
    ``--passphrase-file`` or asked for on the terminal."""
    if not getattr(args, "sign_with", None):
        if getattr(args, "passphrase_file", None):
            raise UserError(tr("tte.error.passphrase_without_file"))
        return None
    from imp_desktop.services import tte

    if args.passphrase_file:
        passphrase = tte.read_passphrase_file(args.passphrase_file)
    else:
        import getpass
        import sys

        if not sys.stdin.isatty():
            raise UserError(tr("tte.error.no_terminal"))
        passphrase = getpass.getpass(tr("tte.ask_passphrase", path=args.sign_with))
    return tte.load_credentials(args.sign_with, passphrase)


def _write(args, pdf, default_name: str, document=None) -> int:
    """Write the PDF (``pdf()``) or, for an --out ending in .xlsx, the Excel copy of
    the same document (``document()``, its dataclass)."""
    from imp_desktop.services.reporting import XLSX, format_of, render, write_document

    fmt = format_of(args.out)
    data = render(document(), XLSX) if fmt == XLSX else pdf()
    path = write_document(data, args.out or default_name, fmt)
    print(tr("report.written", path=str(path)))
    return 0


def _period(text: str | None) -> str | None:
    """A month or quarter as the checklists use it (``2026-11``, ``2026-Q4``)."""
    if not text:
        return None
    from imp_desktop.services.roles import parse_period

    try:
        return parse_period(text).key
    except UserError:
        raise UserError(tr("report.error.period", value=text)) from None


def run_cadres(args) -> int:
    from imp_desktop.services.reporting import cadre_list_pdf, cadre_listing

    _open(args)
    suffix = (args.desa or "").replace(".", "") or (f"unit-{args.unit}" if args.unit else "semua")
    return _write(args, lambda: cadre_list_pdf(desa_code=args.desa, unit_id=args.unit,
                                               full_nik=args.full_nik,
                                               sign_with=_credentials(args)),
                  f"daftar-kader-{suffix}.pdf",
                  lambda: cadre_listing(desa_code=args.desa, unit_id=args.unit,
                                        full_nik=args.full_nik))


def run_activity(args) -> int:
    from imp_desktop.services.reporting import activity_report, activity_report_pdf

    _open(args)
    return _write(args, lambda: activity_report_pdf(args.id, sign_with=_credentials(args)),
                  f"laporan-kegiatan-{args.id}.pdf", lambda: activity_report(args.id))


def run_attendance(args) -> int:
    from imp_desktop.services.reporting import attendance_pdf, attendance_sheet

    _open(args)
    name = f"daftar-hadir-{args.id}{'-kosong' if args.blank else ''}.pdf"
    return _write(args, lambda: attendance_pdf(args.id, blank=args.blank,
                                               sign_with=_credentials(args)),
                  name, lambda: attendance_sheet(args.id, blank=args.blank))


def run_roles(args) -> int:
    from imp_desktop.services.reporting import role_recap, role_recap_pdf

    _open(args)
    period = _period(args.period)
    suffix = (args.desa or "kecamatan").replace(".", "")
    if period:
        suffix += f"-{period}"
    return _write(args, lambda: role_recap_pdf(desa_code=args.desa, period=period,
                                               sign_with=_credentials(args)),
                  f"rekap-peran-bakti-{suffix}.pdf",
                  lambda: role_recap(desa_code=args.desa, period=period))


def run_assessment(args) -> int:
    from imp_desktop.services.reporting import assessment_sheet, assessment_sheet_pdf

    _open(args)
    if args.id is None and args.unit is None:
        raise UserError(tr("report.error.assessment_args"))
    options = dict(assessment_id=None if args.blank else args.id, unit_id=args.unit,
                   blank=args.blank or args.id is None)
    name = f"lembar-penilaian-{args.id or 'unit-' + str(args.unit)}.pdf"
    return _write(args, lambda: assessment_sheet_pdf(**options, sign_with=_credentials(args)),
                  name, lambda: assessment_sheet(**options))


def _month(text: str) -> str:
    from imp_desktop.services.monthly import parse_month

    return parse_month(text).key


def run_monthly(args) -> int:
    from imp_desktop.services.monthly_reports import unit_report, unit_report_pdf

    _open(args)
    period = _month(args.period)
    return _write(args, lambda: unit_report_pdf(args.unit, period),
                  f"laporan-bulanan-unit-{args.unit}-{period}.pdf",
                  lambda: unit_report(args.unit, period))


def run_monthly_recap(args) -> int:
    from imp_desktop.services.monthly_reports import recap_pdf, recap_report

    _open(args)
    period = _month(args.period)
    suffix = (args.desa or "kecamatan").replace(".", "")
    return _write(args, lambda: recap_pdf(period, desa_code=args.desa),
                  f"rekap-laporan-bulanan-{suffix}-{period}.pdf",
                  lambda: recap_report(period, desa_code=args.desa))


def run_coverage(args) -> int:
    from imp_desktop.services.monthly_reports import coverage_pdf, coverage_report

    _open(args)
    period = _month(args.period)
    return _write(args, lambda: coverage_pdf(period, region_code=args.region),
                  f"cakupan-laporan-{period}.pdf",
                  lambda: coverage_report(period, region_code=args.region))


def run_register(args) -> int:
    from imp_desktop.services.monthly_reports import paper_register, paper_register_pdf

    _open(args)
    return _write(args, lambda: paper_register_pdf(args.hamlet, args.year),
                  f"register-bulanan-{args.hamlet}-{args.year}.pdf",
                  lambda: paper_register(args.hamlet, args.year))


def run_district(args) -> int:
    from pathlib import Path

    from imp_desktop.services.district import district_view, district_view_pdf, district_xlsx
    from imp_desktop.services.reporting import write_pdf

    suffix = Path(args.out).suffix.lower()
    if suffix not in (".pdf", ".xlsx"):
        raise UserError(tr("district.error.format", path=args.out))
    _open(args)
    view = district_view(args.period, args.scope)
    if suffix == ".xlsx":
        path = district_xlsx(view, args.out)
    else:
        path = write_pdf(district_view_pdf(view), args.out)
    print(tr("district.written", period=view.period_label, path=str(path)))
    return 0

