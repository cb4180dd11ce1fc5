"""``imp-desktop report KIND``: the signed PDF documents, written to ``--out``."""
from __future__ import annotations


from imp_desktop.commands import open_db
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

    sheet = cli.kind("report", "assessment", run_assessment,
                     "six-role checklist of a unit, filled or --blank (PDF)")
    sheet.add_argument("--unit", type=int, metavar="ID", help="unit number (for a blank sheet)")
    sheet.add_argument("--id", type=int, help="assessment number (a filled sheet)")
    sheet.add_argument("--blank", action="store_true", help="empty checklist")
    _out(sheet)


def _out(parser) -> None:
    parser.add_argument("--out", metavar="FILE",
                        help="PDF file to write (default: a name in the current folder)")
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


def _write(args, data: bytes, default_name: str) -> int:
    from imp_desktop.services.reporting import write_pdf

    path = write_pdf(data, args.out or default_name)
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
    from imp_desktop.services.reporting import cadre_list_pdf

    open_db(args)
    data = cadre_list_pdf(desa_code=args.desa, unit_id=args.unit, full_nik=args.full_nik,
                          sign_with=_credentials(args))
    suffix = (args.desa or "").replace(".", "") or (f"unit-{args.unit}" if args.unit else "semua")
    return _write(args, data, f"daftar-kader-{suffix}.pdf")


def run_activity(args) -> int:
    from imp_desktop.services.reporting import activity_report_pdf

    open_db(args)
    data = activity_report_pdf(args.id, sign_with=_credentials(args))
    return _write(args, data, f"laporan-kegiatan-{args.id}.pdf")


def run_attendance(args) -> int:
    from imp_desktop.services.reporting import attendance_pdf

    open_db(args)
    name = f"daftar-hadir-{args.id}{'-kosong' if args.blank else ''}.pdf"
    return _write(args, attendance_pdf(args.id, blank=args.blank, sign_with=_credentials(args)),
                  name)


def run_roles(args) -> int:
    from imp_desktop.services.reporting import role_recap_pdf

    open_db(args)
    period = _period(args.period)
    data = role_recap_pdf(desa_code=args.desa, period=period, sign_with=_credentials(args))
    suffix = (args.desa or "kecamatan").replace(".", "")
    if period:
        suffix += f"-{period}"
    return _write(args, data, f"rekap-peran-bakti-{suffix}.pdf")


def run_assessment(args) -> int:
    from imp_desktop.services.reporting import assessment_sheet_pdf

    open_db(args)
    if args.id is None and args.unit is None:
        raise UserError(tr("report.error.assessment_args"))
    data = assessment_sheet_pdf(assessment_id=None if args.blank else args.id,
                                unit_id=args.unit, blank=args.blank or args.id is None,
                                sign_with=_credentials(args))
    name = f"lembar-penilaian-{args.id or 'unit-' + str(args.unit)}.pdf"
    return _write(args, data, name)
