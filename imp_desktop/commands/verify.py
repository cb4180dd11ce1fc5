"""``imp-desktop verify FILE.pdf`` / ``imp-desktop verify --code CODE``: check a
printout against the data here. Exit 0 sah, 3 berubah, 4 tidak dikenal."""
from __future__ import annotations

from imp_desktop.commands import READ, open_db


def register(cli) -> None:
    parser = cli.command("verify", run_verify,
                         "check a printout: 0 sah, 3 berubah (changed), 4 tidak dikenal")
    parser.add_argument("file", nargs="?", metavar="FILE.pdf", help="a PDF made by IMP Desktop")
    parser.add_argument("--code", metavar="CODE",
                        help="the verification code from the footer, or the QR code's text")


def run_verify(args) -> int:
    from imp_desktop.errors import UserError
    from imp_desktop.i18n import tr
    from imp_desktop.services import verify

    if bool(args.file) == bool(args.code):
        raise UserError(tr("verify.error.usage"))
    open_db(args, READ)
    verdict = verify.verify_file(args.file) if args.file else verify.verify_text(args.code)
    print(verdict.headline)
    for line in verdict.details():
        print(f"  {line}")
    if args.file:
        from imp_desktop.services import tte

        for line in tte.signature_lines(verify.read_pdf(args.file), args.file):
            print(f"  {line}")
    return verdict.exit_code
