"""``imp-desktop tte trust add FILE | list | remove FINGERPRINT``: the root,
intermediate and CRL files that signed PDFs are checked against (the same list
as Pengaturan › Dokumen › Sertifikat akar terpercaya; ``services/tte_trust.py``)."""
from __future__ import annotations

from imp_desktop.commands import READ, WRITE, open_db


def register(cli) -> None:
    parser = cli.command("tte", lambda args: parser.error("choose: trust"),
                         "electronic signatures (TTE): the trusted root certificates")
    areas = parser.add_subparsers(dest="area", metavar="AREA", required=True)
    trust = areas.add_parser("trust", parents=[cli.common],
                             help="root, intermediate and CRL files signed PDFs are checked "
                                  "against (this installation only)")
    actions = trust.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = actions.add_parser("add", parents=[cli.common],
                             help="add the certificates or CRL of a .cer/.crt/.pem/.der/.crl file")
    add.add_argument("file", metavar="FILE")
    add.set_defaults(handler=run_add)
    listing = actions.add_parser("list", parents=[cli.common], help="show the list")
    listing.set_defaults(handler=run_list)
    remove = actions.add_parser("remove", parents=[cli.common],
                                help="take one off the list, by its SHA-256 fingerprint "
                                     "(or its unique start)")
    remove.add_argument("fingerprint", metavar="FINGERPRINT")
    remove.set_defaults(handler=run_remove)


def run_add(args) -> int:
    from imp_desktop.services import tte_trust

    open_db(args, WRITE)
    print(tte_trust.add_file(args.file).message())
    return 0


def run_list(args) -> int:
    from imp_desktop.i18n import tr
    from imp_desktop.services import tte_trust

    open_db(args, READ)
    kept = tte_trust.items()
    if not kept:
        print(tr("tte.trust.empty"))
    for item in kept:
        print(f"{item.fingerprint[:16]}  {tr(f'tte.trust.kind.{item.kind}')}: "
              f"{item.subject or '–'} · {tr('tte.trust.col.issuer')}: {item.issuer} · "
              f"{item.validity()}")
    return 0


def run_remove(args) -> int:
    from imp_desktop.i18n import tr
    from imp_desktop.services import tte_trust

    open_db(args, WRITE)
    item = tte_trust.remove(args.fingerprint)
    print(tr("tte.trust.removed", name=item.subject or tr("tte.trust.crl_of", issuer=item.issuer)))
    return 0
