"""``imp-desktop import signed FILE.pdf``: take back a printout signed with a TTE."""
from __future__ import annotations

from imp_desktop.commands import WRITE, open_db


def register(cli) -> None:
    parser = cli.kind("import", "signed", run_import_signed,
                      "a signed PDF (TTE) of a printout: checked, then kept with its record")
    parser.add_argument("file", metavar="FILE.pdf")


def run_import_signed(args) -> int:
    from imp_desktop.i18n import tr
    from imp_desktop.services import tte
    from imp_desktop.services.verify import kind_label

    open_db(args, WRITE)
    info = tte.import_signed(args.file)
    print(tr("tte.imported", kind=kind_label(info.kind), title=info.title))
    print(f"  {info.describe()}")
    print(f"  {tr('tte.trust.status', note=info.trust_note())}")
    return 0
